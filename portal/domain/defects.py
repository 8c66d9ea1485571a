"""Batch-defect alarms: per product model (and production lot), faults in the last 30 days against the
model's own baseline rate over the 180 days before, per installed unit when the unit counts are known. A group
is flagged when it has at least `min_count` faults and a one-sided Poisson test says so many would come by
chance with probability below `p_threshold`. Pure: counts in, flags out."""
import math
from dataclasses import dataclass
from datetime import date, timedelta

WINDOW_DAYS = 30
BASELINE_DAYS = 180
MIN_COUNT = 5
P_THRESHOLD = 0.01
# A model with no fault in its baseline still has some rate: half a fault per baseline period, so a first
# fault cannot be "infinitely unlikely" and a handful of them in a new model is judged, not always flagged.
BASELINE_FLOOR = 0.5


def poisson_tail(count: int, expected: float) -> float:
    """P(X >= count) for X ~ Poisson(expected): the chance of at least this many faults by chance."""
    if count <= 0:
        return 1.0
    if expected <= 0:
        return 0.0
    # 1 - P(X <= count - 1), summed in log space so large counts neither overflow nor underflow.
    term = math.exp(-expected)
    below = 0.0
    for k in range(count):
        if k:
            term *= expected / k
        below += term
    if below > 0.999999:  # the tail is tiny: sum it directly for precision
        tail, term = 0.0, math.exp(count * math.log(expected) - expected - math.lgamma(count + 1))
        k = count
        while term > 1e-300 and k < count + 10_000:
            tail += term
            k += 1
            term *= expected / k
        return tail
    return max(0.0, 1.0 - below)


@dataclass(frozen=True)
class Counts:
    """Faults of one model (or lot) in the window and in the baseline before it; installed units when known."""

    model: str
    recent: int
    baseline: int
    lot: str | None = None
    units: int | None = None  # installed units now
    baseline_units: int | None = None  # installed units over the baseline (average), when known


@dataclass(frozen=True)
class Flag:
    model: str
    lot: str | None
    recent: int
    expected: float
    p_value: float


def window(today: date) -> tuple[date, date, date]:
    """(baseline start, window start, end): the window is the last 30 days up to today, inclusive."""
    end = today + timedelta(days=1)
    start = end - timedelta(days=WINDOW_DAYS)
    return start - timedelta(days=BASELINE_DAYS), start, end


def expected_faults(c: Counts) -> float:
    """Faults to expect in the window at the baseline rate, scaled to the installed units when both are known."""
    rate = max(c.baseline, BASELINE_FLOOR) / BASELINE_DAYS * WINDOW_DAYS
    if c.units and c.baseline_units:
        rate *= c.units / c.baseline_units
    return rate


def judge(c: Counts, min_count: int = MIN_COUNT, p_threshold: float = P_THRESHOLD) -> Flag | None:
    """The flag for these counts, or None when they look like the usual rate."""
    if c.recent < min_count:
        return None
    expected = expected_faults(c)
    p = poisson_tail(c.recent, expected)
    if p >= p_threshold:
        return None
    return Flag(c.model, c.lot, c.recent, expected, p)


def flags(all_counts: list[Counts], min_count: int = MIN_COUNT, p_threshold: float = P_THRESHOLD) -> list[Flag]:
    """Every flagged model and lot, the least likely first."""
    found = [f for f in (judge(c, min_count, p_threshold) for c in all_counts) if f is not None]
    return sorted(found, key=lambda f: (f.p_value, f.model, f.lot or ""))
