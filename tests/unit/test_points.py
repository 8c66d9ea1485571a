"""Loyalty points: expiry at its boundary, earning, oldest-first spending."""
from datetime import date

import pytest

from portal.domain.points import (
    Lot,
    NotEnoughPoints,
    allocate,
    balance,
    earned_for_payment,
    expires_on,
    expiring_within,
    is_expired,
)


@pytest.mark.parametrize(("earned", "last_day"), [
    (date(2026, 3, 15), date(2027, 3, 15)),
    (date(2024, 2, 29), date(2025, 2, 28)),  # seed 003's year, from a leap day
    (date(2027, 2, 28), date(2028, 2, 28)),
    (date(2026, 12, 31), date(2027, 12, 31)),
])
def test_a_lot_expires_at_the_end_of_the_same_date_a_year_later(earned, last_day):
    assert expires_on(earned) == last_day
    assert not is_expired(earned, last_day)
    assert is_expired(earned, date.fromordinal(last_day.toordinal() + 1))


@pytest.mark.parametrize(("paid_fen", "multiplier", "points"), [
    (0, 100, 0), (-500, 100, 0), (99, 100, 0), (100, 100, 1), (12_345, 100, 123), (12_345, 150, 184),
    (10_000, 200, 200),
])
def test_points_per_whole_yuan_times_the_tier(paid_fen, multiplier, points):
    assert earned_for_payment(paid_fen, multiplier) == points


LOTS = [Lot(3, date(2026, 5, 1), 50), Lot(1, date(2026, 1, 10), 30), Lot(2, date(2025, 6, 1), 40),
        Lot(4, date(2026, 5, 1), 0)]


def test_spending_takes_the_oldest_unexpired_points_first():
    today = date(2026, 6, 1)  # the last day of lot 2 (earned 2025-06-01)
    assert allocate(LOTS, 60, today) == [(2, 40), (1, 20)]
    later = date(2026, 6, 2)  # lot 2 expired
    assert allocate(LOTS, 60, later) == [(1, 30), (3, 30)]
    assert balance(LOTS, today) == 120 and balance(LOTS, later) == 80


def test_spending_more_than_the_balance_takes_nothing():
    with pytest.raises(NotEnoughPoints) as refused:
        allocate(LOTS, 81, date(2026, 6, 2))
    assert refused.value.balance == 80
    with pytest.raises(ValueError):
        allocate(LOTS, 0, date(2026, 6, 2))


def test_lots_expiring_within_thirty_days():
    today = date(2026, 5, 2)
    assert [lot.id for lot in expiring_within(LOTS, today, 30)] == [2]
    assert expiring_within(LOTS, date(2026, 6, 2), 30) == []
