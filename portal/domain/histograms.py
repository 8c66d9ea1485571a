"""Stored histograms of business durations, for the dashboard's daily pre-aggregates (portal.services.rollup):
fixed bucket edges, the bucket of a duration, and the figures read back from summed buckets. Pure."""
import math
from bisect import bisect_right

from portal.domain.metrics import Spread

# Fixed bucket edges in business minutes for first response and resolution: bucket 0 is [0, 5 min), bucket i is
# [EDGES[i-1], EDGES[i]), the last one is EDGES[-1] and beyond. Averages come from summed seconds; p90 from the
# summed buckets (the bucket holding the nearest rank, reported as its upper edge, never above the largest value).
EDGES_MINUTES = (5, 10, 15, 30, 45, 60, 90, 120, 180, 240, 300, 360, 480, 600, 720, 960, 1200, 1440, 1920, 2400,
                 2880, 4320, 5760, 7200, 10080, 14400, 20160, 43200)
BUCKETS = len(EDGES_MINUTES) + 1


def bucket_of(seconds: float | None) -> int | None:
    """The histogram bucket of a duration in business seconds (None when the clock has not stopped)."""
    if seconds is None:
        return None
    return bisect_right(EDGES_MINUTES, seconds / 60)


def bucket_bounds(index: int) -> tuple[float, float]:
    """The bucket's lower and upper edges in seconds (the last one's upper edge is infinite)."""
    lower = EDGES_MINUTES[index - 1] * 60.0 if index > 0 else 0.0
    upper = EDGES_MINUTES[index] * 60.0 if index < len(EDGES_MINUTES) else math.inf
    return lower, upper


def histogram_percentile(counts: list[int], q: float, largest: float | None = None) -> float | None:
    """The nearest-rank percentile read from bucket counts: the upper edge of the bucket holding rank ceil(q*n),
    capped by the largest value (the open last bucket has no upper edge)."""
    n = sum(counts)
    if not n:
        return None
    rank = max(1, math.ceil(q * n - 1e-9))
    seen = 0
    for index, count in enumerate(counts):
        seen += count
        if seen >= rank:
            upper = bucket_bounds(index)[1]
            return min(upper, largest) if largest is not None else upper
    return largest


def spread_from_histogram(count: int, total: float, counts: list[int], largest: float | None,
                          target: float | None = None) -> Spread:
    """A Spread from summed figures: the exact average (sum / count) and the bucketed p90."""
    if not count:
        return Spread(0, None, None, target)
    return Spread(count, total / count, histogram_percentile(counts, 0.9, largest), target)
