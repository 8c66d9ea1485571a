"""Batch-defect alarms: a planted burst is found, a steady model is not, the Poisson tail is right."""
import random
from datetime import date, timedelta

import pytest

from portal.domain.defects import Counts, expected_faults, flags, judge, poisson_tail, window


def test_poisson_tail_matches_known_values():
    assert poisson_tail(0, 3.0) == 1.0
    assert poisson_tail(1, 2.0) == pytest.approx(1 - 0.1353352832, rel=1e-9)
    # P(X >= 10 | mu = 3) = 0.0011025 (tables)
    assert poisson_tail(10, 3.0) == pytest.approx(0.0011025, rel=1e-3)
    assert 0 < poisson_tail(100, 2.0) < 1e-100  # far tail stays positive and tiny


def _generated(seed: int, burst: bool) -> tuple[list[Counts], dict]:
    """Fault dates for 6 models over 210 days at their own steady daily rate; model M-BURST gets 12 extra
    faults (a bad batch) in the last 30 days when `burst`."""
    rng = random.Random(seed)
    today = date(2026, 11, 30)
    baseline_start, start, end = window(today)
    rates = {"M-STEADY-HI": 0.8, "M-STEADY-LO": 0.05, "M-A": 0.3, "M-B": 0.2, "M-C": 0.5, "M-BURST": 0.1}
    days = [(baseline_start + timedelta(days=i)) for i in range((end - baseline_start).days)]
    result = []
    for model, rate in rates.items():
        faults = [d for d in days for _ in range(_poisson(rng, rate))]
        if burst and model == "M-BURST":
            faults += [start + timedelta(days=rng.randrange(30)) for _ in range(12)]
        recent = sum(1 for d in faults if d >= start)
        result.append(Counts(model, recent, len(faults) - recent))
    return result, rates


def _poisson(rng: random.Random, mu: float) -> int:
    # Knuth's method: fine for small means.
    limit, k, p = pow(2.718281828459045, -mu), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@pytest.mark.parametrize("seed", range(5))
def test_a_planted_burst_is_found_and_steady_models_are_not(seed):
    counts, _ = _generated(seed, burst=True)
    assert [f.model for f in flags(counts)] == ["M-BURST"]
    steady, _ = _generated(seed, burst=False)
    assert flags(steady) == []


def test_fewer_than_n_faults_are_never_flagged_however_unlikely():
    assert judge(Counts("NEW", recent=4, baseline=0)) is None
    assert judge(Counts("NEW", recent=4, baseline=0), min_count=3) is not None


def test_the_rate_follows_installed_units_and_lots_are_flagged_apart():
    # 60 faults over 180 days: 10 expected in 30 days; twice the units installed now: 20 expected.
    assert expected_faults(Counts("X", 0, 60)) == 10
    assert expected_faults(Counts("X", 0, 60, units=2000, baseline_units=1000)) == 20
    assert judge(Counts("X", 25, 60)) is not None
    assert judge(Counts("X", 25, 60, units=2000, baseline_units=1000)) is None
    found = flags([Counts("X", 9, 6, lot="L2"), Counts("X", 1, 6, lot="L1")])
    assert [(f.model, f.lot, f.recent) for f in found] == [("X", "L2", 9)]
