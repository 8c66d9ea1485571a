"""The engineer's remote-session page: the log on their phone or desktop, resolving without a visit, and escalating
to on site or depot in one step; only the assigned engineer, only on remote jobs."""
from portal.extensions import db
from portal.models import RemoteSession, Ticket, TicketEvent, User
from tests.web.factories import make_ticket
from tests.web.test_remote_path import session_form

EN = {"Accept-Language": "en"}


def remote_job(app, login_as):
    ticket_id = make_ticket(app, status="new", description="打印机无法连接网络")
    agent = login_as("agent")
    agent.post_form(f"/desk/tickets/{ticket_id}/triage", {"category": "fault_repair", "priority": "P3",
                                                           "reason": "x", "mode": "remote", "version": "1"})
    with app.app_context():
        engineer_id = db.session.scalar(db.select(User.id).where(User.email == "engineer@example.com"))
        version = db.session.get(Ticket, ticket_id).version
    agent.post_form(f"/desk/tickets/{ticket_id}/assign", {"engineer_id": engineer_id, "version": version})
    return ticket_id


def _ticket(app, ticket_id):
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        db.session.expunge(ticket)
        return ticket


def test_the_engineer_logs_and_resolves_on_their_phone(app, login_as):
    ticket_id = remote_job(app, login_as)
    engineer = login_as("engineer")
    job = engineer.get(f"/m/jobs/{ticket_id}", headers=EN).get_data(as_text=True)
    assert f"/m/jobs/{ticket_id}/remote" in job
    page = engineer.get(f"/m/jobs/{ticket_id}/remote", headers=EN).get_data(as_text=True)
    assert "No call or remote session logged yet." in page and 'id="remote-log"' in page
    bad = engineer.post_form(f"/m/jobs/{ticket_id}/remote/sessions", session_form(minutes="9999"), headers=EN)
    assert bad.status_code == 422 and "远程重置网络设置" in bad.get_data(as_text=True)  # kept as typed
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(RemoteSession.id))) == 0
    ok = engineer.post_form(f"/m/jobs/{ticket_id}/remote/sessions", session_form())
    assert ok.status_code == 302 and _ticket(app, ticket_id).status == "in_progress"
    assert 'data-result="fixed"' in engineer.get(f"/m/jobs/{ticket_id}/remote").get_data(as_text=True)
    empty = engineer.post_form(f"/m/jobs/{ticket_id}/remote/resolve", {"summary": ""}, headers=EN)
    assert empty.status_code == 422 and _ticket(app, ticket_id).status == "in_progress"
    done = engineer.post_form(f"/m/jobs/{ticket_id}/remote/resolve", {"summary": "已远程更新固件并重置网络"})
    assert done.status_code == 302
    ticket = _ticket(app, ticket_id)
    assert ticket.status == "resolved" and ticket.resolved_at is not None
    page = login_as("customer").get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert 'id="confirm-resolution"' in page and "已远程更新固件并重置网络" in page


def test_the_engineer_escalates_to_depot_in_one_step(app, login_as):
    ticket_id = remote_job(app, login_as)
    engineer = login_as("engineer")
    engineer.post_form(f"/m/jobs/{ticket_id}/remote/sessions", session_form(result="not_fixed"))
    no_reason = engineer.post_form(f"/m/jobs/{ticket_id}/remote/escalate", {"mode": "depot", "mode_reason": ""},
                                   headers=EN)
    assert no_reason.status_code == 422 and _ticket(app, ticket_id).mode == "remote"
    ok = engineer.post_form(f"/m/jobs/{ticket_id}/remote/escalate", {"mode": "depot", "mode_reason": "主板故障需返厂"})
    assert ok.status_code == 302
    ticket = _ticket(app, ticket_id)
    assert (ticket.mode, ticket.status, ticket.description) == ("depot", "in_progress", "打印机无法连接网络")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(RemoteSession.id))) == 1  # the log stays
        assert db.session.scalars(db.select(TicketEvent).where(TicketEvent.kind == "mode_set")).all()
    # Not remote any more: the page is gone.
    assert engineer.get(f"/m/jobs/{ticket_id}/remote").status_code == 404


def test_only_the_assigned_engineer_on_a_remote_job(app, login_as):
    ticket_id = remote_job(app, login_as)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        ticket.assignee_id = db.session.scalar(db.select(User.id).where(User.role == "engineer",
                                                                        User.email != "engineer@example.com"))
        db.session.commit()
    engineer = login_as("engineer")
    assert engineer.get(f"/m/jobs/{ticket_id}/remote").status_code in (403, 404)
    assert engineer.post_form(f"/m/jobs/{ticket_id}/remote/sessions", session_form()).status_code in (403, 404)
    for role in ("agent", "customer", "backoffice"):
        assert login_as(role).get(f"/m/jobs/{ticket_id}/remote").status_code in (302, 403)
    onsite = make_ticket(app, status="assigned")
    assert login_as("engineer").get(f"/m/jobs/{onsite}/remote").status_code == 404
