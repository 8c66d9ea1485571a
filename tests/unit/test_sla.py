"""SLA clocks: business hours across nights, weekends and holidays; pauses; priority changes that keep the
time spent; at-risk at 80 %; the state the queue sorts and filters on."""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from portal.domain.sla import Calendar, Change, Policy, read

SH = ZoneInfo("Asia/Shanghai")
OFFICE = Calendar(SH, around_the_clock=False, holidays=frozenset({date(2026, 10, 1)}))
ALWAYS = Calendar(SH)
POLICIES = {
    "P1": Policy("P1", 15, 12 * 60, 24 * 60, ALWAYS),
    "P2": Policy("P2", 4 * 60, 12 * 60, 72 * 60, OFFICE),
    "P3": Policy("P3", 8 * 60, 24 * 60, 5 * 24 * 60, OFFICE),
    "P4": Policy("P4", 24 * 60, 24 * 60, 10 * 24 * 60, OFFICE),
}


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), SH)


MON, TUE, FRI, SAT = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 27), date(2026, 11, 28)


def test_office_hours_carry_over_the_night():
    # P2 registered Monday 16:00: 2 h left on Monday, the other 2 h on Tuesday from 09:00.
    reading = read([Change(at(MON, 16), "start", "P2")], POLICIES, at(MON, 17))
    assert reading.response.due_at == at(TUE, 11)
    assert reading.state == "ok"


def test_weekends_and_holidays_do_not_count():
    reading = read([Change(at(FRI, 17), "start", "P2")], POLICIES, at(FRI, 17, 30))
    assert reading.response.due_at == at(date(2026, 11, 30), 12)  # Friday 1 h, Monday 3 h
    holiday = read([Change(at(date(2026, 9, 30), 17), "start", "P2")], POLICIES, at(date(2026, 9, 30), 17))
    assert holiday.response.due_at == at(date(2026, 10, 2), 12)  # 1 October is a holiday


def test_p1_runs_around_the_clock():
    reading = read([Change(at(SAT, 23, 50), "start", "P1")], POLICIES, at(SAT, 23, 55))
    assert reading.response.due_at == at(date(2026, 11, 29), 0, 5)


def test_a_pause_stops_the_clock_and_the_resume_moves_the_due_time():
    changes = [Change(at(MON, 9), "start", "P2"), Change(at(MON, 10), "pause"), Change(at(TUE, 10), "resume")]
    paused = read(changes[:2], POLICIES, at(MON, 15))
    assert paused.paused and paused.state == "paused" and paused.response.due_at is None
    assert paused.response.elapsed == 3600
    resumed = read(changes, POLICIES, at(TUE, 10))
    assert resumed.response.due_at == at(TUE, 13)  # 1 h spent Monday, 3 h left from Tuesday 10:00


def test_a_priority_change_keeps_the_time_spent():
    changes = [Change(at(MON, 9), "start", "P3"), Change(at(MON, 12), "priority", "P2")]
    reading = read(changes, POLICIES, at(MON, 12))
    # 3 h spent under P3; P2 allows 4 h: 1 h left.
    assert reading.response.elapsed == 3 * 3600 and reading.response.due_at == at(MON, 13)
    assert [kind for _, kind, _ in reading.steps] == ["start", "priority"]


def test_at_risk_at_80_percent_and_breached_after():
    start = [Change(at(MON, 9), "start", "P2")]
    assert read(start, POLICIES, at(MON, 12)).state == "ok"
    assert read(start, POLICIES, at(MON, 12, 15)).state == "at_risk"
    late = read(start, POLICIES, at(MON, 13, 30))
    assert late.state == "breached" and late.response.due_at == at(MON, 13)


def test_a_response_in_time_stops_the_response_clock():
    changes = [Change(at(MON, 9), "start", "P2"), Change(at(MON, 10), "responded")]
    reading = read(changes, POLICIES, at(TUE, 17))
    assert reading.response.met is True and reading.response.due_at is None
    assert reading.state != "breached" or reading.update.breached


def test_a_late_response_stays_breached():
    changes = [Change(at(MON, 9), "start", "P2"), Change(at(MON, 15), "responded")]
    reading = read(changes, POLICIES, at(MON, 16))
    assert reading.response.met is False and reading.state == "breached"


def test_a_customer_update_restarts_the_update_clock():
    changes = [Change(at(MON, 9), "start", "P1"), Change(at(MON, 9, 5), "responded"),
               Change(at(MON, 20), "updated")]
    reading = read(changes, POLICIES, at(MON, 21))
    assert reading.update.due_at == at(TUE, 8)


def test_closing_stops_every_clock_and_reads_met():
    changes = [Change(at(MON, 9), "start", "P3"), Change(at(MON, 10), "responded"),
               Change(at(MON, 16), "resolved"), Change(at(MON, 17), "stopped")]
    reading = read(changes, POLICIES, at(FRI, 9))
    assert reading.state == "met" and reading.next_check_at is None


def test_the_next_check_is_the_next_moment_the_state_can_change():
    reading = read([Change(at(MON, 9), "start", "P2")], POLICIES, at(MON, 10))
    assert reading.next_check_at == at(MON, 12, 12)  # 80 % of 4 h
