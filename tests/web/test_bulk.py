"""Supervisors act on many tickets at once from the queue; each ticket still passes the workflow and rules."""
from portal.extensions import db
from portal.models import Ticket, TicketEvent
from tests.conftest import user_id
from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}


def state(app, ticket_id):
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        return ticket.status, ticket.assignee_id, ticket.priority


def test_bulk_assign_changes_what_the_rules_allow_and_lists_the_rest(app, login_as):
    triaged = [make_ticket(app, status="triaged", priority="P3") for _ in range(2)]
    urgent = make_ticket(app, status="triaged", priority="P1")
    closed = make_ticket(app, status="closed")
    junior = user_id(app, "engineer2@example.com")
    supervisor = login_as("supervisor")
    queue = supervisor.get("/desk/tickets", headers=EN).get_data(as_text=True)
    assert 'id="bulk-form"' in queue
    response = supervisor.post_form("/desk/tickets/bulk", {
        "action": "assign", "engineer_id": junior, "ids": [*triaged, urgent, closed]}, htmx=True,
        headers={**EN, "HX-Current-URL": "http://localhost/desk/tickets?priority=P3"})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/desk/tickets?priority=P3"
    assert [state(app, t)[:2] for t in triaged] == [("assigned", junior)] * 2
    assert state(app, urgent)[:2] == ("triaged", None)      # P1 needs a senior engineer
    assert state(app, closed)[0] == "closed"                 # the workflow does not allow it
    page = supervisor.get("/desk/tickets", headers=EN).get_data(as_text=True)
    assert "2 tickets changed" in page and "senior engineer" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(TicketEvent).where(
            TicketEvent.kind == "assigned", TicketEvent.ticket_id.in_(triaged))) == 2


def test_bulk_triage_takes_each_suggestion_and_bulk_cancel_needs_a_reason(app, login_as):
    fresh = [make_ticket(app), make_ticket(app, description="机器漏电,外壳麻手")]
    supervisor = login_as("supervisor")
    response = supervisor.post_form("/desk/tickets/bulk", {"action": "triage", "category": "fault_repair",
                                                          "ids": fresh})
    assert response.status_code == 302
    assert [state(app, t)[0] for t in fresh] == ["triaged", "triaged"]
    assert state(app, fresh[1])[2] == "P1"                   # the safety rule's suggestion
    refused = supervisor.post_form("/desk/tickets/bulk", {"action": "cancel", "ids": fresh}, htmx=True,
                                   headers=EN)
    assert refused.status_code == 422 and "reason" in refused.get_data(as_text=True)
    assert supervisor.post_form("/desk/tickets/bulk", {"action": "cancel", "reason": "重复报修",
                                                      "ids": fresh}).status_code == 302
    with app.app_context():
        assert [db.session.get(Ticket, t).cancel_reason for t in fresh] == ["重复报修"] * 2
        assert {db.session.get(Ticket, t).status for t in fresh} == {"cancelled"}


def test_bulk_input_errors_and_roles(app, login_as):
    ticket = make_ticket(app, status="triaged", priority="P3")
    supervisor = login_as("supervisor")
    for data in ({"action": "assign", "ids": [ticket]}, {"action": "assign", "engineer_id": "x"},
                 {"action": "nope", "ids": [ticket]}, {"action": "assign", "engineer_id": 99999, "ids": [ticket]},
                 {"action": "triage", "ids": list(range(1, 300))}):
        response = supervisor.post_form("/desk/tickets/bulk", data, headers=EN)
        assert response.status_code == 422, data
        assert "Back to the tickets" in response.get_data(as_text=True)
    assert state(app, ticket)[0] == "triaged"
    for role in ("agent", "engineer", "customer", "backoffice"):
        web = login_as(role)
        assert web.post_form("/desk/tickets/bulk", {"action": "cancel", "reason": "x", "ids": [ticket]}
                             ).status_code == 403
        assert 'id="bulk-form"' not in web.get("/desk/tickets").get_data(as_text=True)
    assert state(app, ticket)[0] == "triaged"
