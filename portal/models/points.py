"""Loyalty points: an append-only ledger per customer. An earning is a lot with its own expiry; a spending,
an expiry or a take-back is an entry whose allocations say which lots it took from. Nothing is updated or
deleted: what is left of a lot is its points minus what was allocated from it."""
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Index, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import TimestampMixin


class PointsEntry(TimestampMixin, db.Model):
    """kind: earn (points > 0: a lot), spend, expire, take_back (points < 0, with allocations)."""
    __tablename__ = "points_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    kind: Mapped[str] = mapped_column(String(20))
    points: Mapped[int]
    # earn: why (service, survey, referral, member_day, adjustment); spend: reward, bill_discount.
    reason: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(String(300))
    earned_on: Mapped[date | None] = mapped_column(Date)  # lots only, in PORTAL_TIMEZONE
    expires_on: Mapped[date | None] = mapped_column(Date)  # lots only: the last day they can be spent
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    # One earning per source (a ticket's service, a survey, a referral): a second one is refused by the database.
    source_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # lots: expiry reminder sent

    actor = relationship("User")
    ticket = relationship("Ticket")

    __table_args__ = (
        CheckConstraint("(kind = 'earn' AND points > 0) OR (kind <> 'earn' AND points < 0)", name="points_sign"),
        Index("ix_points_entry_customer_id", "customer_id", "id"),
    )


class PointsAllocation(db.Model):
    """How many points an outgoing entry took from one lot."""
    __tablename__ = "points_allocation"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("points_entry.id"), index=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("points_entry.id"), index=True)
    points: Mapped[int]

    __table_args__ = (CheckConstraint("points > 0", name="allocation_positive"),)


class Reward(TimestampMixin, db.Model):
    """What points buy (seed 003: products or services), fulfilled by the back office."""
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(30))  # accessory, extended_warranty, maintenance_visit, other
    points: Mapped[int]
    description: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    __table_args__ = (CheckConstraint("points > 0", name="reward_points_positive"),)


class Redemption(TimestampMixin, db.Model):
    """A customer's exchange of points for a reward: requested, then fulfilled by the back office."""
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    reward_id: Mapped[int] = mapped_column(ForeignKey("reward.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("points_entry.id"), unique=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(20), default="requested")  # requested, fulfilled
    fulfilled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    fulfilled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    fulfilment_note: Mapped[str | None] = mapped_column(String(300))

    reward = relationship("Reward")
    customer = relationship("Customer")
    requested_by = relationship("User", foreign_keys=[requested_by_id])


class MemberDay(TimestampMixin, db.Model):
    """Seed 003's member days: bonus points on what is earned between two dates, for some tiers (or all)."""
    __tablename__ = "member_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    tiers: Mapped[list] = mapped_column(JSON, default=list)  # empty: every customer
    bonus_percent: Mapped[int]  # 100 = the points of the service once more
