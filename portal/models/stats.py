"""What the dashboards read instead of the tickets: one row of figures per ticket (kept current whenever the
ticket changes) and the batch-defect flags raised by the daily check."""
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.time import utcnow
from portal.extensions import db


class TicketFact(db.Model):
    """A ticket as the figures see it (portal.domain.metrics.TicketFacts), with the dimensions the dashboard
    filters on. Written by portal.services.stats when a ticket changes; never edited by hand."""

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str | None] = mapped_column(String(2))
    category: Mapped[str | None] = mapped_column(String(30))
    channel: Mapped[str | None] = mapped_column(String(20))
    mode: Mapped[str | None] = mapped_column(String(10))
    tier: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(60))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    product_model_id: Mapped[int | None] = mapped_column(ForeignKey("product_model.id"))
    engineer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    serial: Mapped[str | None] = mapped_column(String(80))
    lot: Mapped[str | None] = mapped_column(String(60))
    cause_category: Mapped[str | None] = mapped_column(String(30))
    response_seconds: Mapped[int | None]
    resolution_seconds: Mapped[int | None]
    response_met: Mapped[bool | None]
    resolution_met: Mapped[bool | None]
    visits: Mapped[int] = mapped_column(default=0)
    reopens: Mapped[int] = mapped_column(default=0)
    escalated: Mapped[bool] = mapped_column(default=False)
    rating: Mapped[int | None]
    labour_minutes: Mapped[int] = mapped_column(default=0)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        # Every dashboard query narrows by period first, then by the model (the defect check, the drill-down).
        Index("ix_ticket_fact_created", "created_at"),
        Index("ix_ticket_fact_closed", "closed_at"),
        Index("ix_ticket_fact_model_created", "product_model_id", "created_at"),
    )


class DefectFlag(db.Model):
    """A model (and lot: '' when the flag is for the whole model) flagged by the daily batch-defect check; one
    per model, lot and day, so running the check again changes nothing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    product_model_id: Mapped[int] = mapped_column(ForeignKey("product_model.id"))
    lot: Mapped[str] = mapped_column(String(60), default="")
    day: Mapped[date] = mapped_column(Date, index=True)
    recent: Mapped[int]
    expected: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("product_model_id", "lot", "day", name="uq_defect_flag_model_lot_day"),)

    product_model = relationship("ProductModel")


class MonthlyReport(db.Model):
    """The service report for a period (a calendar month on the 1st, or any period on demand), built in the
    background: its progress while it is made, then the stored PDF."""

    id: Mapped[int] = mapped_column(primary_key=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)  # inclusive
    scheduled: Mapped[bool] = mapped_column(default=False)  # made by the 1st-of-the-month task
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)  # queued|running|done|failed
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    storage_key: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    mailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_monthly_report_period", "start", "end"),)

    requested_by = relationship("User")


class ReportSubscriber(db.Model):
    """An account that gets an e-mail when a monthly report is ready."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
