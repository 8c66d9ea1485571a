"""Admin-written message texts: only the kind's placeholders, substituted as plain text."""
from portal.domain.message_texts import SAMPLE, VARIABLES, problems, render, sms_segments


def test_known_placeholders_pass_and_unknown_ones_are_named():
    assert problems("visit_booked", "您的工单 {number} 已预约 {at}，工程师 {engineer}") == []
    assert problems("visit_booked", "{number} {link}") == ["link"]
    assert problems("ticket_closed", "{number.__class__}") == ["number.__class__"]
    assert problems("ticket_closed", "{number!r} {number:>10}") == ["number!r", "number:>10"]
    assert problems("ticket_closed", "坏的 { 括号") == ["{"] and problems("ticket_closed", "}{number}") == ["{"]


def test_render_substitutes_plain_text_only():
    assert render("工单 {number}：{text}", {"number": "SR1", "text": "{number} 不会再被替换"}) == \
        "工单 SR1：{number} 不会再被替换"


def test_every_kind_has_sample_values_and_sms_length():
    assert all(set(names) <= set(SAMPLE) for names in VARIABLES.values())
    assert sms_segments("字" * 70) == 1 and sms_segments("字" * 71) == 2 and sms_segments("") == 1
