"""What the dashboards read instead of the tickets: one row of figures per ticket (kept current whenever the
ticket changes) and the batch-defect flags raised by the daily check."""
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.histograms import BUCKETS
from portal.domain.time import utcnow
from portal.extensions import db

OPEN_INCLUDE = ["status", "department_id", "category", "product_model_id", "channel", "priority", "tier",
                "engineer_id", "mode", "region"]


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
    # What the daily pre-aggregates (StatsDay) sum, each decided once by portal.domain.metrics: the local days
    # of registration and closing, the histogram buckets, the SLA verdict, the first-time fix (None until the
    # work is finished), satisfaction, and the serial's repeat / came-back flags (which see other tickets).
    created_day: Mapped[date | None] = mapped_column(Date)
    closed_day: Mapped[date | None] = mapped_column(Date)
    response_bucket: Mapped[int | None] = mapped_column(SmallInteger)
    resolution_bucket: Mapped[int | None] = mapped_column(SmallInteger)
    verdict: Mapped[bool | None]
    fixed: Mapped[bool | None]
    satisfied: Mapped[bool | None]
    repeat: Mapped[bool] = mapped_column(default=False)
    returned: Mapped[bool] = mapped_column(default=False)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        # Every dashboard query narrows by period first, then by the model (the defect check, the drill-down).
        Index("ix_ticket_fact_created", "created_at"),
        Index("ix_ticket_fact_closed", "closed_at"),
        Index("ix_ticket_fact_model_created", "product_model_id", "created_at"),
        Index("ix_ticket_fact_created_day", "created_day"),
        Index("ix_ticket_fact_closed_day", "closed_day"),
        Index("ix_ticket_fact_serial", "serial"),
        # The open tickets now and their ages (the dashboard's backlog), with the filters' columns (PostgreSQL
        # reads the index alone).
        Index("ix_ticket_fact_open", "created_at", postgresql_include=OPEN_INCLUDE,
              postgresql_where=text("closed_at IS NULL"), sqlite_where=text("closed_at IS NULL")),
    )


# The dimensions of a StatsDay cell, with the value that stands for "none" (a unique key cannot hold NULLs).
CELL_DIMENSIONS = (("department_id", 0), ("category", ""), ("product_model_id", 0), ("channel", ""),
                   ("priority", ""), ("tier", ""), ("engineer_id", 0), ("mode", ""), ("region", ""))
# The measures a cell sums (besides the two histograms).
CELL_MEASURES = ("created", "opened", "closed", "closed_open", "closed_now", "open_now", "resp_n", "resp_sum",
                 "resp_max", "res_n", "res_sum", "res_max", "decided", "met", "done", "fixed", "resolved_once",
                 "reopened", "with_serial", "repeats", "answers", "satisfied", "escalated", "labour_minutes")
RESPONSE_BUCKETS = tuple(f"resp_b{i}" for i in range(BUCKETS))
RESOLUTION_BUCKETS = tuple(f"res_b{i}" for i in range(BUCKETS))
# The base level's rows of one model, every other dimension a key column, with what the table per engineer sums
# (portal.services.dashboard.GROUPS["engineer"]) beside them. A model filter with two or more low dimensions
# (one model, on site, P2) leaves that table no derived level (none keeps the model, the engineer and two low
# dimensions: each would be nearly as large as the base level), so it sums the model's base rows; through this
# index PostgreSQL reads them alone, the filters checked in the index, instead of a heap page per matching row
# (22,000 pages for a year of one model at a million tickets: 150 -> 22 ms).
BASE_MODEL_KEYS = ("product_model_id", "day", "excluded", "priority", "mode", "tier", "channel", "category",
                   "department_id", "region", "engineer_id")
BASE_MODEL_INCLUDE = ("created", "closed_now", "labour_minutes", "done", "fixed", "decided", "met", "answers",
                      "satisfied")


class StatsDay(db.Model):
    """The daily pre-aggregates the dashboard reads: per level, local day and the filter dimensions, the sums of
    the tickets registered that day (counts, business seconds, histogram buckets, verdicts) and of those closed
    that day. A level keeps only some dimensions (the others hold their "none" value), so a filter on few
    dimensions sums few rows: "all" keeps every dimension and is rewritten from ticket_fact at each commit; the
    derived levels (no dimension, each one alone, pairs, triples, the low-cardinality ones with or without the
    model or the engineer) are summed from it off the commit path, for the days StatsStaleDay does not name,
    with their monthly cells (level "<name>/m", day the 1st). Written by portal.services.rollup, never edited by
    hand."""

    __tablename__ = "stats_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(8))
    day: Mapped[date] = mapped_column(Date)
    excluded: Mapped[bool] = mapped_column(default=False)  # cancelled (left out unless chosen)
    department_id: Mapped[int] = mapped_column(default=0)
    category: Mapped[str] = mapped_column(String(30), default="")
    product_model_id: Mapped[int] = mapped_column(default=0)
    channel: Mapped[str] = mapped_column(String(20), default="")
    priority: Mapped[str] = mapped_column(String(2), default="")
    tier: Mapped[str] = mapped_column(String(20), default="")
    engineer_id: Mapped[int] = mapped_column(default=0)
    mode: Mapped[str] = mapped_column(String(10), default="")
    region: Mapped[str] = mapped_column(String(60), default="")
    # The measures and the bucket columns, all integers that default to 0 (sums of seconds and minutes wide).
    for _name in CELL_MEASURES + RESPONSE_BUCKETS + RESOLUTION_BUCKETS:
        vars()[_name] = mapped_column(BigInteger if _name.endswith(("_sum", "minutes")) else Integer, default=0)
    del _name

    __table_args__ = (UniqueConstraint("level", "day", "excluded", *(name for name, _ in CELL_DIMENSIONS),
                                       name="uq_stats_day_cell"),
                      # A filter on the engineer, the model or the region reads that value's rows of the period.
                      Index("ix_stats_day_engineer", "level", "engineer_id", "day"),
                      Index("ix_stats_day_model", "level", "product_model_id", "day"),
                      Index("ix_stats_day_region", "level", "region", "day"),
                      Index("ix_stats_day_base_model", *BASE_MODEL_KEYS, postgresql_include=list(BASE_MODEL_INCLUDE),
                            postgresql_where=text("level = 'all'"), sqlite_where=text("level = 'all'")))


class StatsStaleDay(db.Model):
    """A day whose derived StatsDay levels lag behind its "all" rows: marked by the commit that rewrote them (the
    version goes up each time), cleared by the derivation that summed them again if no commit came meanwhile.
    The dashboard reads a stale day from the "all" rows."""

    __tablename__ = "stats_stale_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


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
