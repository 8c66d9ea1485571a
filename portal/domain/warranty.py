"""Warranty arithmetic: end dates, the cover on a given day, and when a fault counts as a repeat."""
import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portal.domain.time import as_utc


def add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def warranty_end(purchase: date | None, months: int, extended_end: date | None = None) -> date | None:
    if purchase is None:
        return extended_end
    end = add_months(purchase, months)
    return max(end, extended_end) if extended_end else end


def in_warranty(end: date | None, on: date) -> bool:
    return end is not None and on <= end


@dataclass(frozen=True)
class PartWarranty:
    name: str
    until: date
    covered: bool


@dataclass(frozen=True)
class WarrantyStatus:
    """What covers a unit on a day: the model's warranty from the purchase date, an extension, later parts."""

    standard_end: date | None
    extended_end: date | None
    covered: bool
    basis: str  # standard | extended | expired | unknown (no purchase date and no extension)
    days_left: int | None
    parts: tuple[PartWarranty, ...] = ()

    @property
    def end(self) -> date | None:
        ends = [d for d in (self.standard_end, self.extended_end) if d]
        return max(ends) if ends else None


def warranty_status(purchase: date | None, months: int, extended_end: date | None, today: date,
                    parts: Iterable[tuple[str, date | None]] = ()) -> WarrantyStatus:
    """The unit's cover on `today`; parts replaced later keep their own end dates (newest first)."""
    standard = add_months(purchase, months) if purchase else None
    part_rows = tuple(sorted((PartWarranty(name, until, today <= until) for name, until in parts if until),
                             key=lambda p: p.until, reverse=True))
    if standard is None and extended_end is None:
        return WarrantyStatus(None, None, False, "unknown", None, part_rows)
    if standard is not None and today <= standard:
        basis, end = "standard", standard
    elif extended_end is not None and today <= extended_end:
        basis, end = "extended", extended_end
    else:
        basis, end = "expired", None
    days_left = (end - today).days if end else None
    return WarrantyStatus(standard, extended_end, end is not None, basis, days_left, part_rows)


REPEAT_WINDOW = timedelta(days=90)


def repeat_fault_since(closed: Iterable[datetime | None], now: datetime,
                       window: timedelta = REPEAT_WINDOW) -> datetime | None:
    """The latest closing of a ticket on the same serial within `window` before `now`: a repeat fault."""
    recent = [at for at in (as_utc(c) for c in closed if c) if now - window <= at <= now]
    return max(recent) if recent else None

