"""The log provider (development default): every text message or WeChat message is written to the admin's
page of sent messages (/desk/admin/outbox) and to the server log with the recipient masked; nothing leaves."""
import logging

from portal.channels.base import Message
from portal.domain.privacy import mask_phone
from portal.extensions import db
from portal.models import OutboxMessage

log = logging.getLogger(__name__)


class LogAdapter:
    name = "log"

    def __init__(self, templates: dict[str, str]):
        self.templates = templates

    def send(self, message: Message) -> str:
        db.session.add(OutboxMessage(notification_id=message.id, channel=message.channel, kind=message.kind,
                                     recipient=message.recipient,
                                     template_id=message.template_id or self.templates.get(message.kind),
                                     variables=message.variables or None, body=message.body))
        log.info("log provider: %s %s to %s kept on the outbox page", message.channel, message.kind,
                 mask_phone(message.recipient))
        return "logged"
