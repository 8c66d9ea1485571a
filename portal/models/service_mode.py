"""The service modes' records: the 三包 decision taken on a ticket, remote sessions, parcels, workshop
receipts and RMAs."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.time import utcnow
from portal.extensions import db


class EntitlementDecision(db.Model):
    """What was decided under 三包 on a ticket (return, exchange, repair, paid repair), by whom and why, with the
    entitlement as it read then."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500))
    entitlement: Mapped[dict] = mapped_column(JSON)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    decided_by = relationship("User")


class RemoteSession(db.Model):
    """A call or a remote session on a remote ticket: when, how long, what was tried, what came of it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(10))  # call | session
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    minutes: Mapped[int]
    tried: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(String(20))  # fixed | partly | not_fixed | no_answer
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user = relationship("User")
