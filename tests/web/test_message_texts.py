"""Admin-written message texts per kind and language: placeholders checked on saving, a preview with sample values
and the text-message length, used for the next message, an empty text brings the built-in one back; all in the
security log."""
import pytest

from portal.extensions import db
from portal.models import MessageText, Notification, SecurityEvent, Ticket
from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}
URL = "/desk/admin/message-texts"


def test_the_admin_lists_kinds_and_previews_a_text(app, login_as):
    admin = login_as("admin")
    listing = admin.get(URL, headers=EN).get_data(as_text=True)
    assert f'href="{URL}/engineer_assigned"' in listing and "{engineer}" in listing
    page = admin.get(f"{URL}/engineer_assigned", headers=EN).get_data(as_text=True)
    assert "built-in text" in page and "SR202611300001" in page  # the built-in text with sample values
    preview = admin.post_form(f"{URL}/engineer_assigned",
                              {"locale": "zh_CN", "action": "preview",
                               "body": "【售后】{engineer}工程师负责您的工单{number}"}, headers=EN)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    assert "【售后】王强工程师负责您的工单SR202611300001" in html and "text message(s)" in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(MessageText)) == 0  # nothing saved


def test_an_unknown_placeholder_is_refused_when_saving(app, login_as):
    admin = login_as("admin")
    body = "{number} {customer.password}"
    refused = admin.post_form(f"{URL}/ticket_closed", {"locale": "zh_CN", "action": "save", "body": body},
                              headers=EN)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Unknown placeholders: {customer.password}" in html and "{number}" in html
    assert "{number} {customer.password}</textarea>" in html  # what was typed stays
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(MessageText)) == 0


def test_a_saved_text_is_used_for_the_next_message_and_can_be_reverted(app, login_as):
    admin = login_as("admin")
    saved = admin.post_form(f"{URL}/engineer_assigned",
                            {"locale": "zh_CN", "action": "save",
                             "body": "【售后】{engineer}负责{number}，请保持电话畅通"})
    assert saved.status_code == 302
    ticket_id = make_ticket(app, status="assigned")
    with app.app_context():
        number = db.session.get(Ticket, ticket_id).number
        notice = db.session.scalar(db.select(Notification).where(Notification.kind == "engineer_assigned"))
        assert notice.body.startswith("【售后】") and number in notice.body and "{" not in notice.body
        event = db.session.scalar(db.select(SecurityEvent).where(SecurityEvent.kind == "message_text_changed"))
        assert event.detail["kind"] == "engineer_assigned" and event.detail["locale"] == "zh_CN"
    assert admin.post_form(f"{URL}/engineer_assigned",
                           {"locale": "zh_CN", "action": "save", "body": ""}).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(MessageText)) == 0


@pytest.mark.parametrize("role", ["supervisor", "agent", "engineer", "customer"])
def test_message_texts_are_for_admins(app, login_as, role):
    web = login_as(role)
    assert web.get(URL).status_code == 403
    assert web.post_form(f"{URL}/ticket_closed", {"locale": "en", "action": "save", "body": "x"}).status_code == 403


def test_unknown_kind_or_language_is_404(app, login_as):
    admin = login_as("admin")
    assert admin.get(f"{URL}/no_such_kind").status_code == 404
    assert admin.post_form(f"{URL}/ticket_closed", {"locale": "fr", "action": "save", "body": "x"}).status_code == 404
