"""Proactive service: marketing consent and its withdrawal, campaigns and recalls over selected units, the
warranty-ending notice sent once per unit, and preventive maintenance plans with their meter readings."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import TimestampMixin


class ConsentEvent(TimestampMixin, db.Model):
    """Marketing consent given or withdrawn by a contact (append-only; the latest row is in force)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    given: Mapped[bool]
    source: Mapped[str] = mapped_column(String(40))  # desk, opt_out_link, ...
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class Campaign(TimestampMixin, db.Model):
    """A campaign or a safety recall over the units its criteria select: one ticket per unit."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # recall (safety: everyone is told) | campaign (consent only)
    description: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(2), default="P3")
    criteria: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(12), default="queued")  # queued | running | done
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    launched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    units: Mapped[list["CampaignUnit"]] = relationship(back_populates="campaign", order_by="CampaignUnit.id")


class CampaignUnit(db.Model):
    """A unit a campaign selected, with its ticket and the message to its customer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notification.id"))
    # Why no message went (no consent for a campaign, no phone on file).
    not_told: Mapped[str | None] = mapped_column(String(40))

    campaign: Mapped[Campaign] = relationship(back_populates="units")
    asset = relationship("Asset")
    ticket = relationship("Ticket")
    notification = relationship("Notification")

    __table_args__ = (UniqueConstraint("campaign_id", "asset_id", name="uq_campaign_unit_campaign_id"),)


class WarrantyNotice(TimestampMixin, db.Model):
    """The warranty-ending message of a unit: at most one per unit and warranty end."""

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"))
    warranty_end: Mapped[date] = mapped_column(Date)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notification.id"))
    not_told: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (UniqueConstraint("asset_id", "warranty_end", name="uq_warranty_notice_asset_id"),)


class MaintenancePlan(TimestampMixin, db.Model):
    """Preventive maintenance of one unit: every N months, or every N operating hours (from meter readings)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    every_months: Mapped[int | None]
    every_hours: Mapped[int | None]
    lead_days: Mapped[int] = mapped_column(default=14)
    next_due: Mapped[date] = mapped_column(Date)
    # The operating hours the next visit is due at (plans by hours).
    next_hours: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    asset = relationship("Asset")
    visits: Mapped[list["PlannedVisit"]] = relationship(back_populates="plan", order_by="PlannedVisit.due_on")


class PlannedVisit(db.Model):
    """A maintenance visit a plan generated: its ticket, and whether it was skipped (due date passed undone)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("maintenance_plan.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
    skipped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    plan: Mapped[MaintenancePlan] = relationship(back_populates="visits")
    ticket = relationship("Ticket")

    __table_args__ = (UniqueConstraint("plan_id", "due_on", name="uq_planned_visit_plan_id"),)


class MeterReading(TimestampMixin, db.Model):
    """Operating hours read off a unit's meter at a visit or imported (no live feed)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"))
    hours: Mapped[int]
    read_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    __table_args__ = (Index("ix_meter_reading_asset_read", "asset_id", "read_on"),)
