"""Tier rules: the shorter response target, the upgrade proposal, the check-in dates."""
from datetime import date

from portal.domain import priority
from portal.domain import tiers as rules

TIERS = [rules.TierRule("standard", 0), rules.TierRule("silver", 1, 3), rules.TierRule("gold", 2, 6),
         rules.TierRule("vip", 3, 12)]


def test_the_shorter_target_applies_and_nothing_lengthens_it():
    assert rules.response_target(480, 240) == 240
    assert rules.response_target(15, 120) == 15  # P1 stays immediate
    assert rules.response_target(480, None, 0) == 480
    assert rules.response_target(480, 240, 60) == 60  # tier and contract: the shorter


def test_upgrades_are_proposed_up_to_the_highest_tier_reached():
    assert rules.upgrade_proposal("standard", 2, TIERS) is None
    assert rules.upgrade_proposal("standard", 3, TIERS) == "silver"
    assert rules.upgrade_proposal("standard", 7, TIERS) == "gold"
    assert rules.upgrade_proposal("gold", 7, TIERS) is None  # never sideways or down
    assert rules.upgrade_proposal("vip", 50, TIERS) is None
    assert rules.upgrade_proposal("unknown", 50, TIERS) is None
    retired = [*TIERS[:2], rules.TierRule("gold", 2, 6, active=False), TIERS[3]]
    assert rules.upgrade_proposal("standard", 7, retired) == "silver"


def test_check_ins_fall_due_after_the_interval_from_the_last_call():
    today = date(2026, 11, 30)
    assert rules.checkin_due_on(None, None, 30, today) == today
    assert rules.checkin_due_on(date(2026, 10, 1), None, 30, today) == date(2026, 10, 31)
    assert rules.checkin_due_on(date(2026, 10, 1), date(2026, 11, 20), 30, today) == date(2026, 12, 20)
    assert rules.checkin_due_on(None, None, None, today) is None


def test_a_tier_raises_the_priority_but_a_safety_p1_stays():
    assert priority.suggest("偶尔有轻微异响", boost=2).priority == "P1"
    assert priority.suggest("偶尔有轻微异响", boost=1).reasons == ("minor", "tier")
    assert priority.suggest("设备漏电", boost=3).reasons == ("safety",)
    assert priority.suggest("偶尔有轻微异响").priority == "P3"
