"""Diagnosis, inspection checklists per product category, and loaner units."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, DateTime, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import TimestampMixin


class ChecklistTemplate(db.Model):
    """Inspection items for one product category.

    `items`: [{"key", "label": {"zh_CN", "en"}, "kind": "yesno" | "value" | "photo", "required", "unit"}]
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    items: Mapped[list] = mapped_column(JSON)


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
