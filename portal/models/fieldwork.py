"""What happens on a job: visits, inspections, diagnoses, the work done with its parts, loaner units."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.pricing import proposed_labour_minutes
from portal.extensions import db
from portal.models._base import TimestampMixin


class Visit(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    engineer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The engineer's "On my way" (the customer is told, with the expected arrival).
    on_the_way_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expected_arrival_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    arrived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    departed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Each move raises it: the calendar file sent again carries the same UID with a higher SEQUENCE (RFC 5545).
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    # The customer chose the slot on the portal (the dispatch board marks it).
    booked_by_customer: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    # One visit per engineer and slot, even when two supervisors book the same slot at the same moment.
    __table_args__ = (Index("uq_visit_engineer_slot", "engineer_id", "scheduled_at", unique=True),)

    engineer = relationship("User")

    @property
    def travel_minutes(self) -> int | None:
        """Whole minutes from "On my way" to arrival (None when either is missing)."""
        return proposed_labour_minutes(self.on_the_way_at, self.arrived_at, step=1) or None


class Inspection(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    findings: Mapped[str] = mapped_column(Text)
    checklist: Mapped[dict | None] = mapped_column(JSON)

    photos = relationship("Attachment", order_by="Attachment.id", viewonly=True)
    created_by = relationship("User")


class Diagnosis(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    cause_category: Mapped[str] = mapped_column(String(30))
    cause: Mapped[str] = mapped_column(Text)
    workaround: Mapped[str | None] = mapped_column(Text)
    permanent_fix: Mapped[str | None] = mapped_column(Text)
    estimated_minutes: Mapped[int | None]
    estimated_cost: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))

    created_by = relationship("User")


class WorkRecord(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    work_done: Mapped[str] = mapped_column(Text)
    labour_minutes: Mapped[int] = mapped_column(default=0)

    parts: Mapped[list["PartUsage"]] = relationship(back_populates="work_record", order_by="PartUsage.id")
    created_by = relationship("User")


class PartUsage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    work_record_id: Mapped[int] = mapped_column(ForeignKey("work_record.id"), index=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("part.id"))
    quantity: Mapped[int] = mapped_column(default=1)
    removed_serial: Mapped[str | None] = mapped_column(String(80))
    installed_serial: Mapped[str | None] = mapped_column(String(80))
    chargeable: Mapped[bool] = mapped_column(default=False)
    warranty_until: Mapped[date | None] = mapped_column(Date)

    part = relationship("Part")
    work_record: Mapped[WorkRecord] = relationship(back_populates="parts")


class Loaner(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    serial: Mapped[str] = mapped_column(String(80))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    return_note: Mapped[str | None] = mapped_column(String(300))
