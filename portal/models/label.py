"""A phone number being confirmed on a device label's public page: the one-time code sent by text message, and
whether it was typed back. The request the scan registers is kept with it."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._base import TimestampMixin


class PhoneCheck(TimestampMixin, db.Model):
    """Only the code's HMAC is stored; the code itself lives in the text message (the log provider's outbox in
    development)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(40))
    code_sha256: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The request registered after the phone was confirmed (one per check).
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"))
