"""Password rules and when a sign-in session ends: pure rules, no app."""
from datetime import UTC, datetime, timedelta

import pytest

from portal.domain import passwords
from portal.domain import sessions as rules

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LIMITS = rules.Limits(lifetime=timedelta(days=7), remember=timedelta(days=30), idle=timedelta(hours=12))


@pytest.mark.parametrize(("password", "email", "problem"), [
    ("short", None, passwords.TOO_SHORT),
    ("x" * 201, None, passwords.TOO_LONG),
    ("wang.lei-2026!", "wang.lei@example.com", passwords.CONTAINS_EMAIL),
    ("My-WANG.LEI-pass", "Wang.Lei@example.com", passwords.CONTAINS_EMAIL),
    ("qwertyuiop", None, passwords.TOO_COMMON),
    ("Woaini1314", None, passwords.TOO_COMMON),
    ("li-hua-2026-ok", "li@example.com", None),  # a two-letter local part is too common a fragment to forbid
    ("correct horse battery", "agent@example.com", None),
])
def test_password_rules(password, email, problem):
    assert passwords.password_problem(password, email) == problem


def test_the_common_list_is_shipped_and_long_enough():
    assert len(passwords.COMMON) > 1000
    assert all(len(p) >= passwords.MIN_LENGTH for p in passwords.COMMON)


def reason(**changes):
    values = dict(ended_at=None, expires_at=NOW + timedelta(days=1), last_seen_at=NOW - timedelta(hours=1),
                  role_at_sign_in="agent", stamp_at_sign_in=rules.credential_stamp("hash-1"), role="agent",
                  password_hash="hash-1", active=True, limits=LIMITS)
    values.update(changes)
    return rules.end_reason(NOW, **values)


def test_a_session_holds_until_something_ends_it():
    assert reason() is None
    assert reason(ended_at=NOW) == rules.ENDED
    assert reason(active=False) == rules.DISABLED
    assert reason(role="supervisor") == rules.ROLE_CHANGED
    assert reason(password_hash="hash-2") == rules.PASSWORD_CHANGED
    assert reason(expires_at=NOW) == rules.EXPIRED


@pytest.mark.parametrize(("role", "idle_hours", "ends"), [
    ("agent", 13, True), ("admin", 12, True), ("backoffice", 11, False), ("supervisor", 13, True),
    ("engineer", 20, False), ("engineer", 24 * 6, False), ("customer", 30, False)])
def test_only_desk_roles_time_out_when_idle(role, idle_hours, ends):
    result = reason(role=role, role_at_sign_in=role, last_seen_at=NOW - timedelta(hours=idle_hours),
                    expires_at=NOW + timedelta(days=2))
    assert (result == rules.IDLE) is ends


def test_remember_me_lasts_longer_but_at_most_the_limit():
    assert rules.expiry(NOW, False, LIMITS) == NOW + timedelta(days=7)
    assert rules.expiry(NOW, True, LIMITS) == NOW + timedelta(days=30)


def test_last_seen_is_written_once_a_minute():
    assert not rules.touch_due(NOW, NOW - timedelta(seconds=59))
    assert rules.touch_due(NOW, NOW - timedelta(seconds=60))


@pytest.mark.parametrize(("agent", "name"), [
    ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36",
     "Chrome · Android"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 "
     "Safari/604.1", "Safari · iPhone"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 Edg/126.0",
     "Edge · Windows"),
    ("Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/116 Mobile MicroMessenger/8.0", "WeChat · Android"),
    (None, "?"),
])
def test_device_names(agent, name):
    assert rules.device_name(agent) == name
