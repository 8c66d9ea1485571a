"""Ticket numbering, warranty arithmetic and masking."""
from datetime import date

import pytest

from portal.domain.numbering import format_number, parse_number
from portal.domain.privacy import mask_email, mask_phone
from portal.domain.warranty import add_months, in_warranty, warranty_end


@pytest.mark.parametrize(("day", "seq", "number"), [
    (date(2026, 11, 23), 1, "SR202611230001"),
    (date(2023, 10, 27), 1, "SR202310270001"),
    (date(2026, 1, 5), 42, "SR202601050042"),
    (date(2026, 1, 5), 9999, "SR202601059999"),
    (date(2026, 1, 5), 10000, "SR2026010510000"),
])
def test_format_number(day, seq, number):
    assert format_number(day, seq) == number
    assert parse_number(number) == (day, seq)


def test_sequence_starts_at_one():
    with pytest.raises(ValueError):
        format_number(date(2026, 1, 1), 0)


@pytest.mark.parametrize("bad", ["", "SR2026", "XX202611230001", "SR202613010001", "SR20261123ABCD"])
def test_parse_rejects_malformed(bad):
    assert parse_number(bad) is None


def test_parse_accepts_lower_case_and_spaces():
    assert parse_number(" sr202611230007 ") == (date(2026, 11, 23), 7)


@pytest.mark.parametrize(("start", "months", "end"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 5, 10), 24, date(2027, 5, 10)),
    (date(2025, 11, 15), 2, date(2026, 1, 15)),
])
def test_add_months(start, months, end):
    assert add_months(start, months) == end


def test_warranty_end_takes_the_extension_when_later():
    assert warranty_end(date(2025, 1, 1), 12) == date(2026, 1, 1)
    assert warranty_end(date(2025, 1, 1), 12, date(2027, 1, 1)) == date(2027, 1, 1)
    assert warranty_end(None, 12) is None
    assert in_warranty(date(2026, 1, 1), date(2026, 1, 1))
    assert not in_warranty(date(2026, 1, 1), date(2026, 1, 2))
    assert not in_warranty(None, date(2026, 1, 2))


@pytest.mark.parametrize(("phone", "masked"), [
    ("13812345678", "138****5678"), ("021-5555 1234", "021****1234"), ("5551234", "***1234"),
    ("123", "***"), ("", ""), (None, ""),
])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_mask_email():
    assert mask_email("zhang@example.com") == "z***@example.com"
    assert mask_email("nonsense") == ""
