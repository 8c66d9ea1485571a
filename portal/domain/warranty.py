"""Warranty arithmetic: end dates from a start date and a number of months."""
import calendar
from datetime import date


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
