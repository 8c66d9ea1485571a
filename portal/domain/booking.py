"""Which visit windows a customer may book: the engineers that suit a ticket (skills, region, seniority), their
working hours, and the slots their visits already take. Pure: the service reads the rows, this decides."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from portal.domain.dispatch import Candidate, needs_senior, on_duty

# An engineer whose working hours are not set is offered to customers in an ordinary office week (the desk may
# still book them at any hour on the dispatch board).
DEFAULT_DAYS, DEFAULT_START, DEFAULT_END = "12345", "09:00", "18:00"


def suits(c: Candidate, *, category: str | None, region: str | None, priority: str | None) -> bool:
    """An engineer a customer may get without the desk: trained on the product's category, covering the
    customer's region (when both are known), senior for a P1/P2 ticket."""
    if needs_senior(priority) and not c.is_senior:
        return False
    if category and category not in (c.skills or ()):
        return False
    return not (region and c.region and c.region != region)


def works(c: Candidate, start: datetime, length: timedelta) -> bool:
    """Whether the whole window [start, start + length) lies in the engineer's working hours (local times)."""
    if not (c.work_days or c.work_start):
        c = Candidate(id=c.id, name=c.name, work_days=DEFAULT_DAYS, work_start=DEFAULT_START, work_end=DEFAULT_END)
    last_minute = start + length - timedelta(minutes=1)
    return bool(on_duty(c, start)) and bool(on_duty(c, last_minute))


@dataclass(frozen=True)
class Window:
    start: datetime  # local time
    engineer_ids: tuple[int, ...]  # free then, in the order given


def free_windows(engineers: Iterable[Candidate], *, days: Iterable[date], slots: Iterable[time],
                 length: timedelta, tz, busy: set[tuple[int, datetime]], earliest: datetime) -> list[Window]:
    """Every window from `earliest` on in which at least one of `engineers` works and has no visit (`busy`: pairs
    of engineer id and visit start, local or UTC, compared as moments)."""
    engineers = list(engineers)
    taken = {(engineer_id, at.timestamp()) for engineer_id, at in busy}
    windows = []
    for day in days:
        for slot in slots:
            start = datetime.combine(day, slot, tzinfo=tz)
            if start < earliest:
                continue
            free = tuple(c.id for c in engineers
                         if (c.id, start.timestamp()) not in taken and works(c, start, length))
            if free:
                windows.append(Window(start, free))
    return windows


def may_change(scheduled_at: datetime, now: datetime, notice: timedelta) -> bool:
    """A customer moves their visit up to `notice` before it starts."""
    return scheduled_at - now >= notice
