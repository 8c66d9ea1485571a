"""The remote path: sessions logged, the fix resolved without a visit with what was done (the one resolution path
of portal.services.resolution), the customer's confirmation or "not solved", automatic closing after
RESOLUTION_CONFIRM_DAYS (boundary), reopening within RESOLUTION_REOPEN_DAYS (boundary), escalation to on site in
one step."""
from datetime import UTC, timedelta

import pytest

from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import Notification, RemoteSession, Ticket, TicketEvent, User
from portal.services import ServiceError, resolution
from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}


def remote_ticket(app, login_as):
    ticket_id = make_ticket(app, status="new", description="打印机无法连接网络,指示灯闪烁")
    agent = login_as("agent")
    agent.post_form(f"/desk/tickets/{ticket_id}/triage", {"category": "fault_repair", "priority": "P3",
                                                           "reason": "x", "mode": "remote", "version": "1"})
    return ticket_id, agent


def status(app, ticket_id):
    with app.app_context():
        return db.session.get(Ticket, ticket_id).status


def session_form(**kw):
    return {"kind": "session", "started_at": (utcnow() + timedelta(hours=8) - timedelta(minutes=30))
            .strftime("%Y-%m-%dT%H:%M"), "minutes": "25", "tried": "远程重置网络设置,更新固件", "result": "fixed", **kw}


def test_a_remote_fix_confirmed_by_the_customer(app, login_as):
    ticket_id, agent = remote_ticket(app, login_as)
    panel = agent.get(f"/desk/tickets/{ticket_id}/part/remote", headers=EN).get_data(as_text=True)
    assert "No call or remote session logged yet." in panel
    bad = agent.post_form(f"/desk/tickets/{ticket_id}/remote/sessions", session_form(minutes="9999"), htmx=True,
                          headers=EN)
    assert bad.status_code == 422 and "远程重置网络设置" in bad.get_data(as_text=True)  # kept as typed
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(RemoteSession.id))) == 0
    ok = agent.post_form(f"/desk/tickets/{ticket_id}/remote/sessions", session_form(), htmx=True, headers=EN)
    assert ok.status_code == 200 and 'data-result="fixed"' in ok.get_data(as_text=True)
    assert status(app, ticket_id) == "in_progress"
    refused = resolve(agent, app, ticket_id, summary="", htmx=True)
    assert refused.status_code == 422 and status(app, ticket_id) == "in_progress"
    resolve(agent, app, ticket_id, summary="已远程更新固件并重置网络")
    assert status(app, ticket_id) == "resolved"
    customer = login_as("customer")
    page = customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert 'id="confirm-resolution"' in page and "Send me a signing link" not in page
    assert "closes by itself after 7 days" in page
    assert "Fixed remotely: please confirm it works" in page and "We helped you remotely" in page
    assert customer.post_form(f"/my/tickets/{ticket_id}/confirm-resolution", {}).status_code == 302
    assert status(app, ticket_id) == "closed"


def test_a_session_typed_in_local_time_is_stored_in_utc_and_shown_as_typed(app, login_as):
    ticket_id, agent = remote_ticket(app, login_as)
    typed = (utcnow() + timedelta(hours=8) - timedelta(hours=2)).replace(second=0, microsecond=0)  # Asia/Shanghai
    agent.post_form(f"/desk/tickets/{ticket_id}/remote/sessions",
                    session_form(started_at=typed.strftime("%Y-%m-%dT%H:%M")))
    with app.app_context():
        stored = as_utc(db.session.scalar(db.select(RemoteSession.started_at)))
    assert stored == (typed - timedelta(hours=8)).replace(tzinfo=UTC)
    panel = agent.get(f"/desk/tickets/{ticket_id}/part/remote", headers=EN).get_data(as_text=True)
    assert typed.strftime("%Y-%m-%d %H:%M") in panel


def resolve(client, app, ticket_id, summary="已远程更新固件", **kw):
    with app.app_context():
        version = db.session.get(Ticket, ticket_id).version
    return client.post_form(f"/desk/tickets/{ticket_id}/resolve-without-visit", {"summary": summary,
                                                                                  "version": str(version)}, **kw)


def resolved_remote_ticket(app, login_as):
    ticket_id, agent = remote_ticket(app, login_as)
    agent.post_form(f"/desk/tickets/{ticket_id}/remote/sessions", session_form())
    resolve(agent, app, ticket_id)
    assert status(app, ticket_id) == "resolved"
    return ticket_id


def test_not_solved_reopens_and_needs_a_reason(app, login_as):
    ticket_id = resolved_remote_ticket(app, login_as)
    customer = login_as("customer")
    assert customer.post_form(f"/my/tickets/{ticket_id}/not-resolved", {"reason": ""}).status_code == 422
    assert status(app, ticket_id) == "resolved"
    customer.post_form(f"/my/tickets/{ticket_id}/not-resolved", {"reason": "第二天又断网了"})
    assert status(app, ticket_id) == "reopened"


def _resolved_at(app, ticket_id):
    with app.app_context():
        return db.session.get(Ticket, ticket_id).resolved_at


