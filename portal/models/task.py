"""Background work: one row per piece of pending work (a message, a batch PDF). The task queue carries only the
row's id; the row says what is left to do, so a worker killed mid-task loses nothing (the row is queued again)."""
from datetime import datetime

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models._base import TimestampMixin

TASK_STATES = ("pending", "running", "done", "failed", "dropped")


class QueuedTask(TimestampMixin, db.Model):
    """`kind` names the handler (portal.tasks), `ref_id` the row it works on (BatchJob, Notification, ...)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    ref_id: Mapped[int | None]
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    # Not before this time (a retry's back-off); None: at once.
    run_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    # The sweep of stale rows and the admin's list of failed tasks read by state, oldest first.
    __table_args__ = (Index("ix_queued_task_state_updated", "state", "updated_at"),)
