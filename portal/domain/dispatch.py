"""Who should take a ticket: engineers ranked by skill, working hours, home service point, open workload and
region, with the reasons why."""
import re
from dataclasses import dataclass
from datetime import date, datetime, time

SENIOR_PRIORITIES = frozenset({"P1", "P2"})


@dataclass(frozen=True)
class Candidate:
    """An engineer as the ranking sees them; `open_jobs` counts their open assigned tickets."""

    id: int
    name: str
    is_senior: bool = False
    skills: tuple[str, ...] = ()
    region: str | None = None
    open_jobs: int = 0
    # Working days as digits 1-7 (Monday is 1) and hours as HH:MM; None: not set, taken as always available.
    work_days: str | None = None
    work_start: str | None = None
    work_end: str | None = None
    # The engineer's home service point: its name and the city of its address (None: no home point).
    home_point: str | None = None
    home_city: str | None = None


@dataclass(frozen=True)
class Suggestion:
    engineer: Candidate
    eligible: bool  # False: a junior for a P1/P2 ticket
    knows: bool  # trained on the ticket's product category
    same_region: bool
    category: str | None
    region: str | None  # the customer's region
    # At work at the moment of ranking; None when the engineer's working hours are not set.
    on_duty: bool | None = None
    # Based in the city of the service address; None when either is unknown.
    near: bool | None = None

    @property
    def open_jobs(self) -> int:
        return self.engineer.open_jobs


def needs_senior(priority: str | None) -> bool:
    return priority in SENIOR_PRIORITIES


def on_duty(c: Candidate, at: datetime | None) -> bool | None:
    """Whether `at` (local time) falls in the engineer's working days and hours; None when they are not set.
    Hours past midnight (22:00-06:00) count as one shift that starts on a working day."""
    if at is None or not (c.work_days or c.work_start):
        return None
    days = c.work_days or "1234567"
    start, end, now = c.work_start or "00:00", c.work_end or "24:00", at.strftime("%H:%M")
    weekday = str(at.isoweekday())
    if start <= end:
        return weekday in days and start <= now < end
    yesterday = str((at.isoweekday() - 2) % 7 + 1)
    return (weekday in days and now >= start) or (yesterday in days and now < end)


def works_at(c: Candidate, day: date, at: time) -> bool:
    """Whether a visit at `at` on `day` (local) falls in the engineer's working hours; unset hours: always."""
    return on_duty(c, datetime.combine(day, at)) is not False


CITY = re.compile(r"^(?:[\u4e00-\u9fff]{2,7}?(?:省|自治区))?([\u4e00-\u9fff]{2,7}?市)")


def city_of(address: str | None) -> str | None:
    """The city an address (or a service point's name) begins with: 江苏省苏州市… and 苏州市… give 苏州; without
    a 市, the first two characters of a Chinese address (苏州工业园区… gives 苏州); None for anything else."""
    text = (address or "").strip()
    if match := CITY.match(text):
        return match.group(1).removesuffix("市")
    return text[:2] if len(text) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in text[:2]) else None


def rank(candidates, *, category: str | None, region: str | None, priority: str | None,
         at: datetime | None = None, address: str | None = None) -> list[Suggestion]:
    """Eligible engineers first, then who knows the product, then who is at work now (`at`, local time), then
    who is based in the city of the service address, then the lighter workload, then the same region."""
    city = city_of(address)
    suggestions = [
        Suggestion(engineer=c, eligible=c.is_senior or not needs_senior(priority),
                   knows=bool(category) and category in (c.skills or ()),
                   same_region=bool(region) and c.region == region, category=category, region=region,
                   on_duty=on_duty(c, at), near=(c.home_city == city) if city and c.home_city else None)
        for c in candidates
    ]
    return sorted(suggestions, key=lambda s: (not s.eligible, not s.knows, s.on_duty is False, s.near is False,
                                              s.open_jobs, not s.same_region, s.engineer.name, s.engineer.id))


def best(suggestions: list[Suggestion]) -> Suggestion | None:
    """The default choice: the top eligible engineer, if any."""
    return next((s for s in suggestions if s.eligible), None)
