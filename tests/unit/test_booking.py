"""The windows a customer may book: who suits the ticket, working hours, taken slots, the notice for changes."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from portal.domain.booking import free_windows, may_change, suits, works
from portal.domain.dispatch import Candidate

TZ = ZoneInfo("Asia/Shanghai")
SLOTS = (time(9), time(11), time(14), time(16))
TWO_HOURS = timedelta(hours=2)
MONDAY = date(2026, 12, 7)


def test_who_suits_a_ticket():
    trained = Candidate(1, "a", skills=("display",), region="华东")
    assert suits(trained, category="display", region="华东", priority="P3")
    assert not suits(trained, category="appliance", region="华东", priority="P3")  # not trained
    assert not suits(trained, category="display", region="华北", priority="P3")  # another region
    assert suits(Candidate(2, "b", skills=("display",)), category="display", region="华北", priority="P3")
    assert not suits(trained, category="display", region="华东", priority="P2")  # a junior on a P2
    assert suits(Candidate(3, "c", is_senior=True, skills=("display",)), category="display", region=None,
                 priority="P1")


def test_the_whole_window_lies_in_the_working_hours():
    early = Candidate(1, "a", work_days="12345", work_start="08:00", work_end="17:00")
    assert works(early, datetime(2026, 12, 7, 14, tzinfo=TZ), TWO_HOURS)
    assert not works(early, datetime(2026, 12, 7, 16, tzinfo=TZ), TWO_HOURS)  # would end at 18:00
    assert works(early, datetime(2026, 12, 7, 15, tzinfo=TZ), TWO_HOURS)  # ends exactly at 17:00
    assert not works(early, datetime(2026, 12, 12, 9, tzinfo=TZ), TWO_HOURS)  # Saturday
    unset = Candidate(2, "b")  # an office week by default
    assert works(unset, datetime(2026, 12, 7, 16, tzinfo=TZ), TWO_HOURS)
    assert not works(unset, datetime(2026, 12, 13, 9, tzinfo=TZ), TWO_HOURS)  # Sunday


def test_free_windows_leave_out_taken_slots_past_ones_and_days_off():
    a = Candidate(1, "a", work_days="1234567", work_start="09:00", work_end="18:00")
    b = Candidate(2, "b", work_days="1", work_start="09:00", work_end="13:00")
    busy = {(1, datetime(2026, 12, 7, 9, tzinfo=TZ).astimezone(UTC)), (1, datetime(2026, 12, 7, 14, tzinfo=TZ))}
    earliest = datetime(2026, 12, 7, 10, tzinfo=TZ)
    windows = free_windows([a, b], days=[MONDAY, MONDAY + timedelta(days=1)], slots=SLOTS, length=TWO_HOURS,
                           tz=TZ, busy=busy, earliest=earliest)
    got = [(w.start.strftime("%a %H:%M"), w.engineer_ids) for w in windows]
    assert got == [("Mon 11:00", (1, 2)), ("Mon 16:00", (1,)),
                   ("Tue 09:00", (1,)), ("Tue 11:00", (1,)), ("Tue 14:00", (1,)), ("Tue 16:00", (1,))]


def test_no_engineer_no_window():
    assert free_windows([], days=[MONDAY], slots=SLOTS, length=TWO_HOURS, tz=TZ, busy=set(),
                        earliest=datetime(2026, 12, 1, tzinfo=TZ)) == []


def test_a_visit_may_be_moved_up_to_the_notice_before():
    at = datetime(2026, 12, 8, 9, tzinfo=TZ)
    day = timedelta(hours=24)
    assert may_change(at, at - day, day)
    assert not may_change(at, at - day + timedelta(seconds=1), day)
