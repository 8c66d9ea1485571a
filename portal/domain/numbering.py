"""Ticket numbers: SR + yyyymmdd + a 4-digit sequence that restarts every day."""
import re
from datetime import date

PREFIX = "SR"
PATTERN = re.compile(r"^SR(\d{8})(\d{4,})$")


def format_number(day: date, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    # Past 9999 a day the number grows a digit rather than wrap around into a duplicate.
    return f"{PREFIX}{day:%Y%m%d}{sequence:04d}"


def parse_number(number: str) -> tuple[date, int] | None:
    match = PATTERN.match(number.strip().upper())
    if not match:
        return None
    digits, seq = match.groups()
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return day, int(seq)
