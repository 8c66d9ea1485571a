"""The satisfaction call-back's steps (seeds 001/004): invitation at once, one reminder, then the desk's call-back,
all within 24 h of the fix."""
from datetime import UTC, datetime, timedelta

import pytest

from portal.domain.callback import CALLBACK_AFTER, REMIND_AFTER, WITHIN, callback_due_by, next_step

CLOSED = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def step(after, **kw):
    state = {"answered": False, "invited": True, "reminded": False, "callback": False, **kw}
    return next_step(CLOSED, CLOSED + after, **state)


@pytest.mark.parametrize(("after", "state", "expected"), [
    (timedelta(0), {"invited": False}, "invite"),
    (timedelta(minutes=5), {}, None),
    (REMIND_AFTER - timedelta(seconds=1), {}, None),
    (REMIND_AFTER, {}, "remind"),
    (REMIND_AFTER, {"reminded": True}, None),
    (CALLBACK_AFTER - timedelta(seconds=1), {"reminded": True}, None),
    (CALLBACK_AFTER, {"reminded": True}, "callback"),
    (CALLBACK_AFTER, {}, "callback"),  # the reminder is not needed any more: the desk calls
    (CALLBACK_AFTER, {"callback": True}, None),
    (REMIND_AFTER, {"answered": True}, None),
    (WITHIN, {"invited": False}, None),  # too late to promise anything: nobody is bothered
    (-timedelta(minutes=1), {"invited": False}, None),
])
def test_next_step(after, state, expected):
    assert step(after, **state) == expected


def test_the_call_back_comes_before_the_24_hours_are_over():
    assert CALLBACK_AFTER < WITHIN and REMIND_AFTER < CALLBACK_AFTER
    assert callback_due_by(CLOSED) == CLOSED + timedelta(hours=24)
