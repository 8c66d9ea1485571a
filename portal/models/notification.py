"""Messages to customers and staff, queued on a channel; the task queue delivers them."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models._base import TimestampMixin


class Notification(db.Model):
    """A message on one channel, queued with its task (portal.tasks.mail delivers it). On a ticket, or on none
    for account e-mail (invitations, sign-in links), whose text is wiped once sent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # e.g. ticket_registered
    channel: Mapped[str] = mapped_column(String(20))  # phone (SMS), email, wechat, portal, ...
    recipient: Mapped[str | None] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    # The variables of the provider's template (SMS, WeChat), e.g. {"number": "SR202611300001"}.
    data: Mapped[dict | None] = mapped_column(JSON)
    # queued | sent | failed | kept (no mail server: on the page of unsent mail in development) | logged (the log
    # provider: on the outbox page) | unsent (no provider configured for the channel)
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Written in the customer's quiet hours: it waits until then (portal.domain.message_prefs).
    held_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    ticket = relationship("Ticket")


class OutboxMessage(TimestampMixin, db.Model):
    """A text or WeChat message the log provider (development) took instead of sending it: the admin's page of
    sent messages shows exactly what a real provider would have been given."""

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notification.id", ondelete="SET NULL"),
                                                        index=True)
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    template_id: Mapped[str | None] = mapped_column(String(80))
    variables: Mapped[dict | None] = mapped_column(JSON)
    body: Mapped[str] = mapped_column(Text)
