"""三包 entitlement at every boundary: days 7/8 and 15/16, the end of the period and its extension, the second
and third repair of the same fault, 30 days in repair, 90 days without a part, an exchanged unit."""
from datetime import date, timedelta

import pytest

from portal.domain.entitlement import (
    EXCHANGE,
    PAID_REPAIR,
    REPAIR,
    RETURN,
    Facts,
    Policy,
    entitlement,
)

BOUGHT = date(2026, 3, 1)


def on_day(n: int, **kw) -> Facts:
    return Facts(today=BOUGHT + timedelta(days=n), purchase_date=BOUGHT, **kw)


@pytest.mark.parametrize(("day", "options", "code"), [
    (0, (RETURN, EXCHANGE, REPAIR), "within_return"),
    (1, (RETURN, EXCHANGE, REPAIR), "within_return"),
    (7, (RETURN, EXCHANGE, REPAIR), "within_return"),
    (8, (EXCHANGE, REPAIR), "within_exchange"),
    (15, (EXCHANGE, REPAIR), "within_exchange"),
    (16, (REPAIR,), "within_period"),
    (365, (REPAIR,), "within_period"),        # 2027-03-01: the last day of the 12 months
    (366, (REPAIR, PAID_REPAIR), "main_parts_only"),
    (1096, (REPAIR, PAID_REPAIR), "main_parts_only"),  # 2029-03-01, 36 months
    (1097, (PAID_REPAIR,), "expired"),
])
def test_the_windows_from_the_purchase_day(day, options, code):
    result = entitlement(on_day(day))
    assert result.options == options
    assert result.reasons[0].code == code
    assert result.day == day


def test_the_invoice_date_wins_over_the_purchase_date():
    facts = Facts(today=date(2026, 3, 10), purchase_date=date(2026, 3, 1), invoice_date=date(2026, 3, 5))
    result = entitlement(facts)
    assert (result.day, result.start_basis, result.may_return) == (5, "invoice", True)


def test_no_date_means_no_free_cover():
    result = entitlement(Facts(today=BOUGHT))
    assert result.options == (PAID_REPAIR,) and result.reasons[0].code == "no_date"


def test_a_date_in_the_future_is_not_trusted():
    assert entitlement(on_day(-1)).reasons[0].code == "future_date"


def test_not_a_performance_fault_is_repair_in_the_period_only():
    assert entitlement(on_day(3, performance_fault=False)).options == (REPAIR,)
    assert entitlement(on_day(400, performance_fault=False)).options == (PAID_REPAIR,)


@pytest.mark.parametrize(("repairs", "options", "codes"), [
    (0, (REPAIR,), ["within_period"]),
    (1, (REPAIR,), ["within_period", "repair_number"]),       # this is the second repair of the same fault
    (2, (EXCHANGE, RETURN, REPAIR), ["repeat_fault", "within_period"]),  # two repairs and it still fails
])
def test_repairs_of_the_same_fault(repairs, options, codes):
    result = entitlement(on_day(100, same_fault_repairs=repairs))
    assert result.options == options
    assert [r.code for r in result.reasons] == codes


@pytest.mark.parametrize(("days", "exchange"), [(29, False), (30, False), (31, True)])
def test_a_repair_longer_than_30_days(days, exchange):
    result = entitlement(on_day(100, repair_days=days))
    assert result.may_exchange is exchange
    assert ("repair_too_long" in [r.code for r in result.reasons]) is exchange


@pytest.mark.parametrize(("days", "exchange"), [(90, False), (91, True)])
def test_no_part_within_90_days(days, exchange):
    result = entitlement(on_day(200, part_wait_days=days))
    assert result.may_exchange is exchange and result.may_return is exchange


def test_days_in_repair_extend_the_period():
    assert entitlement(on_day(370)).options == (REPAIR, PAID_REPAIR)
    extended = entitlement(on_day(370, days_in_repair_before=5))
    assert extended.options == (REPAIR,)
    assert [r.code for r in extended.reasons] == ["within_period", "extended"]
    assert extended.period_end == date(2027, 3, 6)
    assert entitlement(on_day(371, days_in_repair_before=5)).options == (REPAIR, PAID_REPAIR)


def test_repair_days_do_not_extend_the_return_window():
    assert entitlement(on_day(8, days_in_repair_before=5)).options == (EXCHANGE, REPAIR)


def test_an_exchanged_unit_starts_a_new_period():
    """The new unit is registered with the exchange day as its purchase day: day 0 again."""
    exchanged = Facts(today=date(2026, 9, 3), purchase_date=date(2026, 9, 1))
    assert entitlement(exchanged).options == (RETURN, EXCHANGE, REPAIR)


def test_the_category_policy_changes_the_periods():
    policy = Policy(unit_months=24, main_parts_months=60, return_days=10)
    assert entitlement(on_day(9), policy).may_return
    assert entitlement(on_day(600), policy).options == (REPAIR,)


@pytest.mark.parametrize(("policy", "bad"), [
    (Policy(), []), (Policy(exchange_days=5), ["exchange_days"]), (Policy(unit_months=48), ["main_parts_months"]),
    (Policy(return_days=-1), ["return_days", ]),
])
def test_policy_problems(policy, bad):
    assert policy.problems() == bad
