"""The service figures, defined once: volume, speed in business time, SLA compliance, backlog ageing (the
quality figures, first-time fix, reopen and repeat-fault rates and satisfaction, are portal.domain.quality's).
Pure: facts about tickets in, figures out.

Each ticket is read into a TicketFacts by the services (the SLA clock of portal.domain.sla gives the business
seconds and whether each target was met, the workflow's statuses say what is open, resolved or closed); the
dashboard, the exports and the monthly report all call the functions below, so a figure means the same
everywhere. New dimensions (a tier, a mode, a region) are only new fields of TicketFacts and new keys for
group_by()."""
import math
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portal.domain.workflow import CANCELLED, CLOSED, FINAL, RESOLVED

# Backlog ageing buckets, in days since registration: [0, 1), [1, 3), [3, 7), [7, 14), [14, 30), 30+.
AGE_BUCKETS = (1, 3, 7, 14, 30)


@dataclass(frozen=True)
class TicketFacts:
    """What the figures need to know about one ticket."""

    id: int
    created_at: datetime
    status: str
    priority: str | None = None
    department: str | None = None
    category: str | None = None
    channel: str | None = None
    model: str | None = None
    region: str | None = None
    mode: str | None = None
    tier: str | None = None
    engineer: str | None = None
    serial: str | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    # Business seconds to the first response / to the resolution (pauses left out), once stopped.
    response_seconds: float | None = None
    resolution_seconds: float | None = None
    # Whether each target was met, once decided (None while the clock still runs in time).
    response_met: bool | None = None
    resolution_met: bool | None = None
    visits: int = 0
    reopens: int = 0
    labour_minutes: int = 0
    escalated: bool = False
    # Left out of volume and SLA figures unless asked for (merged and campaign tickets when they exist).
    merged: bool = False
    campaign: bool = False
    # The call-back answer: a 1-5 score or a label of the three-level scale.
    rating: int | str | None = None

    @property
    def excluded(self) -> bool:
        return self.status == CANCELLED or self.merged or self.campaign

    @property
    def done(self) -> bool:
        """Resolved or closed: the work is finished."""
        return self.status in (RESOLVED, CLOSED)


def counted(facts: Iterable[TicketFacts], include_excluded: bool = False) -> list[TicketFacts]:
    """The tickets that volume and SLA figures count: cancelled, merged and campaign ones only when chosen."""
    return [f for f in facts if include_excluded or not f.excluded]


def group_by(facts: Iterable[TicketFacts], key: str | Callable) -> dict:
    """Tickets by a field name (or a function), in first-seen order; None is a group of its own."""
    read = key if callable(key) else (lambda f: getattr(f, key))
    groups: dict = {}
    for f in facts:
        groups.setdefault(read(f), []).append(f)
    return groups


# ---- Numbers ------------------------------------------------------------------------------------------------

