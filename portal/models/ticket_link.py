"""Tickets the desk ties together: related ones (either way round), and a merged duplicate to its original."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.time import utcnow
from portal.extensions import db

RELATED, DUPLICATE_OF = "related", "duplicate_of"


class TicketLink(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # related: the lower id first, so a pair is stored once; duplicate_of: the duplicate, then its original.
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"))
    other_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("ticket_id", "other_id"),)

    ticket = relationship("Ticket", foreign_keys=[ticket_id])
    other = relationship("Ticket", foreign_keys=[other_id])
