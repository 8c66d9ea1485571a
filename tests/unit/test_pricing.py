"""Prices, who pays each line, and bill totals in fen."""
import random
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest

from portal.domain.pricing import (
    ContractCover,
    Facts,
    Line,
    PriceList,
    bp_to_percent,
    decide,
    over_tolerance,
    overlaps,
    percent_to_bp,
    price_list_on,
    proposed_labour_minutes,
    round_half_up,
    totals,
    travel_minutes,
    who_pays,
)

PART = Line("part", "主板", 1, 45000, 1300, ref="MB-01")
LABOUR = Line("labour", "维修工时", 60, 12000, 600, ref="standard")
CALLOUT = Line("callout", "上门费", 1, 8000, 600, ref="朝阳区")
DEPOT = Line("depot", "返厂处理费", 1, 5000, 600)
ALL = (PART, LABOUR, CALLOUT, DEPOT)


# --- price lists ---------------------------------------------------------------------------------------

def test_price_list_by_date_later_start_wins_and_gaps_have_none():
    old = PriceList(date(2026, 1, 1), date(2026, 6, 30))
    new = PriceList(date(2026, 6, 1))
    assert price_list_on([old, new], date(2026, 3, 1)) is old
    assert price_list_on([old, new], date(2026, 6, 15)) is new
    assert price_list_on([old, new], date(2025, 12, 31)) is None


def test_overlap():
    assert overlaps(date(2026, 1, 1), None, date(2027, 1, 1), None)
    assert not overlaps(date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1), None)
    assert overlaps(date(2026, 1, 1), date(2026, 2, 1), date(2026, 2, 1), date(2026, 3, 1))


def test_labour_rate_per_category_and_grade():
    prices = PriceList(date(2026, 1, 1), labour_per_hour={"打印机": (12000, 18000)})
    assert prices.labour_rate("打印机", senior=False) == 12000
    assert prices.labour_rate("打印机", senior=True) == 18000
    assert prices.labour_rate("空调", senior=True) is None


def test_callout_zone_first_else_distance_with_minimum():
    prices = PriceList(date(2026, 1, 1), callout_by_zone={"朝阳区": 8000}, callout_per_km=300, callout_minimum=5000)
    assert prices.callout("北京市朝阳区建国路88号", 40) == 8000
    assert prices.zone_of("北京市朝阳区建国路88号") == "朝阳区" and prices.zone_of(None) is None
    assert prices.callout("顺义区", 40) == 12000
    assert prices.callout("顺义区", 3) == 5000
    assert prices.callout("顺义区", None) is None


def test_labour_proposed_from_on_site_time_rounded_up_to_quarter_hours():
    start = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert proposed_labour_minutes(start, start + timedelta(minutes=61)) == 75
    assert proposed_labour_minutes(start, start + timedelta(minutes=45)) == 45
    assert proposed_labour_minutes(start, start + timedelta(seconds=1)) == 15
    # Under a second on site is a started quarter hour too (it was 0, and the bill fell back to the work record).
    assert proposed_labour_minutes(start, start + timedelta(milliseconds=400)) == 15
    assert proposed_labour_minutes(start, start + timedelta(minutes=15, microseconds=1)) == 30
    assert proposed_labour_minutes(start, None) == 0
    assert proposed_labour_minutes(start, start - timedelta(minutes=5)) == 0


def test_percentages():
    assert percent_to_bp("13") == 1300 and percent_to_bp("1.5%") == 150 and percent_to_bp("0") == 0
    assert bp_to_percent(1300) == "13" and bp_to_percent(150) == "1.5" and bp_to_percent(625) == "6.25"
    for bad in ("", "abc", "-1", "101", "1.234", "NaN"):
        with pytest.raises(ValueError):
            percent_to_bp(bad)


# --- line amounts and VAT ------------------------------------------------------------------------------

