"""SLA policies per priority, editable by an admin: targets, business hours and holidays."""
from datetime import date, time
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.domain.sla import Calendar, Policy
from portal.extensions import db


class SlaPolicy(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    priority: Mapped[str] = mapped_column(String(2), unique=True)
    response_minutes: Mapped[int]
    update_minutes: Mapped[int]
    resolution_minutes: Mapped[int]
    around_the_clock: Mapped[bool] = mapped_column(default=False)
    weekdays: Mapped[list] = mapped_column(JSON, default=lambda: [0, 1, 2, 3, 4])
    opens: Mapped[str] = mapped_column(String(5), default="09:00")
    closes: Mapped[str] = mapped_column(String(5), default="18:00")
    holidays: Mapped[list] = mapped_column(JSON, default=list)  # ISO dates
    # What stops the first-response clock: "contact" (the first customer contact only) or
    # "contact_or_receipt" (also the assignee confirming they have the job).
    first_response_on: Mapped[str] = mapped_column(String(20), default="contact_or_receipt",
                                                   server_default="contact_or_receipt")

    def to_policy(self, zone: str) -> Policy:
        calendar = Calendar(ZoneInfo(zone), around_the_clock=self.around_the_clock,
                            weekdays=frozenset(self.weekdays or []), opens=time.fromisoformat(self.opens),
                            closes=time.fromisoformat(self.closes),
                            holidays=frozenset(date.fromisoformat(d) for d in self.holidays or []))
        return Policy(self.priority, self.response_minutes, self.update_minutes, self.resolution_minutes, calendar)

