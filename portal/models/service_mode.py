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


class Parcel(db.Model):
    """A unit on its way: in (the customer sends it, or hands it over at a service point) or out (sent back, or
    waiting at a service point for pick-up with the customer's code)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    method: Mapped[str] = mapped_column(String(15))  # parcel | service_point
    carrier: Mapped[str | None] = mapped_column(String(20))
    tracking_number: Mapped[str | None] = mapped_column(String(40))
    # The number did not fit the carrier's pattern and the person confirmed it anyway.
    misfit_confirmed: Mapped[bool] = mapped_column(default=False)
    service_point_id: Mapped[int | None] = mapped_column(ForeignKey("service_point.id"))
    pickup_code: Mapped[str | None] = mapped_column(String(8))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    service_point = relationship("ServicePoint")


class DepotReceipt(db.Model):
    """The unit received at the workshop: the serial read off it, whether it matches the ticket (a mismatch is
    flagged with a note, never silently accepted), its condition."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    received_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    serial_read: Mapped[str] = mapped_column(String(80))
    serial_matches: Mapped[bool]
    mismatch_note: Mapped[str | None] = mapped_column(String(500))
    condition: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    received_by = relationship("User")


class Rma(db.Model):
    """A return or exchange under 三包: its number, the supervisor's approval with the entitlement as it read,
    the unit received back, and the refund (integer fen) or the exchange unit."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), unique=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # return | exchange
    status: Mapped[str] = mapped_column(String(12))  # requested | approved | received | completed
    reason: Mapped[str] = mapped_column(String(500))
    entitlement: Mapped[dict] = mapped_column(JSON)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    refund_fen: Mapped[int | None]
    # The ticket's bill the refund gives money back from (its payments count towards what may be refunded).
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("bill.id"))
    exchange_asset_id: Mapped[int | None] = mapped_column(ForeignKey("asset.id"))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    approved_by = relationship("User", foreign_keys=[approved_by_id])
    exchange_asset = relationship("Asset")
