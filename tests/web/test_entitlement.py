"""三包 on the desk's ticket page: the entitlement with its reasons, and the decision recorded with who and why."""
from datetime import timedelta

from portal.extensions import db
from portal.models import EntitlementDecision, Ticket, TicketEvent
from portal.services.localtime import local_today
from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}


def bought_days_ago(app, ticket_id, days, invoice=False):
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        day = local_today() - timedelta(days=days)
        if invoice:
            ticket.asset.invoice_date = day
        else:
            ticket.asset.purchase_date = day
        db.session.commit()


def test_the_panel_explains_the_entitlement(app, login_as):
    ticket_id = make_ticket(app, status="triaged", serial="SB-0005", priority="P3")
    bought_days_ago(app, ticket_id, 5)
    agent = login_as("agent")
    html = agent.get(f"/desk/tickets/{ticket_id}/part/entitlement", headers={**EN, "HX-Request": "true"}).get_data(
        as_text=True)
    assert 'data-entitlement="return exchange repair"' in html
    assert "Day 5 after purchase (within 7 days): return, exchange or repair." in html
    bought_days_ago(app, ticket_id, 12, invoice=True)  # the invoice date wins
    html = agent.get(f"/desk/tickets/{ticket_id}/part/entitlement", headers=EN).get_data(as_text=True)
    assert 'data-entitlement="exchange repair"' in html and "Counted from the invoice date" in html


def test_a_ticket_without_a_date_says_so(app, login_as):
    ticket_id = make_ticket(app, status="new")
    html = login_as("agent").get(f"/desk/tickets/{ticket_id}/part/entitlement", headers=EN).get_data(as_text=True)
    assert "No invoice or purchase date on file" in html


def test_the_decision_needs_a_reason_and_is_kept_with_who(app, login_as):
    ticket_id = make_ticket(app, status="assigned", serial="SB-0006", priority="P3")
    bought_days_ago(app, ticket_id, 3)
    agent = login_as("agent")
    refused = agent.post_form(f"/desk/tickets/{ticket_id}/entitlement", {"decision": "return", "reason": ""},
                              htmx=True, headers=EN)
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(EntitlementDecision.id))) == 0
    bad = agent.post_form(f"/desk/tickets/{ticket_id}/entitlement", {"decision": "gift", "reason": "x"},
                          htmx=True, headers=EN)
    assert bad.status_code == 422
    ok = agent.post_form(f"/desk/tickets/{ticket_id}/entitlement",
                         {"decision": "return", "reason": "客户第3天选择退货"}, htmx=True, headers=EN)
    assert ok.status_code == 200 and 'data-decision="return"' in ok.get_data(as_text=True)
    with app.app_context():
        decision = db.session.scalar(db.select(EntitlementDecision))
        assert decision.decided_by.email == "agent@example.com" and decision.reason == "客户第3天选择退货"
        assert decision.entitlement["options"] == ["return", "exchange", "repair"]
        event = db.session.scalar(db.select(TicketEvent).where(TicketEvent.kind == "entitlement_decided"))
        assert event.customer_visible and event.data["outside"] is False


def test_only_the_desk_decides(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    response = login_as("backoffice").post_form(f"/desk/tickets/{ticket_id}/entitlement",
                                                {"decision": "repair", "reason": "x"})
    assert response.status_code == 403


def test_intake_shows_the_entitlement_of_a_known_unit(app, login_as):
    ticket_id = make_ticket(app, status="closed", serial="SB-0007")
    bought_days_ago(app, ticket_id, 10)
    with app.app_context():
        customer_id = db.session.get(Ticket, ticket_id).customer_id
    html = login_as("agent").get(f"/desk/intake/serial?serial=SB-0007&customer_id={customer_id}",
                                 headers={**EN, "HX-Request": "true"}).get_data(as_text=True)
    assert 'data-entitlement="exchange repair"' in html
    assert "Day 10 after purchase (within 15 days): exchange or repair." in html


def test_the_customer_sees_the_entitlement_of_their_own_ticket_only(app, login_as, client):
    from tests.web.factories import make_other_customer_login
    ticket_id = make_ticket(app, status="assigned", serial="SB-0008")
    bought_days_ago(app, ticket_id, 200)
    customer = login_as("customer")
    page = customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert f'/my/tickets/{ticket_id}/entitlement' in page
    part = customer.get(f"/my/tickets/{ticket_id}/entitlement", headers={**EN, "HX-Request": "true"})
    html = part.get_data(as_text=True)
    assert part.status_code == 200 and 'data-entitlement="repair"' in html and "Day 200 after purchase" in html
    assert "<html" in customer.get(f"/my/tickets/{ticket_id}/entitlement", headers=EN).get_data(as_text=True)
    client.login(*make_other_customer_login(app))
    assert client.get(f"/my/tickets/{ticket_id}/entitlement").status_code == 403
