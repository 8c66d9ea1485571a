"""The customer's actions on their ticket and the desk's side: questions, quotes, signing-link requests,
escalations, the survey, follow-up tasks; isolation between companies and CSRF."""
import hashlib
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import FollowUpTask, Notification, Quote, Survey, Ticket, TicketEvent
from tests.conftest import WebClient, user_id
from tests.web.factories import make_other_customer_login, make_ticket
from tests.web.pages import whole_page

EN = {"Accept-Language": "en"}
HASH_RE = re.compile(r'name="content_sha256" value="([0-9a-f]{64})"')


def _events(app, ticket_id, kind):
    with app.app_context():
        return db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                               TicketEvent.kind == kind)).all()


def _question(app, desk, ticket_id, text="请问设备放在几楼?"):
    response = desk.post_form(f"/desk/tickets/{ticket_id}/ask-customer", {"question": text})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return _events(app, ticket_id, "question_to_customer")[-1].id


def _quote(app, desk, ticket_id, rows=(("主控板", "1", "850.00"), ("人工费", "1.5", "120"))):
    data = {"note": "保修期外,需付费"}
    for i, (d, q, p) in enumerate(rows):
        data.update({f"item-{i}-description": d, f"item-{i}-quantity": q, f"item-{i}-unit_price": p})
    response = desk.post_form(f"/desk/tickets/{ticket_id}/quotes", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with app.app_context():
        return db.session.scalars(db.select(Quote).where(Quote.ticket_id == ticket_id).order_by(Quote.id)).all()[-1].id


def _shown_hash(customer, ticket_id):
    page = customer.get(f"/my/tickets/{ticket_id}").get_data(as_text=True)
    return HASH_RE.search(page).group(1)


@pytest.fixture
def other(app):
    web = WebClient(app.test_client())
    web.login(*make_other_customer_login(app))
    return web


def test_question_and_answer(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    desk, customer = login_as("agent"), login_as("customer")
    question_id = _question(app, desk, ticket_id)
    page = customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert "请问设备放在几楼?" in page and "Send my answer" in page

    empty = customer.post_form(f"/my/tickets/{ticket_id}/answer", {"question_id": question_id, "answer": " "})
    assert empty.status_code == 422
    ok = customer.post_form(f"/my/tickets/{ticket_id}/answer", {"question_id": question_id, "answer": "三楼机房"})
    assert ok.status_code == 302
    answers = _events(app, ticket_id, "customer_answered")
    assert len(answers) == 1 and answers[0].customer_visible and answers[0].body == "三楼机房"
    assert answers[0].data == {"question_id": question_id}
    again = customer.post_form(f"/my/tickets/{ticket_id}/answer", {"question_id": question_id, "answer": "再答"})
    assert again.status_code == 409
    assert "三楼机房" in whole_page(desk, f"/desk/tickets/{ticket_id}")
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).status == "in_progress"


def test_quote_amount_is_computed_and_approval_is_recorded_like_a_signature(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    desk, customer = login_as("agent"), login_as("customer")
    quote_id = _quote(app, desk, ticket_id)
    with app.app_context():
        quote = db.session.get(Quote, quote_id)
        assert quote.amount == Decimal("1030.00") and quote.currency == "CNY" and quote.status == "pending"
    page = customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert "1030.00 CNY" in page and "主控板" in page
    shown = _shown_hash(customer, ticket_id)
    with app.app_context():
        content = {"ticket": db.session.get(Ticket, ticket_id).number, "quote": quote_id, "amount": "1030.00",
                   "currency": "CNY", "note": "保修期外,需付费",
                   "items": [{"description": "主控板", "quantity": "1", "unit_price": "850.00"},
                             {"description": "人工费", "quantity": "1.5", "unit_price": "120.00"}]}
        canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert shown == hashlib.sha256(canonical.encode()).hexdigest() == quote.content_sha256

    response = customer.post_form(f"/my/tickets/{ticket_id}/quotes/{quote_id}/decide", {
        "decision": "approve", "name": "张伟", "content_sha256": shown, "client_decided_at": "2026-01-05T10:00:00Z",
        "amount": "1.00"}, headers={"User-Agent": "PhoneBrowser/1.0"})
    assert response.status_code == 302
    customer_id = user_id(app, "customer@example.com")
    with app.app_context():
        quote = db.session.get(Quote, quote_id)
        assert quote.status == "approved" and quote.amount == Decimal("1030.00")
        assert quote.decided_name == "张伟" and quote.decided_by_id == customer_id
        assert quote.decided_at is not None and quote.client_decided_at.year == 2026
        assert quote.ip_address and quote.user_agent == "PhoneBrowser/1.0"
    assert _events(app, ticket_id, "quote_approved")[0].customer_visible
    desk_page = whole_page(desk, f"/desk/tickets/{ticket_id}")
    assert "张伟" in desk_page and shown in desk_page
    twice = customer.post_form(f"/my/tickets/{ticket_id}/quotes/{quote_id}/decide",
                               {"decision": "decline", "name": "张伟", "reason": "x", "content_sha256": shown})
    assert twice.status_code == 409


def test_quote_decline_needs_a_reason_and_a_changed_or_withdrawn_quote_is_refused(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    desk, customer = login_as("agent"), login_as("customer")
    quote_id = _quote(app, desk, ticket_id)
    shown = _shown_hash(customer, ticket_id)
    url = f"/my/tickets/{ticket_id}/quotes/{quote_id}/decide"
    no_reason = customer.post_form(url, {"decision": "decline", "name": "张伟", "content_sha256": shown}, headers=EN)
    assert no_reason.status_code == 422 and "Tell us why you decline" in no_reason.get_data(as_text=True)
    assert 'value="张伟"' in no_reason.get_data(as_text=True)  # nothing typed is lost
    no_name = customer.post_form(url, {"decision": "approve", "name": "", "content_sha256": shown})
    assert no_name.status_code == 422
    wrong = customer.post_form(url, {"decision": "approve", "name": "张伟", "content_sha256": "0" * 64})
    assert wrong.status_code == 409
    with app.app_context():
        assert db.session.get(Quote, quote_id).status == "pending"

    # The desk replaces the quote: the one shown is withdrawn, and deciding on it is refused.
    new_id = _quote(app, desk, ticket_id, rows=(("主控板", "1", "800"),))
    stale = customer.post_form(url, {"decision": "approve", "name": "张伟", "content_sha256": shown})
    assert stale.status_code == 409
    new_shown = _shown_hash(customer, ticket_id)
    declined = customer.post_form(f"/my/tickets/{ticket_id}/quotes/{new_id}/decide", {
        "decision": "decline", "name": "张伟", "reason": "太贵了", "content_sha256": new_shown})
    assert declined.status_code == 302
    with app.app_context():
        assert db.session.get(Quote, quote_id).status == "withdrawn"
        new = db.session.get(Quote, new_id)
        assert new.status == "declined" and new.decline_reason == "太贵了" and new.amount == Decimal("800.00")
    assert _events(app, ticket_id, "quote_declined")[0].customer_visible


def test_desk_quote_input_is_checked(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    desk = login_as("agent")
    bad = desk.post_form(f"/desk/tickets/{ticket_id}/quotes", {"item-0-description": "主控板",
                                                               "item-0-quantity": "1", "item-0-unit_price": "abc"},
                         headers=EN)
    assert bad.status_code == 422 and "Row 1" in bad.get_data(as_text=True)
    assert 'value="主控板"' in bad.get_data(as_text=True)
    empty = desk.post_form(f"/desk/tickets/{ticket_id}/quotes", {})
    assert empty.status_code == 422
    quote_id = _quote(app, desk, ticket_id)
    assert desk.post_form(f"/desk/tickets/{ticket_id}/quotes/{quote_id}/withdraw").status_code == 302
    assert desk.post_form(f"/desk/tickets/{ticket_id}/quotes/{quote_id}/withdraw").status_code == 409


def test_signing_link_request_when_awaiting_acceptance(app, login_as):
    ticket_id = make_ticket(app, status="resolved")
    customer = login_as("customer")
    page = customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert "Send me a signing link" in page
    assert customer.post_form(f"/my/tickets/{ticket_id}/signing-link").status_code == 302
    assert customer.post_form(f"/my/tickets/{ticket_id}/signing-link").status_code == 409
    with app.app_context():
        tasks = db.session.scalars(db.select(FollowUpTask).where(FollowUpTask.ticket_id == ticket_id)).all()
        assert [t.kind for t in tasks] == ["signing_link"]
    assert _events(app, ticket_id, "signing_link_requested")[0].customer_visible
    other_id = make_ticket(app, status="in_progress")
    assert customer.post_form(f"/my/tickets/{other_id}/signing-link").status_code == 409


def test_escalation_creates_a_task_and_notifies_supervisors_once(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    customer = login_as("customer")
    missing = customer.post_form(f"/my/tickets/{ticket_id}/escalate", {"kind": "escalation", "reason": ""})
    assert missing.status_code == 422
    ok = customer.post_form(f"/my/tickets/{ticket_id}/escalate", {"kind": "complaint", "reason": "三天没人来"})
    assert ok.status_code == 302
    again = customer.post_form(f"/my/tickets/{ticket_id}/escalate", {"kind": "escalation", "reason": "还是没人"},
                               headers=EN)
    assert again.status_code == 409 and "already with a supervisor" in again.get_data(as_text=True)
    with app.app_context():
        tasks = db.session.scalars(db.select(FollowUpTask).where(FollowUpTask.ticket_id == ticket_id)).all()
        assert [(t.kind, t.note, t.status) for t in tasks] == [("complaint", "三天没人来", "open")]
        notes = db.session.scalars(db.select(Notification).where(Notification.kind == "escalation")).all()
        assert [(n.channel, n.recipient, n.status) for n in notes] == [("email", "supervisor@example.com", "kept")]
    events = _events(app, ticket_id, "escalation_requested")
    assert len(events) == 1 and events[0].customer_visible and events[0].data == {"kind": "complaint"}

    # Once the supervisor is done with it, a new escalation may be opened.
    supervisor = login_as("supervisor")
    assert supervisor.post_form(f"/desk/tasks/{tasks[0].id}/done", {"note": "已致电客户"}).status_code == 302
    assert customer.post_form(f"/my/tickets/{ticket_id}/escalate",
                              {"kind": "escalation", "reason": "还是没人"}).status_code == 302


def _set_closed_at(app, ticket_id, days_ago):
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        ticket.closed_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()


SCORES = {"speed": "5", "engineer": "4", "result": "5", "comment": "很好"}


def test_survey_is_offered_only_after_closing_and_taken_once(app, login_as):
    open_id = make_ticket(app, status="resolved")
    customer = login_as("customer")
    assert "How did we do?" not in customer.get(f"/my/tickets/{open_id}", headers=EN).get_data(as_text=True)
    assert customer.post_form(f"/my/tickets/{open_id}/survey", SCORES).status_code == 409

    ticket_id = make_ticket(app, status="closed")
    _set_closed_at(app, ticket_id, 6)
    assert "How did we do?" in customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    bad = customer.post_form(f"/my/tickets/{ticket_id}/survey", {**SCORES, "speed": "9"})
    assert bad.status_code == 422
    assert customer.post_form(f"/my/tickets/{ticket_id}/survey", SCORES).status_code == 302
    again = customer.post_form(f"/my/tickets/{ticket_id}/survey", {**SCORES, "speed": "1"}, headers=EN)
    assert again.status_code == 409 and "cannot be changed" in again.get_data(as_text=True)
    with app.app_context():
        survey = db.session.scalar(db.select(Survey).where(Survey.ticket_id == ticket_id))
        assert (survey.speed, survey.engineer, survey.result, survey.comment) == (5, 4, 5, "很好")
        assert survey.closes_at - survey.opens_at == timedelta(days=7)
        assert db.session.scalar(db.select(FollowUpTask).where(FollowUpTask.ticket_id == ticket_id)) is None


def test_survey_after_seven_days_is_refused(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    _set_closed_at(app, ticket_id, 8)
    customer = login_as("customer")
    page = customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert "closed 7 days after" in page and "Send my rating" not in page
    assert customer.post_form(f"/my/tickets/{ticket_id}/survey", SCORES).status_code == 409


def test_low_score_creates_a_task_for_supervisors(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    customer = login_as("customer")
    assert customer.post_form(f"/my/tickets/{ticket_id}/survey",
                              {"speed": "2", "engineer": "4", "result": "3", "comment": "太慢"}).status_code == 302
    with app.app_context():
        task = db.session.scalar(db.select(FollowUpTask).where(FollowUpTask.ticket_id == ticket_id))
        assert task.kind == "low_rating" and task.status == "open" and task.note == "太慢"
        number = db.session.get(Ticket, ticket_id).number
    page = login_as("supervisor").get("/desk/tasks", headers=EN).get_data(as_text=True)
    assert number in page and "low rating" in page and "太慢" in page


def test_desk_tasks_page_is_for_supervisors_and_admins(app, login_as):
    assert login_as("supervisor").get("/desk/tasks").status_code == 200
    assert login_as("admin").get("/desk/tasks").status_code == 200
    for role in ("agent", "engineer", "backoffice", "customer"):
        assert login_as(role).get("/desk/tasks").status_code == 403
    assert 'href="/desk/tasks"' in login_as("supervisor").get("/desk/").get_data(as_text=True) or \
        'href="/desk/tasks"' in login_as("supervisor").get("/desk/tasks").get_data(as_text=True)
    assert login_as("supervisor").post_form("/desk/tasks/999/done", {}).status_code == 404


def test_another_company_cannot_use_any_action(app, login_as, other):
    ticket_id = make_ticket(app, status="in_progress")
    desk = login_as("agent")
    question_id = _question(app, desk, ticket_id)
    quote_id = _quote(app, desk, ticket_id)
    shown = _shown_hash(login_as("customer"), ticket_id)
    closed_id = make_ticket(app, status="closed")
    resolved_id = make_ticket(app, status="resolved")
    attempts = [
        (f"/my/tickets/{ticket_id}/answer", {"question_id": question_id, "answer": "x"}),
        (f"/my/tickets/{ticket_id}/quotes/{quote_id}/decide",
         {"decision": "approve", "name": "x", "content_sha256": shown}),
        (f"/my/tickets/{ticket_id}/escalate", {"kind": "escalation", "reason": "xx"}),
        (f"/my/tickets/{closed_id}/survey", SCORES),
        (f"/my/tickets/{resolved_id}/signing-link", {}),
    ]
    for url, data in attempts:
        assert other.post_form(url, data).status_code in (403, 404), url
    assert "请问设备放在几楼" not in other.get(f"/my/tickets/{ticket_id}").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Quote, quote_id).status == "pending"
        assert db.session.scalar(db.select(db.func.count()).select_from(FollowUpTask)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(Survey)) == 0
    assert _events(app, ticket_id, "customer_answered") == []


def test_internal_notes_stay_internal_on_the_actions_panel(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    page = login_as("customer").get(f"/my/tickets/{ticket_id}").get_data(as_text=True)
    with app.app_context():
        internal = db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                                   TicketEvent.customer_visible.is_(False),
                                                                   TicketEvent.body.is_not(None))).all()
    for event in internal:
        assert event.body not in page


def test_state_changes_without_csrf_token_are_refused(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    desk, customer = login_as("agent"), login_as("customer")
    question_id = _question(app, desk, ticket_id)
    quote_id = _quote(app, desk, ticket_id)
    for web, url, data in [
        (customer, f"/my/tickets/{ticket_id}/answer", {"question_id": question_id, "answer": "x"}),
        (customer, f"/my/tickets/{ticket_id}/quotes/{quote_id}/decide", {"decision": "approve", "name": "x"}),
        (customer, f"/my/tickets/{ticket_id}/escalate", {"kind": "escalation", "reason": "xx"}),
        (customer, f"/my/tickets/{ticket_id}/survey", SCORES),
        (customer, f"/my/tickets/{ticket_id}/signing-link", {}),
        (desk, f"/desk/tickets/{ticket_id}/ask-customer", {"question": "xx"}),
        (desk, f"/desk/tickets/{ticket_id}/quotes", {"item-0-description": "x", "item-0-unit_price": "1"}),
        (desk, f"/desk/tickets/{ticket_id}/quotes/{quote_id}/withdraw", {}),
        (login_as("supervisor"), "/desk/tasks/1/done", {}),
    ]:
        assert web.client.post(url, data=data).status_code == 400, url
    with app.app_context():
        assert db.session.get(Quote, quote_id).status == "pending"
    assert _events(app, ticket_id, "customer_answered") == []
