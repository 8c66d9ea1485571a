"""Customer tiers and their benefits (admin-configured), and the account manager's periodic check-ins."""
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import TimestampMixin


class CustomerTier(db.Model):
    """A tier (standard, silver, gold, VIP by default); Customer.tier holds its code."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(40))
    rank: Mapped[int] = mapped_column(default=0)  # higher is better: upgrades go up the ranks
    # Levels the suggested priority is raised (never above P1; a safety P1 stays P1).
    priority_boost: Mapped[int] = mapped_column(default=0, server_default="0")
    # A shorter first-response target than the priority's policy (minutes); None: the policy's.
    response_minutes: Mapped[int | None]
    free_callout: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Points earned are multiplied by this percentage (kept for the loyalty ledger).
    points_percent: Mapped[int] = mapped_column(default=100, server_default="100")
    # A dedicated account manager: sees the customer, gets its escalations and the check-ins.
    account_manager: Mapped[bool] = mapped_column(default=False, server_default=false())
    checkin_days: Mapped[int | None]  # the account manager's check-in call every N days (定期回访)
    # Proposed (to a person, who confirms) for customers with at least this many tickets in the last 12 months.
    upgrade_tickets_12m: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    def name(self, locale: str) -> str:
        return self.name_en if str(locale).startswith("en") else self.name_zh


class CustomerCheckIn(TimestampMixin, db.Model):
    """A check-in call the account manager owes a high-value customer, and its notes once done."""

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str | None] = mapped_column(Text)

    customer = relationship("Customer")
    manager = relationship("User", foreign_keys=[manager_id])
    done_by = relationship("User", foreign_keys=[done_by_id])
