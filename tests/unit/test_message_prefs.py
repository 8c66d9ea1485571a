"""Quiet hours and the customer's channel choices."""
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from portal.domain.message_prefs import Preference, held_until, in_quiet, parse_hours

TZ = ZoneInfo("Asia/Shanghai")
NIGHT = (time(22), time(8))


def at(hour, minute=0, day=1):
    return datetime(2026, 12, day, hour, minute, tzinfo=TZ)


@pytest.mark.parametrize(("moment", "quiet"), [(time(22), True), (time(23, 59), True), (time(0), True),
                                               (time(7, 59), True), (time(8), False), (time(21, 59), False),
                                               (time(12), False)])
def test_quiet_hours_over_midnight(moment, quiet):
    assert in_quiet(moment, NIGHT) is quiet


def test_a_daytime_window_and_none():
    assert in_quiet(time(13), (time(12), time(14))) and not in_quiet(time(14), (time(12), time(14)))
    assert not in_quiet(time(23), None) and not in_quiet(time(23), (time(8), time(8)))


def test_held_until_the_end_of_quiet_hours_except_what_cannot_wait():
    assert held_until(at(23, 30), NIGHT, kind="visit_booked", priority="P3", safety=False) == at(8, day=2)
    assert held_until(at(3), NIGHT, kind="visit_booked", priority="P3", safety=False) == at(8)
    assert held_until(at(9), NIGHT, kind="visit_booked", priority="P3", safety=False) is None
    assert held_until(at(23), NIGHT, kind="visit_booked", priority="P1", safety=False) is None
    assert held_until(at(23), NIGHT, kind="visit_booked", priority="P2", safety=True) is None
    assert held_until(at(23), NIGHT, kind="engineer_on_the_way", priority="P4", safety=False) is None


def test_parse_hours():
    assert parse_hours("22:00-08:00") == NIGHT and parse_hours(" 21:30 - 07:00 ") == (time(21, 30), time(7))
    assert parse_hours("") is None and parse_hours("never") is None and parse_hours(None) is None


def test_channel_choices_and_opting_out():
    pref = Preference(channels={"visit_booked": "email", "progress_update": "inbox"})
    assert pref.channel_for("visit_booked", "sms") == "email"
    assert pref.channel_for("progress_update", "sms") is None
    assert pref.channel_for("ticket_closed", "sms") == "sms"
    assert Preference(opted_out=True).channel_for("ticket_closed", "sms") is None
