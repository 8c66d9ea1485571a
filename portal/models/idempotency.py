"""The identity of one submission: replays with the same key get the first answer back."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._base import TimestampMixin


class IdempotencyRecord(TimestampMixin, db.Model):
    """The identity of one submission: replays with the same key get the first answer back."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    key: Mapped[str] = mapped_column(String(64))
    request_hash: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(300))
    # running: being processed now; applied: its changes are committed; done: the answer is stored.
    state: Mapped[str] = mapped_column(String(10), default="running")
    status_code: Mapped[int | None]
    content_type: Mapped[str | None] = mapped_column(String(100))
    headers: Mapped[dict | None] = mapped_column(JSON)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_record_user_key"),)
