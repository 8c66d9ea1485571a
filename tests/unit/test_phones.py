"""Mainland phone numbers in one stored form, and what the customer search reads from a typed query."""
import pytest

from portal.domain import phones, search


@pytest.mark.parametrize("typed, stored", [
    ("13812345678", "138 1234 5678"),
    ("+86 138 1234 5678", "138 1234 5678"),
    ("+86-138-1234-5678", "138 1234 5678"),
    ("008613812345678", "138 1234 5678"),
    ("8613812345678", "138 1234 5678"),
    ("013812345678", "138 1234 5678"),
    ("021-62345678", "021-6234 5678"),
    ("(021) 6234 5678", "021-6234 5678"),
    ("+86 21 6234 5678", "021-6234 5678"),
    ("0512-6789012", "0512-678 9012"),
    ("010 62345678 转 801", "010-6234 5678-801"),
    ("400-820-8820", "400-820-8820"),
])
def test_mainland_numbers_are_stored_in_one_form(typed, stored):
    assert phones.normalize(typed) == stored


@pytest.mark.parametrize("typed", ["", "12345", "1381234567", "23812345678", "138-1234-5678a", "62345678"])
def test_what_is_not_a_mainland_number_is_refused(typed):
    assert phones.normalize(typed) is None


def test_any_typing_of_a_number_gives_the_same_search_digits():
    assert phones.search_key("+86 138-1234-5678") == phones.search_key("13812345678") == "13812345678"
    assert search.customer_query("+86 138 1234") == "1381234"
    assert search.customer_query("  王芳 ") == "王芳"
    assert search.customer_query("SR2026") == "sr2026"


def test_the_customer_document_holds_names_phone_digits_emails_and_serials():
    text = search.customer_document("华东精密", [("张经理", "+86 138 1234 5678", "Zhang@Example.com")], ["ABC-1"])
    assert text == "华东精密 张经理 13812345678 zhang@example.com abc-1"


def test_control_characters_are_dropped_from_a_customer_query():
    assert search.customer_query("王\x00芳\x1f") == "王芳"
