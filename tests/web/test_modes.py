"""The service mode: set at triage with a suggestion, changed later only with a reason kept in the history,
filtered in the queue, and told to the customer in the mode's words."""
from portal.extensions import db
from portal.models import Ticket, TicketEvent
from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}


def get(app, ticket_id) -> Ticket:
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        db.session.expunge(ticket)
        return ticket


def test_triage_sets_the_suggested_mode(app, login_as):
    ticket_id = make_ticket(app, status="new")
    agent = login_as("agent")
    page = agent.get(f"/desk/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert "Suggested mode: On site" in page
    response = agent.post_form(f"/desk/tickets/{ticket_id}/triage", {
        "category": "return", "priority": "P2", "reason": "x", "mode": "depot", "version": "1"}, htmx=True,
        headers=EN)
    assert response.status_code == 200
    assert get(app, ticket_id).mode == "depot"


def test_a_later_change_needs_a_reason_and_is_kept(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    assert get(app, ticket_id).mode == "onsite"  # the suggestion for a fault with no request
    agent = login_as("agent")
    version = get(app, ticket_id).version
    refused = agent.post_form(f"/desk/tickets/{ticket_id}/mode", {"mode": "depot", "mode_reason": "",
                                                                   "version": str(version)}, htmx=True, headers=EN)
    assert refused.status_code == 422 and get(app, ticket_id).mode == "onsite"
    ok = agent.post_form(f"/desk/tickets/{ticket_id}/mode", {"mode": "depot", "mode_reason": "需返厂检测",
                                                              "version": str(version)}, htmx=True, headers=EN)
    assert ok.status_code == 200 and 'data-mode="depot"' in ok.get_data(as_text=True)
    with app.app_context():
        events = db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                                 TicketEvent.kind == "mode_set")
                                    .order_by(TicketEvent.id)).all()
        assert [(e.data["before"], e.data["mode"], e.body) for e in events] == [
            (None, "onsite", None), ("onsite", "depot", "需返厂检测")]
    # The same mode again is refused with a reason.
    again = agent.post_form(f"/desk/tickets/{ticket_id}/mode", {"mode": "depot", "mode_reason": "x",
                                                                 "version": str(get(app, ticket_id).version)},
                            htmx=True, headers=EN)
    assert again.status_code == 422


def test_the_queue_filters_by_mode(app, login_as):
    onsite = make_ticket(app, status="triaged", priority="P3")
    remote = make_ticket(app, status="new", description="咨询如何设置网络参数")
    agent = login_as("agent")
    agent.post_form(f"/desk/tickets/{remote}/triage", {"category": "consultation", "priority": "P4", "reason": "x",
                                                        "mode": "remote", "version": "1"})
    assert get(app, remote).mode == "remote"
    html = agent.get("/desk/tickets?mode=remote", headers=EN).get_data(as_text=True)
    assert get(app, remote).number in html and get(app, onsite).number not in html
    html = agent.get("/desk/tickets?mode=onsite", headers=EN).get_data(as_text=True)
    assert get(app, onsite).number in html and get(app, remote).number not in html


def test_the_customer_timeline_speaks_in_the_modes_words(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    agent = login_as("agent")
    agent.post_form(f"/desk/tickets/{ticket_id}/mode", {"mode": "depot", "mode_reason": "返厂",
                                                         "version": str(get(app, ticket_id).version)})
    html = login_as("customer").get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert "An engineer will come to you" in html
    assert "Your unit is repaired in our workshop" in html
    assert "A workshop engineer takes care of your unit" in html
    assert "返厂" not in html  # the desk's reason stays internal


def test_a_retriage_without_a_mode_keeps_the_mode_set(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    response = login_as("agent").post_form(f"/desk/tickets/{ticket_id}/triage", {
        "category": "consultation", "priority": "P3", "reason": "x", "version": str(get(app, ticket_id).version)},
        htmx=True)
    assert response.status_code == 200 and get(app, ticket_id).mode == "onsite"
