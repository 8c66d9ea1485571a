"""Intake rules without the app: completeness score and questions, warranty cover, repeat faults, notice routes."""
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.domain import intake
from portal.domain.warranty import repeat_fault_since, warranty_status

FULL = {"symptom": "屏幕黑屏无声音", "product_model": 3, "serial": "ABC-1", "purchase_date": date(2026, 1, 5),
        "frequency": "每次", "impact": "停产", "tried": "重启", "attachment": 2}


def test_a_full_request_scores_100():
    result = intake.completeness(FULL)
    assert result.score == 100 and result.missing == () and result.enough


def test_weights_add_up_to_100():
    assert sum(intake.WEIGHTS.values()) == 100


@pytest.mark.parametrize(("drop", "score", "enough"), [
    ("attachment", 95, True), ("tried", 90, True), ("frequency", 90, True), ("serial", 85, False),
    ("purchase_date", 85, False), ("product_model", 85, False), ("symptom", 80, False),
])
def test_each_missing_item_costs_its_weight(drop, score, enough):
    result = intake.completeness({**FULL, drop: None})
    assert (result.score, result.missing, result.enough) == (score, (drop,), enough)


def test_blank_text_a_short_symptom_and_no_photos_count_as_missing():
    result = intake.completeness({**FULL, "symptom": " 坏了 ", "impact": "   ", "attachment": 0})
    assert result.missing == ("symptom", "impact", "attachment")
    assert result.score == 65


def test_an_empty_form_lists_every_question_in_asking_order():
    result = intake.completeness({})
    assert result.score == 0 and result.missing == tuple(intake.WEIGHTS)


TODAY = date(2026, 6, 1)


def test_in_standard_warranty():
    status = warranty_status(date(2026, 3, 10), 12, None, TODAY)
    assert (status.covered, status.basis, status.standard_end, status.days_left) == (
        True, "standard", date(2027, 3, 10), 282)


def test_extended_warranty_covers_after_the_standard_one():
    status = warranty_status(date(2024, 1, 31), 12, date(2026, 12, 31), TODAY)
    assert status.standard_end == date(2025, 1, 31)
    assert (status.covered, status.basis, status.end) == (True, "extended", date(2026, 12, 31))


def test_expired_and_unknown():
    expired = warranty_status(date(2024, 8, 1), 12, date(2026, 1, 1), TODAY)
    assert (expired.covered, expired.basis, expired.days_left) == (False, "expired", None)
    unknown = warranty_status(None, 12, None, TODAY)
    assert (unknown.covered, unknown.basis) == (False, "unknown")


def test_the_last_day_is_still_covered():
    assert warranty_status(date(2025, 6, 1), 12, None, TODAY).covered


def test_part_warranties_are_listed_newest_first_with_their_own_cover():
    status = warranty_status(date(2020, 1, 1), 12, None, TODAY,
                             parts=[("主控板", date(2026, 8, 1)), ("电源", date(2026, 2, 1)), ("无日期", None)])
    assert [(p.name, p.covered) for p in status.parts] == [("主控板", True), ("电源", False)]
    assert not status.covered


NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_a_closing_within_90_days_is_a_repeat_fault():
    closed = [NOW - timedelta(days=200), NOW - timedelta(days=89), NOW - timedelta(days=30), None]
    assert repeat_fault_since(closed, NOW) == NOW - timedelta(days=30)


def test_older_closings_and_naive_datetimes():
    assert repeat_fault_since([NOW - timedelta(days=91)], NOW) is None
    naive = (NOW - timedelta(days=10)).replace(tzinfo=None)
    assert repeat_fault_since([naive], NOW) == NOW - timedelta(days=10)
    assert repeat_fault_since([], NOW) is None


@pytest.mark.parametrize(("channel", "email", "expected"), [
    ("phone", "a@b.cn", ("sms", "13812345678")),
    ("walk_in", None, ("sms", "13812345678")),
    ("account_manager", None, ("sms", "13812345678")),
    ("email", "a@b.cn", ("email", "a@b.cn")),
    ("email", None, ("sms", "13812345678")),
    ("wechat", None, ("wechat", "13812345678")),
    ("portal", "a@b.cn", ("portal", None)),
    ("app", None, ("portal", None)),
])
def test_notice_route_by_channel(channel, email, expected):
    assert intake.notice_route(channel, "13812345678", email) == expected


def test_every_intake_channel_has_a_notice_route():
    from portal import labels
    assert set(labels.CHANNEL) == set(intake.NOTICE_CHANNEL)