def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide (shown as "—", never as 0 %)."""
    return part / whole if whole else None


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def percentile(values: list[float], q: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least q of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered) - 1e-9))  # ceil(q * n), safe from float noise (0.9 * 10)
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True)
class Spread:
    """Average and p90 of a duration in business seconds, with how many tickets it rests on."""

    count: int
    average: float | None
    p90: float | None
    target: float | None = None

    @property
    def within_target(self) -> bool | None:
        if self.target is None or self.average is None:
            return None
        return self.average <= self.target


def spread(values: list[float], target: float | None = None) -> Spread:
    return Spread(len(values), mean(values), percentile(values, 0.9), target)


# ---- Volume -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VolumeRow:
    period: date
    created: int
    closed: int
    backlog: int  # open at the end of the period


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_period(start: date, unit: str) -> date:
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def period_of(day: date, unit: str) -> date:
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return month_start(day)


def volume(facts: Iterable[TicketFacts], start: date, end: date, unit: str = "day",
           local: Callable[[datetime], date] = lambda moment: moment.date()) -> list[VolumeRow]:
    """Created, closed and open at the end of each period from start to end (inclusive days).
    `local` turns a moment into the day it is in the portal's time zone. One pass over the tickets: each adds
    one to the backlog of every period end from its creation to its closing (cancelled ones are never open)."""
    starts = []
    period = period_of(start, unit)
    while period <= end:
        starts.append(period)
        period = next_period(period, unit)
    n = len(starts)
    created, closed, opened = [0] * n, [0] * n, [0] * (n + 1)

    def index(day: date) -> int:
        """The period a day falls in: -1 before the first, n after the last."""
        return bisect_right(starts, day) - 1 if day < period else n

    for f in facts:
        c = index(local(f.created_at))
        k = index(local(f.closed_at)) if f.closed_at is not None else None
        if 0 <= c < n:
            created[c] += 1
        if k is not None and 0 <= k < n:
            closed[k] += 1
        if f.status in FINAL - {CLOSED}:
            continue
        first, last = max(c, 0), (k if k is not None else n)  # open at the end of periods first .. last-1
        if first < min(last, n):
            opened[first] += 1
            opened[min(last, n)] -= 1
    rows, running = [], 0
    for i, day in enumerate(starts):
        running += opened[i]
        rows.append(VolumeRow(day, created[i], closed[i], running))
    return rows


def volume_from_days(days: dict, start: date, end: date, unit: str, open_at_end: int) -> list[VolumeRow]:
    """volume() from daily sums: `days` maps a day to (created, closed, opened, closed_open) (opened: registered
    and able to be open, i.e. not cancelled; closed_open: closed of those), `open_at_end` is the backlog at the
    end of `end`. Walking back from it, the backlog at the end of a day is the next day's less what that day
    opened, plus what it closed."""
    starts = []
    period = period_of(start, unit)
    while period <= end:
        starts.append(period)
        period = next_period(period, unit)
    backlog_at = {}
    backlog, day = open_at_end, end
    while day >= starts[0]:
        backlog_at[day] = backlog
        created, closed, opened, closed_open = days.get(day, (0, 0, 0, 0))
        backlog -= opened - closed_open
        day -= timedelta(days=1)
    rows = []
    for i, first in enumerate(starts):
        last = min(starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else end, end)
        created = closed = 0
        day = max(first, start)
        while day <= last:
            figures = days.get(day, (0, 0, 0, 0))
            created, closed = created + figures[0], closed + figures[1]
            day += timedelta(days=1)
        rows.append(VolumeRow(first, created, closed, backlog_at[last]))
    return rows


def counts(facts: Iterable[TicketFacts], key: str) -> list[tuple]:
    """(value, tickets) per value of a field, most first then by value."""
    tally = {k: len(v) for k, v in group_by(facts, key).items()}
    return sorted(tally.items(), key=lambda item: (-item[1], str(item[0])))


# ---- Speed and SLA ------------------------------------------------------------------------------------------

def response_times(facts: Iterable[TicketFacts], targets: dict[str, float] | None = None) -> dict[str, Spread]:
    """Per priority: average and p90 of the business seconds to the first response, against the target."""
    targets = targets or {}
    return {priority: spread([f.response_seconds for f in group if f.response_seconds is not None],
                             targets.get(priority))
            for priority, group in sorted(group_by(facts, "priority").items(), key=lambda kv: str(kv[0]))}


def resolution_times(facts: Iterable[TicketFacts], targets: dict[str, float] | None = None) -> dict[str, Spread]:
    """Per priority: average and p90 of the business seconds to the resolution (pauses left out)."""
    targets = targets or {}
    return {priority: spread([f.resolution_seconds for f in group if f.resolution_seconds is not None],
                             targets.get(priority))
            for priority, group in sorted(group_by(facts, "priority").items(), key=lambda kv: str(kv[0]))}


@dataclass(frozen=True)
class Compliance:
    decided: int  # tickets whose every clock reached a verdict
    met: int

    @property
    def rate(self) -> float | None:
        return share(self.met, self.decided)


def sla_verdict(f: TicketFacts) -> bool | None:
    """Met when both the response and the resolution targets were met; breached as soon as one was not;
    undecided while a clock still runs in time."""
    if f.response_met is False or f.resolution_met is False:
        return False
    if f.response_met and f.resolution_met:
        return True
    return None


def compliance(facts: Iterable[TicketFacts]) -> Compliance:
    verdicts = [sla_verdict(f) for f in facts]
    decided = [v for v in verdicts if v is not None]
    return Compliance(len(decided), sum(1 for v in decided if v))


def compliance_by(facts: Iterable[TicketFacts], key: str) -> dict:
    return {k: compliance(group) for k, group in sorted(group_by(facts, key).items(), key=lambda kv: str(kv[0]))}


def age_bucket(days: float) -> str:
    lower = 0
    for upper in AGE_BUCKETS:
        if days < upper:
            return f"{lower}-{upper}"
        lower = upper
    return f"{lower}+"


def backlog_ageing(facts: Iterable[TicketFacts], now: datetime) -> list[tuple[str, int]]:
    """Open tickets (resolved ones await acceptance: still open) by age in days since registration, every
    bucket listed (0 when empty)."""
    buckets = {age_bucket(lower): 0 for lower in (0, *AGE_BUCKETS)}
    for f in facts:
        if f.status not in FINAL:
            buckets[age_bucket((now - f.created_at).total_seconds() / 86400)] += 1
    return list(buckets.items())
