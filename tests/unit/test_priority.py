"""Suggested priority (seed 000): safety forces P1, core function down P1, impaired or several complaints P2,
minor or how-to P3, a suggestion P4; VIP one level up, never above P1."""
import pytest

from portal.domain.priority import may_set, raise_one, suggest


@pytest.mark.parametrize("text", ["插座处漏电,手碰到有麻感", "机器冒烟并有焦味", "The unit gave an electric shock",
                                  "smoke from the back", "电源板起火"])
def test_safety_words_force_p1(text):
    result = suggest(text)
    assert result.priority == "P1" and result.safety and result.reasons == ("safety",)


def test_a_safety_flag_forces_p1_even_without_words():
    assert suggest("外壳变形", safety_flag=True).safety


def test_words_are_matched_whole_in_english():
    assert not suggest("the fireplace remote needs a battery").safety  # "fire" inside a word


def test_core_function_down_is_p1_without_safety():
    result = suggest("整条线停产,设备无法开机")
    assert result.priority == "P1" and not result.safety and result.reasons == ("core_down",)


def test_impaired_or_several_complaints_is_p2():
    assert suggest("频繁报错,主要功能受影响").priority == "P2"
    assert suggest("屏幕有一道细线", complaints=3).reasons == ("several_complaints",)


def test_minor_and_how_to_are_p3_and_suggestions_p4():
    assert suggest("请问如何设置定时洗涤").priority == "P3"
    assert suggest("偶尔有轻微异响").priority == "P3"
    assert suggest("建议增加夜间静音模式").priority == "P4"


def test_vip_is_raised_one_level_never_above_p1():
    assert suggest("偶尔有轻微异响", vip=True).priority == "P2"
    assert suggest("建议增加夜间静音模式", vip=True).reasons == ("suggestion", "vip")
    assert suggest("设备无法开机", vip=True).priority == "P1"
    assert raise_one("P1") == "P1"


def test_a_safety_p1_can_never_be_lowered():
    assert not may_set("P1", True, "P2")
    assert may_set("P1", True, "P1")
    assert may_set("P1", False, "P3")
