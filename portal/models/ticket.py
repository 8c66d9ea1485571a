"""Service tickets, their append-only event timeline, and the per-day number counter."""
from datetime import UTC, date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models._base import TimestampMixin

SLA_NEVER = datetime(9999, 12, 31, tzinfo=UTC)


class Ticket(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    category: Mapped[str | None] = mapped_column(String(30))
    priority: Mapped[str | None] = mapped_column(String(2))
    priority_reason: Mapped[str | None] = mapped_column(String(300))

    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    # Who called and how to reach them, as told at intake (the contact row may change later).
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_phone: Mapped[str] = mapped_column(String(40))
    product_model_id: Mapped[int] = mapped_column(ForeignKey("product_model.id"))
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("asset.id"), index=True)
    serial: Mapped[str | None] = mapped_column(String(80), index=True)
    purchase_date: Mapped[date | None] = mapped_column(Date)

    description: Mapped[str] = mapped_column(Text)
    frequency: Mapped[str | None] = mapped_column(String(200))
    impact: Mapped[str | None] = mapped_column(String(200))
    tried: Mapped[str | None] = mapped_column(String(500))
    # Asked by customers who request service themselves: when to call them, and how they want it done.
    service_mode: Mapped[str | None] = mapped_column(String(10))  # remote | onsite | send_in
    # The path the ticket takes, set at triage (portal.domain.modes): remote | onsite | depot.
    mode: Mapped[str | None] = mapped_column(String(10))
    preferred_contact_time: Mapped[str | None] = mapped_column(String(100))
    # Where the engineer goes: one of the customer's sites or an address typed at intake, kept as it was then.
    service_address: Mapped[str | None] = mapped_column(String(300))
    # Depot repairs: what the customer handed over with the unit and how it looked, for the intake receipt.
    accessories: Mapped[str | None] = mapped_column(String(300))
    condition: Mapped[str | None] = mapped_column(String(500))

    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the current assignee confirmed they have the job (cleared on reassignment).
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The SLA clock as last read (portal.services.sla.refresh): the due times, the earliest running one
    # (the queue sorts on it), the state, and when the state can next change on its own (the sweep's index).
    update_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    resolution_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The last reminder point of the update clock reminded (portal.tasks.progress): the due time (the assignee),
    # then the due time plus PROGRESS_DESK_AFTER_MINUTES (the desk); each once.
    update_reminded_for: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sla_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # The queue's sort key: sla_due_at, or the far future when no clock runs (paused, closed). NULLs would
    # sort first on SQLite and no index serves "NULLS LAST" there.
    sla_sort_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=lambda: SLA_NEVER)
    sla_state: Mapped[str] = mapped_column(String(12), default="ok", index=True)
    sla_next_check_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    escalation_level: Mapped[int] = mapped_column(default=0)
    # What text search reads (portal.domain.search): fed to the FTS5 tables on SQLite by triggers, indexed
    # with pg_trgm / GIN on PostgreSQL. Bigrams are space-separated two-character pieces.
    search_text: Mapped[str | None] = mapped_column(Text)
    search_bigrams: Mapped[str | None] = mapped_column(Text)
    # Set when a safety word or flag made it P1: the priority can then never be lowered.
    safety_locked: Mapped[bool] = mapped_column(default=False)
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    visit_count: Mapped[int] = mapped_column(default=0)
    reopen_count: Mapped[int] = mapped_column(default=0)
    # Optimistic locking: every UPDATE checks and bumps it; forms carry the version they started from.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_ticket_assignee_status", "assignee_id", "status"),
        Index("ix_ticket_sla_sort", "sla_sort_at", "id"),
        # The queue's counts per SLA state are read from this index alone.
        Index("ix_ticket_status_sla_state", "status", "sla_state"),
        # max(updated_at) tells whether any ticket changed: the key of the cached counts.
        Index("ix_ticket_updated_at", "updated_at"),
    )

    customer = relationship("Customer")
    contact = relationship("Contact")
    product_model = relationship("ProductModel")
    asset = relationship("Asset")
    assignee = relationship("User", foreign_keys=[assignee_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    department = relationship("Department")
    events: Mapped[list["TicketEvent"]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan"
    )
    # Read-only: visits are written by the fieldwork services; pages read them with the ticket.
    visits = relationship("Visit", order_by="Visit.id", viewonly=True)

    @property
    def visit_address(self) -> str | None:
        """The address the engineer navigates to: the ticket's service address, else the customer's."""
        return self.service_address or self.customer.address


class TicketEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(40))
    body: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)
    customer_visible: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor = relationship("User")


class TicketCounter(db.Model):
    """The last sequence number handed out per calendar day (in the portal's time zone)."""

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
