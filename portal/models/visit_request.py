"""A customer's wish for another visit time than the free slots offered: the dispatch board lists it until the
desk books or moves a visit for that ticket."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.time import utcnow
from portal.extensions import db


class VisitRequest(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    wish: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set when the desk books or moves a visit for the ticket (or the customer books one of the slots after all).
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    ticket = relationship("Ticket")
