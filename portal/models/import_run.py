"""A master-data import run on the task queue: the file previewed, who asked, and how it ended."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.domain.time import utcnow
from portal.extensions import db


class ImportRun(db.Model):
    """The valid rows of a large file imported in the background, all or nothing. Its state is committed
    with the rows; the progress while it runs is written beside the upload (portal.services.import_runs),
    since the rows' transaction is open until the end."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # parts | customers | units | knowledge
    filename: Mapped[str] = mapped_column(String(200))
    storage_key: Mapped[str] = mapped_column(String(200))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    state: Mapped[str] = mapped_column(String(10), default="queued")  # queued | running | done | failed
    total: Mapped[int] = mapped_column(default=0)  # valid rows at the preview
    created: Mapped[int | None]
    updated: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
