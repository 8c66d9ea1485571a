"""SLA clocks with business hours, holidays and pauses. Pure: a timeline of moments in, due times out.

A clock measures business time (the calendar of the priority in force) while the ticket is not paused.
A priority change switches target and calendar and keeps the time already spent. The due moment is where
the measured time reaches the target; while paused there is none, since the clock does not run."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from portal.domain.time import as_utc

AT_RISK_SHARE = 0.8


# The defaults of seed document 000 (first response) with our update and resolution targets.
DEFAULT_TARGETS = [
    # priority, response, update, resolution (minutes), around the clock
    ("P1", 15, 12 * 60, 24 * 60, True),
    ("P2", 4 * 60, 12 * 60, 3 * 24 * 60, False),
    ("P3", 8 * 60, 24 * 60, 5 * 24 * 60, False),
    ("P4", 24 * 60, 24 * 60, 10 * 24 * 60, False),
]


@dataclass(frozen=True)
class Calendar:
    zone: ZoneInfo
    around_the_clock: bool = True
    weekdays: frozenset = frozenset(range(5))  # Monday = 0
    opens: time = time(9)
    closes: time = time(18)
    holidays: frozenset = frozenset()

    def _open_on(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def windows(self, start: datetime, end: datetime):
        """The business intervals within [start, end), as aware datetimes."""
        if end <= start:
            return
        if self.around_the_clock:
            yield start, end
            return
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            if self._open_on(day):
                lo = datetime.combine(day, self.opens, self.zone)
                hi = datetime.combine(day, self.closes, self.zone)
                a, b = max(lo, start), min(hi, end)
                if a < b:
                    yield a, b
            day += timedelta(days=1)

    def seconds_between(self, start: datetime, end: datetime) -> float:
        return sum((b - a).total_seconds() for a, b in self.windows(start, end))

    def add(self, start: datetime, seconds: float) -> datetime:
        """The moment `seconds` of business time after `start`."""
        if seconds <= 0:
            return start
        if self.around_the_clock:
            return start + timedelta(seconds=seconds)
        moment, left = start, seconds
        for _ in range(3660):  # ten years of days: a calendar with no open day cannot loop forever
            day = moment.astimezone(self.zone).date()
            if self._open_on(day):
                lo = datetime.combine(day, self.opens, self.zone)
                hi = datetime.combine(day, self.closes, self.zone)
                a = max(lo, moment)
                if a < hi:
                    room = (hi - a).total_seconds()
                    if left <= room:
                        return a + timedelta(seconds=left)
                    left -= room
            moment = datetime.combine(day + timedelta(days=1), time(0), self.zone)
        raise ValueError("the calendar has no business hours")


@dataclass(frozen=True)
class Policy:
    priority: str
    response_minutes: int
    update_minutes: int
    resolution_minutes: int
    calendar: Calendar


@dataclass
class Change:
    """One moment on the SLA timeline."""
    at: datetime
    kind: str  # start | priority | pause | resume | responded | updated | resolved | reopened | stopped
    priority: str | None = None


# Ticket event kinds and the change each makes to the clocks ("triaged" carries the priority in its data).
EVENT_CHANGES = {
    "triaged": "priority", "waiting_parts": "pause", "waiting_customer": "pause", "resumed": "resume",
    "work_resumed": "resume", "customer_updated": "updated", "resolved": "resolved", "rejected": "reopened",
    "accepted": "stopped", "cancelled": "stopped",
    # Resolved without a visit (a consultation, a remote fix): the customer's "not solved" or reopening restarts.
    "resolved_remotely": "resolved", "not_resolved": "reopened", "customer_reopened": "reopened",
}


def change_for(kind: str, data: dict, at: datetime) -> Change | None:
    """The clock change a ticket event makes, if any."""
    change = EVENT_CHANGES.get(kind)
    if change == "priority":
        return Change(at, "priority", data["priority"]) if data.get("priority") else None
    return Change(at, change) if change else None


def moves_clock(kind: str) -> bool:
    """Whether an event of this kind (or the registration) changes a due time: its use case refreshes the clock."""
    return kind == "created" or kind in EVENT_CHANGES


@dataclass
class ClockReading:
    target: str
    elapsed: float  # business seconds spent
    limit: float
    due_at: datetime | None  # None while paused or once stopped in time
    stopped_at: datetime | None
    met: bool | None  # True/False once stopped; None while running

    @property
    def share(self) -> float:
        return self.elapsed / self.limit if self.limit else 1.0

    @property
    def breached(self) -> bool:
        return self.elapsed >= self.limit

    @property
    def at_risk(self) -> bool:
        return not self.breached and self.share >= AT_RISK_SHARE and self.stopped_at is None


@dataclass
class Reading:
    response: ClockReading
    update: ClockReading | None
    resolution: ClockReading
    paused: bool
    state: str  # ok | at_risk | breached | paused | met
    steps: list = field(default_factory=list)  # (moment, kind, priority) as read, for the "why" timeline
    next_check_at: datetime | None = None



class _Clock:
    def __init__(self, name: str, attr: str):
        self.name, self.attr = name, attr
        self.elapsed = 0.0
        self.running = True
        self.due_at: datetime | None = None
        self.stopped_at: datetime | None = None
        self.met: bool | None = None
        self.limit = 0.0

    def set_limit(self, policy: Policy) -> None:
        self.limit = getattr(policy, self.attr) * 60.0

    def advance(self, start: datetime, end: datetime, calendar: Calendar) -> None:
        if not self.running or end <= start:
            return
        spent = calendar.seconds_between(start, end)
        if self.due_at is None and self.elapsed + spent >= self.limit:
            self.due_at = calendar.add(start, self.limit - self.elapsed)
        self.elapsed += spent

    def stop(self, at: datetime) -> None:
        if self.stopped_at is None and self.running:
            self.stopped_at = at
            self.met = self.elapsed < self.limit
            self.running = False

    def restart(self) -> None:
        self.elapsed, self.due_at, self.stopped_at, self.met, self.running = 0.0, None, None, None, True

    def reading(self, now: datetime, calendar: Calendar, paused: bool) -> ClockReading:
        due = self.due_at
        if due is None and self.stopped_at is None and not paused:
            due = calendar.add(now, self.limit - self.elapsed)
        if self.stopped_at is not None and self.met:
            due = None
        return ClockReading(self.name, self.elapsed, self.limit, due, self.stopped_at, self.met)


def read(changes: list[Change], policies: dict[str, Policy], now: datetime, default_priority: str = "P3") -> Reading:
    """Walk the timeline up to `now` and read the three clocks."""
    changes = sorted(changes, key=lambda c: as_utc(c.at))
    now = as_utc(now)
    policy = policies[default_priority]
    response, update, resolution = _Clock("response", "response_minutes"), _Clock("update", "update_minutes"), \
        _Clock("resolution", "resolution_minutes")
    clocks = (response, update, resolution)
    for clock in clocks:
        clock.set_limit(policy)
    paused = False
    stopped = False
    last = None
    steps = []
    for change in changes:
        at = as_utc(change.at)
        if at > now:
            break
        if last is not None and not paused:
            for clock in clocks:
                clock.advance(last, at, policy.calendar)
        last = at
        steps.append((at, change.kind, change.priority))
        if change.kind in ("start", "priority") and change.priority in policies:
            policy = policies[change.priority]
            for clock in clocks:
                clock.set_limit(policy)
        elif change.kind == "pause":
            paused = True
        elif change.kind == "resume":
            paused = False
        elif change.kind == "responded":
            response.stop(at)
        elif change.kind == "updated":
            update.restart()
        elif change.kind == "resolved":
            resolution.stop(at)
            update.stop(at)
        elif change.kind == "reopened":
            resolution.restart()
            update.restart()
        elif change.kind == "stopped":
            for clock in clocks:
                clock.stop(at)
            stopped = True
    if last is not None and not paused:
        for clock in clocks:
            clock.advance(last, now, policy.calendar)
    readings = [clock.reading(now, policy.calendar, paused) for clock in clocks]
    res, upd, sol = readings
    if any(r.breached for r in readings if r.met is not True):
        state = "breached"
    elif stopped:
        state = "met"
    elif paused:
        state = "paused"
    elif any(r.at_risk for r in readings):
        state = "at_risk"
    else:
        state = "ok"
    # When the state can next change on its own: a running clock reaching 80 % or its target.
    upcoming = []
    if not paused and not stopped:
        for clock in clocks:
            if clock.running and clock.elapsed < clock.limit:
                risk = AT_RISK_SHARE * clock.limit
                if clock.elapsed < risk:
                    upcoming.append(policy.calendar.add(now, risk - clock.elapsed))
                upcoming.append(policy.calendar.add(now, clock.limit - clock.elapsed))
    return Reading(res, upd, sol, paused, state, steps, min(upcoming) if upcoming else None)
