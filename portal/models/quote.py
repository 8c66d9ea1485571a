"""Quotes for paid repairs, decided by the customer like a signature."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, DateTime, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import TimestampMixin


class Quote(TimestampMixin, db.Model):
    """The price of a paid (out-of-warranty) repair, which the customer approves or declines. The decision
    is recorded like a signature: name, times, IP, user agent and the SHA-256 of the quote shown."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    items: Mapped[list] = mapped_column(JSON)  # [{"description", "quantity", "unit_price"}] as strings
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | approved | declined | withdrawn
    content_sha256: Mapped[str] = mapped_column(String(64))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_name: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    client_decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decline_reason: Mapped[str | None] = mapped_column(String(500))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(400))

    created_by = relationship("User", foreign_keys=[created_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def is_pending(self) -> bool:
        """Waiting for the customer's decision."""
        return self.status == "pending"

    @property
    def is_approved(self) -> bool:
        return self.status == "approved"
