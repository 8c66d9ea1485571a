"""What every channel adapter takes and answers: one message out, and two ways to fail."""
from dataclasses import dataclass, field
from typing import Protocol


class PermanentFailure(Exception):
    """The provider refused the message for good (bad number, unknown template): no retry."""


class TemporaryFailure(Exception):
    """The provider did not take it now (timeout, 5xx, 429): the task queue tries again later."""


@dataclass(frozen=True)
class Message:
    id: int  # the Notification's id: sent to providers as the message id, so that a resend is recognised
    channel: str  # email | sms | wechat
    kind: str  # ticket_registered, login_link, ...
    recipient: str
    body: str
    variables: dict = field(default_factory=dict)
    # (filename, MIME type, bytes): e-mail only, e.g. the booked visit's calendar file.
    attachments: tuple = ()
    # SMS / WeChat: the admin's provider template (portal.services.provider_templates), before the setting's.
    template_id: str | None = None
    # E-mail only: the ticket's reply address (portal.services.mail_replies), so that a reply comes back.
    reply_to: str | None = None
    # E-mail only: the contact's preferences / unsubscribe link (List-Unsubscribe), also at the end of the text.
    preferences_link: str | None = None


class Adapter(Protocol):
    name: str

    def send(self, message: Message) -> str:
        """Deliver `message`; the status to record ("sent", "logged", "kept"). Raises PermanentFailure or
        TemporaryFailure."""
