"""Messages to customers and staff, queued on a channel; the task queue delivers them."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.time import utcnow
from portal.extensions import db


class Notification(db.Model):
    """A message on one channel, queued with its task (portal.tasks.mail delivers it). On a ticket, or on none
    for account e-mail (invitations, sign-in links), whose text is wiped once sent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # e.g. ticket_registered
    channel: Mapped[str] = mapped_column(String(20))  # phone (SMS), email, wechat, portal, ...
    recipient: Mapped[str | None] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    # queued | sent | failed | kept (no mail server: on the admin's page of unsent mail in development)
    status: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    ticket = relationship("Ticket")
