"""The bill at hand-over: computed from the recorded work and parts, shown in the signing summary, printed on the
confirmation, frozen when signed; a bill over the approved quote needs a new approval; contracts cover lines."""
from datetime import date
from decimal import Decimal

from portal.extensions import db
from portal.models import Asset, Bill, Customer, PriceList, ProductModel, Quote, ServiceContract, Ticket
from portal.services import billing
from tests.web.factories import make_ticket
from tests.web.test_acceptance import EN, answer, pdf_text


def _bill(app, ticket_id) -> Bill:
    with app.app_context():
        bill = db.session.scalar(db.select(Bill).where(Bill.ticket_id == ticket_id))
        _ = [bill.lines, bill.payments]
        db.session.expunge_all()
        return bill


def test_an_out_of_warranty_repair_is_billed_shown_signed_frozen_and_printed(app, login_as):
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    engineer = login_as("engineer")
    page = engineer.get(f"/m/jobs/{ticket_id}/acceptance", headers=EN).get_data(as_text=True)
    # labour (40 min recorded, the senior rate of displays: 180/h), the part at its catalogue price, the
    # call-out of the 苏州工业园区 zone: all the customer's, out of warranty.
    assert "Charged: out of warranty" in page and "¥120.00" in page and "¥1280.00" in page and "¥60.00" in page
    assert "To pay: ¥1460.00" in page and "No charge" not in page
    response = engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", answer(engineer, ticket_id))
    assert response.status_code == 302
    bill = _bill(app, ticket_id)
    assert bill.is_frozen and bill.due_fen == 146000 and bill.covered_fen == 0
    assert [(line.kind, line.payer) for line in bill.lines] == [("labour", "customer"), ("part", "customer"),
                                                              ("callout", "customer")]
    with app.app_context():
        assert billing.stored_totals(db.session.get(Bill, bill.id)).due == bill.due_fen
        # A new price list for today changes nothing on the signed bill.
        db.session.add(PriceList(name="涨价", valid_from=date.today(), labour_rates={"display": [99900, 99900]}))
        db.session.commit()
        billing.refresh(db.session.get(Ticket, ticket_id))
        assert db.session.get(Bill, bill.id).due_fen == 146000
    text = pdf_text(app, ticket_id)
    assert "应付金额" in text and "1460.00" in text and "Out of warranty" in text


def test_a_contract_customer_has_every_line_covered_by_the_contract(app, login_as):
    with app.app_context():
        company = db.session.scalar(db.select(Customer).where(Customer.kind == "company"))
        model = db.session.scalar(db.select(ProductModel).order_by(ProductModel.id))
        db.session.add(Asset(customer_id=company.id, product_model=model, serial="CT-0001",
                             purchase_date=date(2020, 1, 1)))
        db.session.add(ServiceContract(number="SC-T-1", customer_id=company.id, scope="list", serials=["CT-0001"],
                                       covers=["labour", "part", "callout"], valid_from=date(2026, 1, 1),
                                       valid_to=date(2099, 12, 31), visits_per_year=6))
        db.session.commit()
    ticket_id = make_ticket(app, status="resolved", serial="CT-0001")
    page = login_as("engineer").get(f"/m/jobs/{ticket_id}/acceptance", headers=EN).get_data(as_text=True)
    assert page.count("Covered: service contract") == 3 and "Charged:" not in page
    assert "No charge: every line is covered" in page and "contract SC-T-1" in page


def test_a_bill_over_the_approved_quote_needs_a_new_approval_before_signing(app, login_as):
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        db.session.add(Quote(ticket_id=ticket_id, created_by_id=ticket.assignee_id, items=[], amount=Decimal("1000"),
                             status="approved", content_sha256="x" * 64))
        db.session.commit()
    engineer = login_as("engineer")
    response = engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", answer(engineer, ticket_id), headers=EN)
    assert response.status_code == 409
    assert "exceeds the approved quote" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).status == "resolved"
        # within 10 % (the price list's tolerance) it signs
        db.session.execute(db.update(Quote).where(Quote.ticket_id == ticket_id).values(amount=Decimal("1400")))
        db.session.commit()
    assert engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", answer(engineer, ticket_id)).status_code == 302


def test_the_desk_sends_a_bill_over_the_quote_as_a_new_quote_which_the_customer_approves(app, login_as):
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        db.session.add(Quote(ticket_id=ticket_id, created_by_id=ticket.assignee_id, items=[], amount=Decimal("1000"),
                             status="approved", content_sha256="x" * 64))
        db.session.commit()
    desk = login_as("agent")
    page = desk.get(f"/desk/tickets/{ticket_id}/bill", headers=EN).get_data(as_text=True)
    assert "exceeds the approved quote" in page
    assert desk.post_form(f"/desk/tickets/{ticket_id}/bill/quote", {}).status_code == 302
    with app.app_context():
        quote = db.session.scalar(db.select(Quote).where(Quote.status == "pending"))
        assert quote.amount == Decimal("1460.00")
        # the customer's approval (the existing quote decision) makes the bill signable
        quote.status = "approved"
        quote.decided_at = quote.created_at
        db.session.commit()
    assert "exceeds the approved quote" not in desk.get(f"/desk/tickets/{ticket_id}/bill",
                                                        headers=EN).get_data(as_text=True)


def test_the_signed_summary_with_its_bill_reads_the_same_in_either_language(app, login_as):
    """The bill is part of the hashed summary: it holds codes, not text in the reader's language, so a customer
    who switches language between reading and signing is not refused."""
    from tests.web.test_acceptance import shown_hash
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    engineer = login_as("engineer")
    chinese = shown_hash(engineer, ticket_id)
    engineer.post_form("/language", {"locale": "en", "next": "/"})
    english_page = engineer.get(f"/m/jobs/{ticket_id}/acceptance", headers=EN).get_data(as_text=True)
    assert "Labour" in english_page and f'value="{chinese}"' in english_page
    response = engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", answer(engineer, ticket_id), headers=EN)
    assert response.status_code == 302


def test_a_supervisor_waives_the_call_out_as_goodwill_with_a_reason(app, login_as):
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    agent = login_as("agent")
    assert "Waive a line" not in agent.get(f"/desk/tickets/{ticket_id}/bill", headers=EN).get_data(as_text=True)
    assert agent.post_form(f"/desk/tickets/{ticket_id}/bill/goodwill", {"key": "callout:苏州工业园区",
                                                                         "reason": "x"}).status_code == 403
    supervisor = login_as("supervisor")
    no_reason = supervisor.post_form(f"/desk/tickets/{ticket_id}/bill/goodwill", {"key": "callout:苏州工业园区",
                                                                                   "reason": ""}, headers=EN)
    assert no_reason.status_code == 422
    assert supervisor.post_form(f"/desk/tickets/{ticket_id}/bill/goodwill", {
        "key": "callout:苏州工业园区", "reason": "老客户，主管批准免上门费"}).status_code == 302
    page = login_as("engineer").get(f"/m/jobs/{ticket_id}/acceptance", headers=EN).get_data(as_text=True)
    assert "Waived as goodwill: 老客户，主管批准免上门费" in page and "To pay: ¥1400.00" in page
