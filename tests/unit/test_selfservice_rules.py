"""Quote lines and amounts, the quote's hash, the survey window and low scores."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from portal.domain import selfservice as rules


def test_amount_is_the_sum_of_rounded_line_totals():
    lines = rules.parse_lines([("主控板", "1", "850"), ("人工费", "1.5", "120.00"), ("", "", ""),
                               ("螺丝", "3", "0.35")])
    assert [line.total for line in lines] == [Decimal("850.00"), Decimal("180.00"), Decimal("1.05")]
    assert rules.quote_amount(lines) == Decimal("1031.05")
    assert lines[0].as_json() == {"description": "主控板", "quantity": "1", "unit_price": "850.00"}


@pytest.mark.parametrize("row, reason", [
    (("", "1", "10"), "description"), (("x", "a", "10"), "number"), (("x", "0", "10"), "quantity"),
    (("x", "1", "-1"), "price"), (("x", "1", "1.001"), "price"), (("x", "1", "NaN"), "number"),
    (("x", "1", "Infinity"), "number"),
])
def test_bad_lines_are_named_by_row(row, reason):
    with pytest.raises(rules.QuoteInvalid) as refused:
        rules.parse_lines([("ok", "1", "1"), row])
    assert str(refused.value) == reason and refused.value.row == 2


def test_a_quote_needs_an_item():
    with pytest.raises(rules.QuoteInvalid, match="empty"):
        rules.parse_lines([("", "", "")])


def test_hash_changes_with_any_shown_detail():
    content = rules.quote_content(ticket_number="SR-1", quote_id=1, items=[{"description": "a"}],
                                  amount=Decimal("10"), currency="CNY", note=None)
    assert content["amount"] == "10.00"
    base = rules.content_hash(content)
    assert base == rules.content_hash(dict(content))
    assert base != rules.content_hash({**content, "amount": "10.01"})
    assert base != rules.content_hash({**content, "quote": 2})


def test_survey_window_is_seven_days_from_closing():
    closed = datetime(2026, 3, 1, 8, tzinfo=UTC)
    window = rules.survey_window(closed)
    assert window.closes_at == closed + timedelta(days=7)
    assert window.state(closed - timedelta(minutes=1), False) == "not_yet"
    assert window.state(closed + timedelta(days=6, hours=23), False) == "open"
    assert window.state(closed + timedelta(days=7), False) == "expired"
    assert window.state(closed + timedelta(days=8), True) == "submitted"


@pytest.mark.parametrize("scores, low", [((5, 5, 5), False), ((3, 3, 3), False), ((2, 5, 5), True),
                                         ((5, 5, 1), True)])
def test_low_score(scores, low):
    assert rules.is_low(*scores) is low
