"""The quality figures, defined once: first-time fix per service mode, reopen and repeat-fault rates,
satisfaction (CSAT), and the headline summary that combines them with volume and speed (portal.domain.metrics).
Pure: facts about tickets in, figures out."""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from portal.domain.metrics import (
    Compliance,
    Spread,
    TicketFacts,
    compliance,
    counted,
    group_by,
    share,
    spread,
)
from portal.domain.workflow import CLOSED, FINAL

REPEAT_DAYS = 90
# CSAT: a 1-5 score of 4 or 5, or the top answer of seed 004's three-level call-back scale.
SATISFIED_SCORE = 4
SATISFIED_LABELS = frozenset({"满意", "satisfied"})
# Service modes and what a first-time fix means in each (see first_time_fix).
ONSITE, REMOTE, DEPOT = "onsite", "remote", "depot"  # as portal.domain.modes and the rollup


def _later_on_same_serial(facts: list[TicketFacts], days: int) -> dict[int, bool]:
    """Per ticket id: whether another ticket on the same serial was registered within `days` after it."""
    result = {}
    for group in group_by([f for f in facts if f.serial], "serial").values():
        flags = serial_flags(((f.id, f.created_at, f.closed_at) for f in group), days)
        result.update((ticket_id, returned) for ticket_id, (_, returned) in flags.items())
    return result


def first_time_fixed(f: TicketFacts, returned: bool) -> bool:
    """On site: closed after one visit and never reopened. Remote: resolved without escalation or reopening.
    Depot: one bench repair (never reopened) and the unit not back within 90 days. Other modes: never reopened."""
    if f.reopens:
        return False
    if f.mode == ONSITE:
        return f.visits <= 1
    if f.mode == REMOTE:
        return not f.escalated
    if f.mode == DEPOT:
        return not returned
    return True


def first_time_fix(facts: Iterable[TicketFacts]) -> dict:
    """Per service mode: (fixed first time, finished tickets, rate)."""
    facts = list(facts)
    returned = _later_on_same_serial(facts, REPEAT_DAYS)
    result = {}
    for mode, group in sorted(group_by([f for f in facts if f.done], "mode").items(), key=lambda kv: str(kv[0])):
        fixed = sum(1 for f in group if first_time_fixed(f, returned.get(f.id, False)))
        result[mode] = (fixed, len(group), share(fixed, len(group)))
    return result


def reopen_rate(facts: Iterable[TicketFacts]) -> tuple[int, int, float | None]:
    """Of the tickets resolved at least once, how many were reopened (an acceptance rejected)."""
    resolved = [f for f in facts if f.done or f.reopens or f.resolved_at is not None]
    reopened = sum(1 for f in resolved if f.reopens)
    return reopened, len(resolved), share(reopened, len(resolved))


def repeat_faults(facts: Iterable[TicketFacts], days: int = REPEAT_DAYS) -> tuple[int, int, float | None]:
    """Of the tickets with a serial, how many came within `days` of an earlier ticket on the same serial."""
    with_serial = [f for f in facts if f.serial]
    repeats = 0
    for group in group_by(with_serial, "serial").values():
        flags = serial_flags(((f.id, f.created_at, f.closed_at) for f in group), days)
        repeats += sum(1 for repeat, _ in flags.values() if repeat)
    return repeats, len(with_serial), share(repeats, len(with_serial))


def satisfied(rating: int | str | None) -> bool | None:
    if rating is None or rating == "":
        return None
    if isinstance(rating, int):
        return rating >= SATISFIED_SCORE
    return rating.strip().lower() in SATISFIED_LABELS


@dataclass(frozen=True)
class Csat:
    answers: int
    satisfied: int

    @property
    def rate(self) -> float | None:
        return share(self.satisfied, self.answers)


def csat(ratings: Iterable[int | str | None]) -> Csat:
    """The share of answers rated 4-5 (or 满意), with the number of answers; unanswered ones do not count."""
    verdicts = [v for v in (satisfied(r) for r in ratings) if v is not None]
    return Csat(len(verdicts), sum(verdicts))


@dataclass
class Summary:
    """The headline figures of a set of tickets (the dashboard's cards, the report's summary page)."""

    created: int
    closed: int
    open: int
    response: Spread
    resolution: Spread
    compliance: Compliance
    first_time_fix: float | None
    reopen: float | None
    repeat: float | None
    csat: Csat
    extra: dict = field(default_factory=dict)


def summary(facts: Iterable[TicketFacts]) -> Summary:
    facts = counted(facts)
    ftf = first_time_fix(facts)
    fixed, finished = sum(v[0] for v in ftf.values()), sum(v[1] for v in ftf.values())
    return Summary(
        created=len(facts), closed=sum(1 for f in facts if f.status == CLOSED),
        open=sum(1 for f in facts if f.status not in FINAL),
        response=spread([f.response_seconds for f in facts if f.response_seconds is not None]),
        resolution=spread([f.resolution_seconds for f in facts if f.resolution_seconds is not None]),
        compliance=compliance(facts), first_time_fix=share(fixed, finished), reopen=reopen_rate(facts)[2],
        repeat=repeat_faults(facts)[2], csat=csat(f.rating for f in facts))


def serial_flags(tickets: Iterable[tuple[int, datetime, datetime | None]], days: int = REPEAT_DAYS) -> dict:
    """For the tickets of one serial, (id, created, closed) each: id -> (repeat, returned). A repeat came within
    `days` of the ticket before it on the serial; a returned ticket saw the next one come within `days` of its
    closing (or registration). The rollup stores both, so a period's figures see tickets outside it."""
    ordered = sorted(tickets, key=lambda t: (t[1], t[0]))
    flags = {}
    for i, (ticket_id, created, closed) in enumerate(ordered):
        before = ordered[i - 1] if i else None
        after = ordered[i + 1] if i + 1 < len(ordered) else None
        repeat = before is not None and created - before[1] <= timedelta(days=days)
        returned = after is not None and after[1] - (closed or created) <= timedelta(days=days)
        flags[ticket_id] = (repeat, returned)
    return flags
