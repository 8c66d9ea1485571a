"""Every service figure on small hand-made tickets whose right answer is worked out by hand."""
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.domain import histograms, metrics, quality
from portal.domain.histograms import bucket_bounds, bucket_of, histogram_percentile, spread_from_histogram
from portal.domain.metrics import (
    TicketFacts,
    backlog_ageing,
    compliance,
    compliance_by,
    counted,
    counts,
    percentile,
    resolution_times,
    response_times,
    volume,
)
from portal.domain.quality import csat, first_time_fix, reopen_rate, repeat_faults, summary

T0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
HOUR = 3600.0


def fact(id_, status="closed", days=0, **kw):
    return TicketFacts(id=id_, created_at=T0 + timedelta(days=days), status=status, **kw)


def test_percentile_is_nearest_rank():
    assert percentile([], 0.9) is None
    assert percentile([5], 0.9) == 5
    assert percentile(list(range(1, 11)), 0.9) == 9  # ceil(0.9 * 10) = 9th value
    assert percentile(list(range(1, 21)), 0.9) == 18
    assert percentile([3, 1, 2], 0.5) == 2


def test_cancelled_merged_and_campaign_tickets_are_left_out_unless_chosen():
    facts = [fact(1), fact(2, status="cancelled"), fact(3, merged=True), fact(4, campaign=True)]
    assert [f.id for f in counted(facts)] == [1]
    assert len(counted(facts, include_excluded=True)) == 4


def test_volume_counts_created_closed_and_backlog_per_day():
    facts = [
        fact(1, closed_at=T0 + timedelta(days=1)),           # created day 0, closed day 1
        fact(2, status="in_progress", days=0),               # open throughout
        fact(3, status="new", days=1),                       # created day 1
        fact(4, days=2, closed_at=T0 + timedelta(days=2)),   # same-day close
    ]
    rows = volume(facts, date(2026, 11, 2), date(2026, 11, 4))
    assert [(r.created, r.closed, r.backlog) for r in rows] == [(2, 0, 2), (1, 1, 2), (1, 1, 2)]
    monthly = volume(facts, date(2026, 11, 1), date(2026, 11, 30), unit="month")
    assert [(r.period, r.created, r.closed, r.backlog) for r in monthly] == [(date(2026, 11, 1), 4, 2, 2)]


def test_counts_by_a_dimension_most_first():
    facts = [fact(1, model="A"), fact(2, model="B"), fact(3, model="B"), fact(4, model=None)]
    assert counts(facts, "model") == [("B", 2), ("A", 1), (None, 1)]


def test_response_and_resolution_average_and_p90_per_priority_against_target():
    facts = [fact(i, priority="P2", response_seconds=i * HOUR, resolution_seconds=10 * i * HOUR) for i in range(1, 11)]
    facts.append(fact(99, priority="P1", response_seconds=600.0))
    facts.append(fact(100, priority="P1", status="new"))  # not responded yet: not in the figures
    response = response_times(facts, {"P1": 900.0, "P2": 4 * HOUR})
    assert response["P2"].count == 10 and response["P2"].average == 5.5 * HOUR and response["P2"].p90 == 9 * HOUR
    assert response["P2"].within_target is False
    assert response["P1"].count == 1 and response["P1"].average == 600 and response["P1"].within_target is True
    resolution = resolution_times(facts)
    assert resolution["P2"].average == 55 * HOUR and resolution["P2"].p90 == 90 * HOUR
    assert resolution["P1"].count == 0 and resolution["P1"].average is None


def test_sla_compliance_counts_decided_tickets_per_priority_and_department():
    facts = [
        fact(1, priority="P1", department="技术支持部", response_met=True, resolution_met=True),
        fact(2, priority="P1", department="技术支持部", response_met=False, resolution_met=None),  # breached
        fact(3, priority="P2", department="维修服务部", response_met=True, resolution_met=True),
        fact(4, priority="P2", department="维修服务部", response_met=True, resolution_met=None),  # undecided
        fact(5, priority="P2", department="技术支持部", response_met=True, resolution_met=False),
    ]
    total = compliance(facts)
    assert (total.decided, total.met, total.rate) == (4, 2, 0.5)
    by_priority = compliance_by(facts, "priority")
    assert (by_priority["P1"].met, by_priority["P1"].decided) == (1, 2)
    assert (by_priority["P2"].met, by_priority["P2"].decided) == (1, 2)
    by_department = compliance_by(facts, "department")
    assert by_department["维修服务部"].rate == 1.0 and by_department["技术支持部"].rate == pytest.approx(1 / 3)


def test_backlog_ageing_buckets_only_open_tickets():
    now = T0 + timedelta(days=40)
    facts = [fact(1, status="new", days=40), fact(2, status="assigned", days=38), fact(3, status="resolved", days=35),
             fact(4, status="waiting_parts", days=0), fact(5, status="closed", days=0),
             fact(6, status="cancelled", days=0)]
    assert dict(backlog_ageing(facts, now)) == {"0-1": 1, "1-3": 1, "3-7": 1, "7-14": 0, "14-30": 0, "30+": 1}


