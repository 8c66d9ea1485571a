"""Campaign and recall selection: by model, lot, serial range or list, purchase dates; and the preview."""
from datetime import date

import pytest

from portal.domain import proactive as rules
from portal.domain.proactive import Criteria, Unit

UNITS = [
    Unit(1, "ABC2000-SN0009", "ABC-2000", "2024Q3", date(2024, 8, 1)),
    Unit(2, "ABC2000-SN0010", "ABC-2000", "2024Q3", date(2024, 9, 15)),
    Unit(3, "ABC2000-SN0105", "ABC-2000", "2024Q4", date(2024, 12, 2)),
    Unit(4, "PX50-SN1001", "PX-50", "2024Q3", None),
    Unit(5, "ABC2000-SN0011", "ABC-2000", "2024Q3", date(2024, 9, 20), retired=True),
    Unit(6, "XYZ-0010", "ABC-2000", "2024Q3", date(2024, 9, 1)),
]
OWNERS = {1: 10, 2: 10, 3: 11, 4: 12, 5: 13, 6: 14}


def chosen(criteria):
    return [u.id for u in UNITS if rules.selects(u, criteria)]


def test_by_model_and_lot():
    assert chosen(Criteria(models=("ABC-2000",))) == [1, 2, 3, 6]
    assert chosen(Criteria(batches=("2024Q3",))) == [1, 2, 4, 6]
    assert chosen(Criteria(models=("ABC-2000",), batches=("2024Q4",))) == [3]  # every criterion holds


def test_a_serial_range_compares_numbers_within_the_same_prefix():
    assert chosen(Criteria(serial_from="ABC2000-SN0009", serial_to="ABC2000-SN0100")) == [1, 2]
    assert chosen(Criteria(serial_from="abc2000-sn0010")) == [2, 3]  # typed in lower case
    assert chosen(Criteria(serial_to="ABC2000-SN0009")) == [1]


def test_a_list_of_serials_as_pasted():
    serials = rules.words("abc2000-sn0010\nPX50-SN1001，ABC2000-SN0010；NOPE-1")
    assert serials == ("ABC2000-SN0010", "PX50-SN1001", "NOPE-1")
    assert chosen(Criteria(serials=serials)) == [2, 4]


@pytest.mark.parametrize(("start", "end", "expected"), [
    (date(2024, 9, 1), None, [2, 3, 6]), (None, date(2024, 8, 31), [1]),
    (date(2024, 9, 1), date(2024, 9, 15), [2, 6]),  # both ends included; a unit without a date never
])
def test_by_purchase_dates(start, end, expected):
    assert chosen(Criteria(bought_from=start, bought_to=end)) == expected


def test_retired_units_and_empty_criteria_select_nothing():
    assert 5 not in chosen(Criteria(models=("ABC-2000",)))
    assert chosen(Criteria()) == []


def test_the_preview_counts_units_customers_and_unknown_serials():
    p = rules.preview(UNITS, OWNERS, Criteria(serials=rules.words("ABC2000-SN0009 ABC2000-SN0010 NOPE-1")))
    assert (p.units, p.customers, p.unknown_serials) == (2, 1, ["NOPE-1"])


def test_criteria_survive_the_database():
    c = Criteria(models=("ABC-2000",), serials=("A",), bought_from=date(2024, 1, 1))
    assert Criteria.from_json(c.as_json()) == c


def test_marketing_texts_carry_the_opt_out_once():
    assert rules.with_opt_out("保修即将到期") == "保修即将到期 回T退订"
    assert rules.with_opt_out("保修即将到期 回T退订") == "保修即将到期 回T退订"
    assert rules.is_opt_out_reply(" t ") and not rules.is_opt_out_reply("好的")


def test_warranty_notice_window_and_maintenance_dates():
    today = date(2026, 11, 30)
    assert rules.warranty_notice_due(date(2026, 12, 30), today)
    assert not rules.warranty_notice_due(date(2026, 12, 31), today)
    assert not rules.warranty_notice_due(date(2026, 11, 29), today)
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    readings = [(date(2026, 11, 1), 1000), (date(2026, 11, 11), 1100)]  # 10 hours a day
    assert rules.hours_due_on(readings, 1500, today) == date(2026, 12, 21)
    assert rules.hours_due_on(readings, 1050, today) == today
    assert rules.hours_due_on(readings[:1], 1500, today) is None
    assert rules.generate_now(date(2026, 12, 14), 14, today) and not rules.generate_now(date(2026, 12, 15), 14, today)
