"""Stale edits: a fingerprint of the record as shown tells whether it changed since."""
from datetime import date
from decimal import Decimal

from portal.domain.stale import fingerprint, is_stale


def test_the_same_values_give_the_same_fingerprint_whatever_their_order():
    a = {"name": "电源", "price": 12800, "since": date(2026, 1, 1), "rate": Decimal("1.50"), "note": None}
    assert fingerprint(a) == fingerprint(dict(reversed(list(a.items()))))
    assert not is_stale(fingerprint(a), a)


def test_any_change_makes_the_form_stale():
    a = {"name": "电源", "price": 12800, "tracked": False}
    seen = fingerprint(a)
    for changed in ({**a, "price": 12801}, {**a, "tracked": True}, {**a, "name": "电源 "}):
        assert is_stale(seen, changed)


def test_a_form_without_a_fingerprint_is_not_stale():
    assert not is_stale(None, {"name": "x"}) and not is_stale("", {"name": "x"})