def test_first_time_fix_per_mode():
    later = timedelta(days=30)
    facts = [
        fact(1, mode="onsite", visits=1),                    # fixed
        fact(2, mode="onsite", visits=2),                    # second visit
        fact(3, mode="onsite", visits=1, reopens=1),         # reopened
        fact(4, mode="remote"),                              # fixed
        fact(5, mode="remote", escalated=True),              # escalated
        fact(6, mode="depot", serial="SN-1", closed_at=T0 + timedelta(days=5)),  # back within 90 days
        TicketFacts(id=7, created_at=T0 + later, status="new", mode="depot", serial="SN-1"),
        fact(8, mode="depot", serial="SN-2", closed_at=T0 + timedelta(days=5)),  # fixed
        fact(9, mode="onsite", status="in_progress", visits=1),  # not finished: not counted
    ]
    result = first_time_fix(facts)
    assert result["onsite"] == (1, 3, pytest.approx(1 / 3))
    assert result["remote"] == (1, 2, 0.5)
    assert result["depot"] == (1, 2, 0.5)


def test_reopen_rate_among_resolved_tickets():
    facts = [fact(1), fact(2, reopens=1), fact(3, status="resolved"), fact(4, status="in_progress", reopens=1),
             fact(5, status="new")]
    assert reopen_rate(facts) == (2, 4, 0.5)


def test_repeat_fault_is_the_same_serial_within_90_days():
    facts = [fact(1, serial="A", days=0), fact(2, serial="A", days=89), fact(3, serial="A", days=200),
             fact(4, serial="B", days=0), fact(5, serial=None, days=1)]
    # 2 repeats ticket 1 (89 days); 3 comes 111 days after 2: not a repeat.
    assert repeat_faults(facts) == (1, 4, 0.25)


def test_csat_counts_four_and_five_or_satisfied_among_answers():
    result = csat([5, 4, 3, 1, None, "满意", "一般", "不满意", ""])
    assert (result.answers, result.satisfied) == (7, 3)
    assert result.rate == pytest.approx(3 / 7)
    assert csat([]).rate is None


def test_summary_leaves_out_cancelled_tickets():
    facts = [fact(1, priority="P2", response_seconds=HOUR, response_met=True, resolution_met=True, rating=5,
                  mode="remote"),
             fact(2, status="in_progress", priority="P2", response_seconds=3 * HOUR, response_met=True),
             fact(3, status="cancelled", response_seconds=100 * HOUR, response_met=False)]
    result = summary(facts)
    assert (result.created, result.closed, result.open) == (2, 1, 1)
    assert result.response.average == 2 * HOUR
    assert result.compliance.rate == 1.0 and result.first_time_fix == 1.0 and result.csat.rate == 1.0


def test_histogram_p90_lies_in_the_bucket_of_the_true_p90():
    values = [60, 240, 700, 1800, 1900, 3000, 7000, 9000, 20000, 200000]
    counts = [0] * histograms.BUCKETS
    for v in values:
        counts[bucket_of(v)] += 1
    true = metrics.percentile(values, 0.9)
    lower, upper = bucket_bounds(bucket_of(true))
    got = histogram_percentile(counts, 0.9, max(values))
    assert lower <= got <= upper and got >= true
    s = spread_from_histogram(len(values), sum(values), counts, max(values))
    assert s.average == sum(values) / len(values) and s.count == 10
    # The open last bucket reports the largest value, never infinity.
    assert histogram_percentile([0] * (histograms.BUCKETS - 1) + [3], 0.9, 5_000_000) == 5_000_000
    assert histogram_percentile([0] * histograms.BUCKETS, 0.9) is None


def test_serial_flags_mark_repeats_and_units_that_came_back():
    flags = quality.serial_flags([(1, T0, T0 + timedelta(days=2)), (2, T0 + timedelta(days=50), None),
                                  (3, T0 + timedelta(days=200), None)])
    assert flags == {1: (False, True), 2: (True, False), 3: (False, False)}


def test_volume_from_daily_sums_equals_volume_from_tickets():
    start = T0.date()
    facts = [TicketFacts(id=1, created_at=T0 - timedelta(days=3), status="closed", closed_at=T0 + timedelta(days=1)),
             TicketFacts(id=2, created_at=T0, status="new"),
             TicketFacts(id=3, created_at=T0 + timedelta(days=1), status="closed", closed_at=T0 + timedelta(days=2)),
             TicketFacts(id=4, created_at=T0 + timedelta(days=2), status="in_progress")]
    days: dict = {}
    for f in facts:
        c = days.setdefault(f.created_at.date(), [0, 0, 0, 0])
        c[0] += 1
        c[2] += 1
        if f.closed_at:
            k = days.setdefault(f.closed_at.date(), [0, 0, 0, 0])
            k[1] += 1
            k[3] += 1
    end = start + timedelta(days=3)
    expected = metrics.volume(facts, start, end, "day")
    assert metrics.volume_from_days({d: tuple(v) for d, v in days.items()}, start, end, "day", 2) == expected