@pytest.mark.parametrize("days", [7, 3])
def test_an_unanswered_resolution_closes_exactly_after_n_days_once_with_a_notice(app, login_as, days):
    app.config["RESOLUTION_CONFIRM_DAYS"] = days
    ticket_id = resolved_remote_ticket(app, login_as)
    resolved_at = _resolved_at(app, ticket_id)
    with app.test_request_context():
        # N days less a minute: still waiting; N days to the second: closed, once.
        assert resolution.close_unanswered(resolved_at + timedelta(days=days, minutes=-1)) == 0
        assert resolution.close_unanswered(resolved_at + timedelta(days=days)) == 1
        db.session.commit()
        assert resolution.close_unanswered(resolved_at + timedelta(days=days + 1)) == 0
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.status == "closed" and ticket.closed_at is not None
        kinds = [e.kind for e in db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id))]
        assert kinds.count("auto_closed") == 1
        notices = db.session.scalars(db.select(Notification).where(Notification.ticket_id == ticket_id,
                                                                   Notification.kind == "ticket_auto_closed")).all()
        assert len(notices) == 1 and f"{days}" in notices[0].body
        assert f"/my/tickets/{ticket_id}#reopen" in notices[0].body


def test_a_resolution_after_a_visit_never_closes_by_itself(app, login_as):
    ticket_id = make_ticket(app, status="resolved")
    with app.test_request_context():
        assert resolution.close_unanswered(utcnow() + timedelta(days=365)) == 0
    assert status(app, ticket_id) == "resolved"


def _closed(app, login_as):
    ticket_id = resolved_remote_ticket(app, login_as)
    customer = login_as("customer")
    customer.post_form(f"/my/tickets/{ticket_id}/confirm-resolution", {})
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.status == "closed"
        return ticket_id, ticket.closed_at, customer


@pytest.mark.parametrize("days", [14, 2])
def test_the_customer_reopens_up_to_m_days_after_closing_and_not_after(app, login_as, days):
    app.config["RESOLUTION_REOPEN_DAYS"] = days
    ticket_id, closed_at, customer = _closed(app, login_as)
    page = customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert 'id="reopen"' in page
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        owner = db.session.scalars(db.select(User).where(User.role == "customer",
                                                         User.customer_id == ticket.customer_id)).first()
        with pytest.raises(ServiceError) as late:
            resolution.reopen(ticket, owner, reason="还是断网", now=closed_at + timedelta(days=days, seconds=1))
        assert late.value.status == 409 and ticket.status == "closed"
        resolution.reopen(ticket, owner, reason="还是断网", now=closed_at + timedelta(days=days))
        assert ticket.status == "reopened" and ticket.reopen_count == 1 and ticket.closed_at is None


def test_the_customer_reopens_from_the_portal_with_a_reason(app, login_as):
    ticket_id, _closed_at, customer = _closed(app, login_as)
    empty = customer.post_form(f"/my/tickets/{ticket_id}/reopen", {"reason": ""}, headers=EN)
    assert empty.status_code == 422 and status(app, ticket_id) == "closed"
    assert customer.post_form(f"/my/tickets/{ticket_id}/reopen", {"reason": "又断网了"}).status_code == 302
    assert status(app, ticket_id) == "reopened"
    with app.app_context():
        event = db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                                TicketEvent.kind == "customer_reopened")).one()
        assert event.body == "又断网了" and event.customer_visible


def test_the_reopen_offer_ends_after_m_days_and_a_signed_repair_is_never_reopened(app, login_as):
    ticket_id, _closed_at, customer = _closed(app, login_as)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        ticket.closed_at = utcnow() - timedelta(days=15)
        db.session.commit()
    assert 'id="reopen"' not in customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    late = customer.post_form(f"/my/tickets/{ticket_id}/reopen", {"reason": "又断网了"}, headers=EN)
    assert late.status_code == 409 and "within 14 days" in late.get_data(as_text=True)
    signed = make_ticket(app, status="closed")
    assert customer.post_form(f"/my/tickets/{signed}/reopen", {"reason": "x坏了"}).status_code == 409
    assert status(app, signed) == "closed"


def test_escalation_to_on_site_in_one_step_and_the_remote_steps_refused_then(app, login_as):
    ticket_id, agent = remote_ticket(app, login_as)
    agent.post_form(f"/desk/tickets/{ticket_id}/remote/sessions", session_form(result="not_fixed"))
    with app.app_context():
        version = db.session.get(Ticket, ticket_id).version
    agent.post_form(f"/desk/tickets/{ticket_id}/mode", {"mode": "onsite", "mode_reason": "远程无法解决",
                                                         "version": str(version)})
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert (ticket.mode, ticket.status) == ("onsite", "in_progress")
        assert db.session.scalar(db.select(db.func.count(RemoteSession.id))) == 1  # the log stays
    again = agent.post_form(f"/desk/tickets/{ticket_id}/remote/sessions", session_form(), htmx=True, headers=EN)
    assert again.status_code == 409 and "service mode" in again.get_data(as_text=True)
