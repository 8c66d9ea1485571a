"""The remote path: sessions logged, the fix handed over with what was done, the customer's confirmation or
"not fixed", automatic closing after the confirmation period, escalation to on site in one step."""
from datetime import timedelta

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import RemoteSession, Ticket, TicketEvent
from portal.services import remote
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
    refused = agent.post_form(f"/desk/tickets/{ticket_id}/remote/resolve", {"work_done": ""}, htmx=True)
    assert refused.status_code == 422 and status(app, ticket_id) == "in_progress"
    agent.post_form(f"/desk/tickets/{ticket_id}/remote/resolve", {"work_done": "已远程更新固件并重置网络"})
    assert status(app, ticket_id) == "resolved"
    customer = login_as("customer")
    page = customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert "Does it work again?" in page and "Send me a signing link" not in page
    assert "Fixed remotely: please confirm it works" in page and "We helped you remotely" in page
    assert customer.post_form(f"/my/tickets/{ticket_id}/confirm-fix", {}).status_code == 302
    assert status(app, ticket_id) == "closed"


def test_not_fixed_reopens_and_needs_a_reason(app, login_as):
    ticket_id, agent = remote_ticket(app, login_as)
    agent.post_form(f"/desk/tickets/{ticket_id}/remote/sessions", session_form())
    agent.post_form(f"/desk/tickets/{ticket_id}/remote/resolve", {"work_done": "已远程更新固件"})
    customer = login_as("customer")
    assert customer.post_form(f"/my/tickets/{ticket_id}/not-fixed", {"reason": ""}).status_code == 422
    assert status(app, ticket_id) == "resolved"
    customer.post_form(f"/my/tickets/{ticket_id}/not-fixed", {"reason": "第二天又断网了"})
    assert status(app, ticket_id) == "reopened"


def test_an_unanswered_fix_closes_after_the_period_once(app, login_as):
    ticket_id, agent = remote_ticket(app, login_as)
    agent.post_form(f"/desk/tickets/{ticket_id}/remote/sessions", session_form())
    agent.post_form(f"/desk/tickets/{ticket_id}/remote/resolve", {"work_done": "已远程更新固件"})
    with app.test_request_context():
        assert remote.close_unanswered(utcnow() + timedelta(days=6)) == 0
        assert remote.close_unanswered(utcnow() + timedelta(days=8)) == 1
        db.session.commit()
        assert remote.close_unanswered(utcnow() + timedelta(days=9)) == 0
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.status == "closed" and ticket.closed_at is not None
        kinds = [e.kind for e in db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id))]
        assert kinds.count("auto_closed") == 1


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
