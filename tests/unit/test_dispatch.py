"""Ranking engineers for a ticket: eligibility, skill, working hours, workload and region, in that order."""
from datetime import datetime

import pytest

from portal.domain.dispatch import Candidate, best, needs_senior, on_duty, rank


def names(suggestions):
    return [s.engineer.name for s in suggestions]


def test_skill_beats_workload_and_workload_beats_region():
    engineers = [
        Candidate(1, "near-idle-untrained", skills=("appliance",), region="华东", open_jobs=0),
        Candidate(2, "trained-busy", skills=("display",), region="华北", open_jobs=3),
        Candidate(3, "trained-light-far", skills=("display",), region="华北", open_jobs=1),
        Candidate(4, "trained-light-near", skills=("display", "equipment"), region="华东", open_jobs=1),
    ]
    ranked = rank(engineers, category="display", region="华东", priority="P3")
    assert names(ranked) == ["trained-light-near", "trained-light-far", "trained-busy", "near-idle-untrained"]
    top = ranked[0]
    assert top.knows and top.same_region and top.open_jobs == 1 and top.eligible
    assert not ranked[-1].knows and ranked[-1].same_region


def test_juniors_are_listed_last_and_not_eligible_for_p1_p2():
    engineers = [Candidate(1, "junior", skills=("display",), region="华东"),
                 Candidate(2, "senior", is_senior=True, open_jobs=5)]
    for priority in ("P1", "P2"):
        ranked = rank(engineers, category="display", region="华东", priority=priority)
        assert names(ranked) == ["senior", "junior"]
        assert not ranked[1].eligible
        assert best(ranked).engineer.name == "senior"
    ranked = rank(engineers, category="display", region="华东", priority="P3")
    assert names(ranked) == ["junior", "senior"] and all(s.eligible for s in ranked)


def test_no_category_or_region_ranks_on_workload_then_name():
    engineers = [Candidate(1, "b", open_jobs=2), Candidate(2, "a", open_jobs=2), Candidate(3, "c", open_jobs=0,
                                                                                         skills=None)]
    ranked = rank(engineers, category=None, region=None, priority=None)
    assert names(ranked) == ["c", "a", "b"]
    assert not any(s.knows or s.same_region for s in ranked)


def test_best_is_none_when_nobody_is_eligible():
    assert best(rank([Candidate(1, "junior")], category="display", region=None, priority="P1")) is None
    assert best([]) is None
    assert needs_senior("P2") and not needs_senior("P3") and not needs_senior(None)


# ---- Working hours (issue 13) ----------------------------------------------------------------------------
MONDAY_10 = datetime(2026, 11, 30, 10, 0)  # a Monday
SATURDAY_10 = datetime(2026, 12, 5, 10, 0)


@pytest.mark.parametrize(("days", "start", "end", "at", "expected"), [
    ("12345", "09:00", "18:00", MONDAY_10, True),
    ("12345", "09:00", "18:00", SATURDAY_10, False),
    ("12345", "09:00", "18:00", datetime(2026, 11, 30, 18, 0), False),
    ("12345", "09:00", "18:00", datetime(2026, 11, 30, 8, 59), False),
    ("67", "09:00", "18:00", SATURDAY_10, True),
    (None, "09:00", "18:00", SATURDAY_10, True),  # hours without days: every day
    ("12345", None, None, MONDAY_10, True),  # days without hours: all day
    ("12345", "22:00", "06:00", datetime(2026, 11, 30, 23, 0), True),  # a night shift from Monday
    ("12345", "22:00", "06:00", datetime(2026, 12, 1, 5, 0), True),  # ... into Tuesday morning
    ("12345", "22:00", "06:00", datetime(2026, 11, 30, 5, 0), False),  # Sunday night is not worked
    (None, None, None, MONDAY_10, None),  # not set
])
def test_on_duty(days, start, end, at, expected):
    assert on_duty(Candidate(1, "e", work_days=days, work_start=start, work_end=end), at) == expected


def test_who_is_at_work_now_comes_before_a_lighter_workload_but_after_skill():
    engineers = [
        Candidate(1, "off-duty-idle", skills=("display",), open_jobs=0, work_days="67", work_start="09:00",
                  work_end="18:00"),
        Candidate(2, "on-duty-busy", skills=("display",), open_jobs=3, work_days="12345", work_start="09:00",
                  work_end="18:00"),
        Candidate(3, "hours-unknown", skills=("display",), open_jobs=2),
        Candidate(4, "untrained-on-duty", open_jobs=0, work_days="12345", work_start="09:00", work_end="18:00"),
    ]
    ranked = rank(engineers, category="display", region=None, priority="P3", at=MONDAY_10)
    assert names(ranked) == ["hours-unknown", "on-duty-busy", "off-duty-idle", "untrained-on-duty"]
    assert [s.on_duty for s in ranked] == [None, True, False, True]
    # Without a moment the hours play no part.
    assert names(rank(engineers, category="display", region=None, priority="P3"))[0] == "off-duty-idle"


def test_the_city_of_an_address_or_a_service_point():
    from portal.domain.dispatch import city_of
    assert city_of("江苏省苏州市工业园区星湖街 328 号") == "苏州"
    assert city_of("苏州工业园区金鸡湖大道 99 号") == "苏州"
    assert city_of("北京市朝阳区酒仙桥路 10 号") == "北京"
    assert city_of("广西壮族自治区南宁市青秀区") == "南宁"
    assert city_of("Room 5, 88 Nanjing Road") is None and city_of(None) is None and city_of("") is None


def test_an_engineer_based_in_the_city_of_the_address_comes_before_a_lighter_load():
    from portal.domain.dispatch import rank
    near = Candidate(1, "near-busy", skills=("display",), open_jobs=3, home_city="苏州")
    far = Candidate(2, "far-idle", skills=("display",), open_jobs=0, home_city="北京")
    unknown = Candidate(3, "no-home", skills=("display",), open_jobs=1)
    ranked = rank([far, unknown, near], category="display", region=None, priority="P3",
                  address="江苏省苏州市吴中区")
    # Based elsewhere goes last; unknown home points are not held against anyone.
    assert [s.engineer.name for s in ranked] == ["no-home", "near-busy", "far-idle"]
    assert [s.near for s in ranked if s.engineer.id == 1] == [True]
    # No address: the home point does not count.
    assert [s.engineer.name for s in rank([near, far], category="display", region=None, priority="P3")] == \
        ["far-idle", "near-busy"]


def test_a_slot_outside_the_working_hours():
    from datetime import date, time

    from portal.domain.dispatch import works_at
    weekdays = Candidate(1, "e", work_days="12345", work_start="09:00", work_end="15:00")
    monday, saturday = date(2026, 11, 30), date(2026, 12, 5)
    assert works_at(weekdays, monday, time(9)) and works_at(weekdays, monday, time(14))
    assert not works_at(weekdays, monday, time(16)) and not works_at(weekdays, saturday, time(9))
    assert works_at(Candidate(2, "unset"), saturday, time(16))
