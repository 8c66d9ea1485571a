"""Ranking engineers for a ticket: eligibility, skill, workload and region, in that order."""
from portal.domain.dispatch import Candidate, best, needs_senior, rank


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
