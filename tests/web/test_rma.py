"""Returns and exchanges (RMA): only within the entitlement, approved by a supervisor, the unit received back,
a refund of at most the price paid or an exchange unit registered with a new 三包 period."""
from datetime import timedelta

from portal.extensions import db
from portal.models import Asset, Rma, Ticket
from portal.services.localtime import local_today
from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}


def return_ticket(app, login_as, days=5, serial="RM-0001", price=399_900):
    ticket_id = make_ticket(app, status="new", serial=serial, priority="P3")
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        ticket.asset.purchase_date = local_today() - timedelta(days=days)
        ticket.asset.price_paid_fen = price
        db.session.commit()
    agent = login_as("agent")
    agent.post_form(f"/desk/tickets/{ticket_id}/triage", {"category": "return", "priority": "P3", "reason": "x",
                                                           "mode": "depot", "version": "1"})
    return ticket_id, agent


def rma_of(app, ticket_id):
    with app.app_context():
        record = db.session.scalar(db.select(Rma).where(Rma.ticket_id == ticket_id))
        if record is not None:
            db.session.expunge(record)
        return record


def test_a_seven_day_return_refunded(app, login_as):
    ticket_id, agent = return_ticket(app, login_as)
    url = f"/desk/tickets/{ticket_id}/rma"
    panel = agent.get(f"/desk/tickets/{ticket_id}/part/rma", headers=EN).get_data(as_text=True)
    assert "Day 5 after purchase (within 7 days)" in panel
    agent.post_form(f"{url}/request", {"kind": "return", "reason": "客户第5天要求退货"})
    record = rma_of(app, ticket_id)
    assert record.number.startswith("RMA") and record.status == "requested"
    assert record.entitlement["options"] == ["return", "exchange", "repair"]
    # No refund without approval, and an agent may not approve.
    early = agent.post_form(f"{url}/complete", {"refund": "100"}, htmx=True, headers=EN)
    assert early.status_code == 409 and rma_of(app, ticket_id).refund_fen is None
    assert agent.post_form(f"{url}/approve", {}, htmx=True).status_code == 403
    login_as("supervisor").post_form(f"{url}/approve", {})
    assert rma_of(app, ticket_id).status == "approved"
    agent = login_as("agent")
    agent.post_form(f"{url}/receive", {})
    too_much = agent.post_form(f"{url}/complete", {"refund": "4000.00"}, htmx=True, headers=EN)
    assert too_much.status_code == 422 and "more than what was paid" in too_much.get_data(as_text=True)
    assert rma_of(app, ticket_id).refund_fen is None
    ok = agent.post_form(f"{url}/complete", {"refund": "3999.00"}, htmx=True, headers=EN)
    assert ok.status_code == 200
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.status == "closed" and ticket.asset.retired_on == local_today()
    assert rma_of(app, ticket_id).refund_fen == 399_900


def test_an_exchange_registers_the_new_unit(app, login_as):
    ticket_id, agent = return_ticket(app, login_as, days=12, serial="RM-0002")
    url = f"/desk/tickets/{ticket_id}/rma"
    refused = agent.post_form(f"{url}/request", {"kind": "return", "reason": "x"}, htmx=True, headers=EN)
    assert refused.status_code == 422 and "Not within the 三包 entitlement" in refused.get_data(as_text=True)
    agent.post_form(f"{url}/request", {"kind": "exchange", "reason": "第12天换货"})
    login_as("supervisor").post_form(f"{url}/approve", {})
    agent = login_as("agent")
    agent.post_form(f"{url}/receive", {})
    agent.post_form(f"{url}/complete", {"exchange_serial": "rm-0002-x"})
    with app.app_context():
        old = db.session.scalar(db.select(Asset).where(Asset.serial == "RM-0002"))
        new = db.session.scalar(db.select(Asset).where(Asset.serial == "RM-0002-X"))
        assert old.retired_on == local_today() and old.replaced_by_id == new.id
        assert new.purchase_date == local_today() and new.warranty_end > local_today()
        assert new.customer_id == old.customer_id