def test_labour_is_minutes_times_hourly_rate():
    assert Line("labour", "", 90, 12000).amount == 18000
    assert Line("labour", "", 7, 10000).exact_amount == Fraction(70000, 60)


def test_vat_is_inside_the_price():
    line = Line("part", "", 1, 11300, 1300)
    assert line.exact_vat == 1300
    assert line.amount == 11300


def test_round_half_up():
    assert round_half_up(Fraction(1, 2)) == 1
    assert round_half_up(Fraction(3, 2)) == 2
    assert round_half_up(Fraction(149, 100)) == 1
    assert round_half_up(Fraction(-1, 2)) == -1


def test_rounding_once_per_bill_not_per_line():
    # three labour lines of 1/3 fen each: per-line rounding would give 0, the bill rounds the sum once: 1.
    lines = [Line("labour", "", 1, 20) for _ in range(3)]
    assert sum(line.amount for line in lines) == 0
    assert totals(lines).due == 1


def test_totals_split_covered_and_due_with_vat_per_rate():
    lines = decide(ALL, Facts(in_warranty=False))
    t = totals(lines)
    assert t.gross == 45000 + 12000 + 8000 + 5000
    assert t.due == t.gross and t.covered == 0
    assert dict(t.vat_by_rate) == {1300: round_half_up(Fraction(45000 * 1300, 11300)),
                                   600: round_half_up(Fraction(25000 * 600, 10600))}
    assert t.net == t.due - t.vat


# --- who pays: every rule ------------------------------------------------------------------------------

@pytest.mark.parametrize("line", ALL, ids=lambda line: line.kind)
def test_in_warranty_every_line_is_covered_by_the_warranty(line):
    assert who_pays(line, Facts(in_warranty=True)) == ("warranty", "warranty")


@pytest.mark.parametrize("line", ALL, ids=lambda line: line.kind)
def test_out_of_warranty_without_contract_the_customer_pays(line):
    assert who_pays(line, Facts(in_warranty=False)) == ("customer", "out_of_warranty")


@pytest.mark.parametrize("line", ALL, ids=lambda line: line.kind)
def test_sanbao_entitlement_covers_even_out_of_warranty(line):
    assert who_pays(line, Facts(in_warranty=False, covered_by_sanbao=True)) == ("sanbao", "sanbao")


def test_chargeable_part_is_paid_even_in_warranty():
    part = Line("part", "耗材", 2, 3000, 1300, chargeable=True)
    assert who_pays(part, Facts(in_warranty=True)) == ("customer", "chargeable_part")
    assert who_pays(part, Facts(in_warranty=True, covered_by_sanbao=True)) == ("customer", "chargeable_part")


@pytest.mark.parametrize("cause", ["operation", "environment"])
def test_misuse_is_not_covered_by_warranty_or_sanbao(cause):
    for line in ALL:
        assert who_pays(line, Facts(in_warranty=True, covered_by_sanbao=True, cause_category=cause)) == \
            ("customer", "misuse")


def test_hardware_fault_in_warranty_is_covered():
    assert who_pays(PART, Facts(in_warranty=True, cause_category="hardware")) == ("warranty", "warranty")


def test_replacing_a_part_inside_its_own_warranty_is_covered_out_of_unit_warranty():
    part = Line("part", "电源", 1, 20000, 1300, part_in_own_warranty=True)
    assert who_pays(part, Facts(in_warranty=False)) == ("warranty", "part_warranty")
    assert who_pays(LABOUR, Facts(in_warranty=False)) == ("customer", "out_of_warranty")


@pytest.mark.parametrize("line", ALL, ids=lambda line: line.kind)
def test_contract_covering_everything_covers_every_line(line):
    contract = ContractCover("SC-1", frozenset({"part", "labour", "callout", "depot"}))
    assert who_pays(line, Facts(in_warranty=False, contract=contract)) == ("contract", "contract")


