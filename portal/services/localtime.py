"""The portal's time zone (PORTAL_TIMEZONE): today's date there, and days as UTC moments."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from portal.domain.time import as_utc, utcnow


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(zone()).date()


def local(moment: datetime) -> datetime:
    """A stored moment in the portal's time zone."""
    return as_utc(moment).astimezone(zone())


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first moment of `day` and of the next, in the portal's time zone."""
    start = datetime.combine(day, time.min, tzinfo=zone())
    return start, start + timedelta(days=1)