def _paid_bill(app, ticket_id, paid_fen):
    """A depot fee paid on the ticket's bill, with the loyalty points it earned."""
    from portal.models import Bill, Payment, User
    from portal.services import points
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        agent = db.session.scalar(db.select(User).where(User.email == "agent@example.com"))
        bill = Bill(number="B" + ticket.number, ticket_id=ticket.id, customer_id=ticket.customer_id, status="signed",
                    gross_fen=paid_fen, due_fen=paid_fen, paid_fen=paid_fen, depot=True)
        db.session.add(bill)
        db.session.flush()
        db.session.add(Payment(bill_id=bill.id, method="cash", amount_fen=paid_fen, recorded_by_id=agent.id))
        earned = points.earn_for_service(ticket.customer, ticket.id, paid_fen, today=local_today())
        db.session.commit()
        return bill.id, earned


def _to_refund(app, login_as, ticket_id):
    url = f"/desk/tickets/{ticket_id}/rma"
    login_as("agent").post_form(f"{url}/request", {"kind": "return", "reason": "客户第5天要求退货"})
    login_as("supervisor").post_form(f"{url}/approve", {})
    agent = login_as("agent")
    agent.post_form(f"{url}/receive", {})
    return agent, url


def test_the_refund_references_the_bill_at_most_what_was_paid_and_takes_the_points_back(app, login_as):
    from portal.models import Bill, PointsEntry
    ticket_id, _agent = return_ticket(app, login_as, serial="RM-0003", price=399_900)
    bill_id, earned = _paid_bill(app, ticket_id, 15_000)
    assert earned > 0
    agent, url = _to_refund(app, login_as, ticket_id)
    # Unit ¥3,999.00 + ¥150.00 paid on the bill: one fen more is refused, nothing saved.
    over = agent.post_form(f"{url}/complete", {"refund": "4149.01"}, htmx=True, headers=EN)
    assert over.status_code == 422 and "¥4149.00" in over.get_data(as_text=True)
    assert rma_of(app, ticket_id).refund_fen is None
    ok = agent.post_form(f"{url}/complete", {"refund": "4149.00"}, htmx=True, headers=EN)
    assert ok.status_code == 200
    record = rma_of(app, ticket_id)
    assert record.refund_fen == 414_900 and record.bill_id == bill_id
    with app.app_context():
        bill = db.session.get(Bill, bill_id)
        assert bill.refunded_fen == 15_000 and bill.paid_fen == 15_000 and bill.outstanding_fen == 0
        ticket = db.session.get(Ticket, ticket_id)
        taken = db.session.scalar(db.select(db.func.sum(PointsEntry.points)).where(
            PointsEntry.customer_id == ticket.customer_id, PointsEntry.ticket_id == ticket_id))
        assert taken == 0  # what the service earned is taken back with the refund
    page = agent.get(f"/desk/bills/{bill_id}", headers=EN).get_data(as_text=True)
    assert "Refunded ¥4149.00 under " + record.number in page and "of which ¥150.00 paid on this bill" in page
    customer_page = login_as("customer").get(f"/my/tickets/{ticket_id}/bill", headers=EN).get_data(as_text=True)
    assert "Refunded ¥4149.00" in customer_page


def test_a_refund_within_the_unit_price_leaves_the_bills_payments(app, login_as):
    from portal.models import Bill
    ticket_id, _agent = return_ticket(app, login_as, serial="RM-0004", price=399_900)
    bill_id, _earned = _paid_bill(app, ticket_id, 15_000)
    agent, url = _to_refund(app, login_as, ticket_id)
    assert agent.post_form(f"{url}/complete", {"refund": "3000"}, htmx=True).status_code == 200
    with app.app_context():
        assert db.session.get(Bill, bill_id).refunded_fen == 0
    assert rma_of(app, ticket_id).bill_id == bill_id