def test_contract_covers_only_what_it_lists():
    contract = ContractCover("SC-1", frozenset({"labour", "callout"}))
    facts = Facts(in_warranty=False, contract=contract)
    assert who_pays(LABOUR, facts) == ("contract", "contract")
    assert who_pays(PART, facts) == ("customer", "contract_excludes")


def test_contract_covers_misuse_and_chargeable_parts_it_lists():
    contract = ContractCover("SC-1", frozenset({"part"}))
    part = Line("part", "", 1, 100, chargeable=True)
    assert who_pays(part, Facts(in_warranty=True, contract=contract, cause_category="operation")) == \
        ("contract", "contract")


def test_warranty_comes_before_contract():
    contract = ContractCover("SC-1", frozenset(LINE for LINE in ("part", "labour")))
    assert who_pays(PART, Facts(in_warranty=True, contract=contract)) == ("warranty", "warranty")


def test_visit_allowance_used_up_charges_the_callout_only():
    contract = ContractCover("SC-1", frozenset({"part", "labour", "callout"}), visits_allowed=4, visits_used=4)
    facts = Facts(in_warranty=False, contract=contract)
    assert who_pays(CALLOUT, facts) == ("customer", "allowance_used")
    assert who_pays(LABOUR, facts) == ("contract", "contract")
    left = ContractCover("SC-1", frozenset({"callout"}), visits_allowed=4, visits_used=3)
    assert who_pays(CALLOUT, Facts(in_warranty=False, contract=left)) == ("contract", "contract")


def test_goodwill_waives_a_line_the_customer_would_pay():
    line = Line("callout", "上门费", 1, 8000, goodwill_reason="老客户，主管批准")
    assert who_pays(line, Facts(in_warranty=False)) == ("goodwill", "goodwill")
    contract = ContractCover("SC-1", frozenset({"part"}))
    assert who_pays(line, Facts(in_warranty=False, contract=contract)) == ("goodwill", "goodwill")


def test_goodwill_does_not_replace_a_cover_that_exists():
    line = Line("labour", "", 60, 12000, goodwill_reason="x")
    assert who_pays(line, Facts(in_warranty=True)) == ("warranty", "warranty")


def test_decide_sets_payer_and_reason_on_every_line():
    contract = ContractCover("SC-1", frozenset({"part", "labour", "callout", "depot"}))
    lines = decide(ALL, Facts(in_warranty=False, contract=contract))
    assert {(line.payer, line.reason) for line in lines} == {("contract", "contract")}
    assert totals(lines).due == 0 and totals(lines).covered == totals(lines).gross


# --- tolerance -----------------------------------------------------------------------------------------

def test_over_tolerance_uses_the_larger_of_percentage_and_amount():
    assert not over_tolerance(10_500, 10_000, 500)
    assert over_tolerance(10_501, 10_000, 500)
    assert not over_tolerance(12_000, 10_000, 500, tolerance_fen=2_000)
    assert over_tolerance(1, 0, 500)


# --- property: totals recomputed from the lines equal the stored totals --------------------------------

def _random_line(rng: random.Random) -> Line:
    kind = rng.choice(("labour", "part", "callout", "depot"))
    quantity = rng.randint(1, 600) if kind == "labour" else rng.randint(1, 5) if kind == "part" else 1
    return Line(kind, "", quantity, rng.randint(0, 500_000), rng.choice((0, 100, 300, 600, 900, 1300)),
                chargeable=rng.random() < 0.2, part_in_own_warranty=rng.random() < 0.1,
                goodwill_reason="g" if rng.random() < 0.05 else None)


def _random_facts(rng: random.Random) -> Facts:
    contract = None
    if rng.random() < 0.3:
        covers = frozenset(k for k in ("labour", "part", "callout", "depot") if rng.random() < 0.6)
        contract = ContractCover("SC", covers, rng.choice((None, 2, 4)), rng.randint(0, 5))
    return Facts(rng.random() < 0.4, rng.random() < 0.1, contract,
                 rng.choice((None, "hardware", "operation", "environment", "wear")))


