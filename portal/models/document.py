"""Stored documents (the signed confirmation), kept byte for byte."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._base import TimestampMixin


class Document(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    acceptance_id: Mapped[int | None] = mapped_column(ForeignKey("acceptance.id"))
    kind: Mapped[str] = mapped_column(String(30))  # confirmation
    version: Mapped[int] = mapped_column(default=1)
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    storage_key: Mapped[str] = mapped_column(String(200))