def test_ten_thousand_random_bills_recompute_to_their_stored_totals():
    rng = random.Random(20261130)
    for _ in range(10_000):
        lines = decide([_random_line(rng) for _ in range(rng.randint(1, 8))], _random_facts(rng))
        stored = totals(lines)
        # what a bill row keeps: kind, quantity, unit price, rate and payer per line, and the totals
        kept = [(line.kind, line.quantity, line.unit_price, line.vat_bp, line.payer) for line in lines]
        again = totals([Line(kind, "", q, price, rate, payer=payer) for kind, q, price, rate, payer in kept])
        assert again == stored
        assert stored.due + stored.covered == stored.gross
        assert 0 <= stored.vat <= stored.due
        exact_due = sum((line.exact_amount for line in lines if line.payer == "customer"), Fraction(0))
        assert abs(stored.due - exact_due) <= Fraction(1, 2)
        assert all(p in ("sanbao", "warranty", "contract", "goodwill", "customer") for p in (x.payer for x in lines))


# --- the admin's typed tables --------------------------------------------------------------------------

def test_amount_lines_round_trip_and_name_the_wrong_line():
    from portal.domain.pricing import format_amount_lines, parse_amount_lines
    rows = parse_amount_lines("打印机 120 180\n\n空调，150.5，200\n", 2)
    assert rows == {"打印机": [12000, 18000], "空调": [15050, 20000]}
    assert parse_amount_lines(format_amount_lines(rows), 2) == rows
    for bad, line in (("打印机 120", 1), ("a 1 2\nb x 2", 2), ("a 1 2\na 3 4", 2), ("a -1 2", 1), ("a 1.234 2", 1)):
        with pytest.raises(ValueError, match=f"line {line}"):
            parse_amount_lines(bad, 2)


# ---- travel -----------------------------------------------------------------------------------------------

def test_travel_minutes_count_from_on_my_way_to_arrival_per_started_quarter_hour():
    left = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert travel_minutes(left, left + timedelta(minutes=15)) == 15
    assert travel_minutes(left, left + timedelta(minutes=15, seconds=1)) == 30
    assert travel_minutes(left, left + timedelta(seconds=1)) == 15
    assert travel_minutes(left, left) == 0 and travel_minutes(None, left) == 0
    assert travel_minutes(left + timedelta(minutes=5), left) == 0


def test_a_travel_line_is_exact_quarters_times_the_rate():
    assert Line("travel", "", 45, 1333).exact_amount == 3 * 1333
    assert Line("travel", "", 46, 1333).amount == 4 * 1333  # a started quarter counts
    line = Line("travel", "", 30, 1060, vat_bp=600)
    assert line.exact_vat == Fraction(2120 * 600, 10600)
    assert totals([line]).vat == 120


@pytest.mark.parametrize(("covers", "used", "expected"), [
    (frozenset({"callout"}), 0, ("contract", "contract")),
    (frozenset({"labour"}), 0, ("customer", "contract_excludes")),
    (frozenset({"callout"}), 2, ("customer", "allowance_used")),
])
def test_travel_goes_with_the_call_out_under_a_contract(covers, used, expected):
    facts = Facts(in_warranty=False, contract=ContractCover("SC", covers, 2, used))
    assert who_pays(Line("travel", "", 30, 1000), facts) == expected


def test_travel_is_free_under_sanbao_and_warranty_like_labour():
    line = Line("travel", "", 30, 1000)
    assert who_pays(line, Facts(in_warranty=False, covered_by_sanbao=True)) == ("sanbao", "sanbao")
    assert who_pays(line, Facts(in_warranty=True)) == ("warranty", "warranty")
    assert who_pays(line, Facts(in_warranty=False)) == ("customer", "out_of_warranty")
