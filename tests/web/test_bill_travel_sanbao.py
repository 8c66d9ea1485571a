"""Travel time on the job, the bill and the confirmation (billed per started quarter hour where the price list
has a travel rate), and the 三包 entitlement feeding who pays: free repair lines inside the period, at its
last day and the day after, through the bill."""
from datetime import timedelta

import pytest

from portal.domain.time import as_utc
from portal.domain.warranty import add_months
from portal.extensions import db
from portal.models import (
    Asset,
    Bill,
    Customer,
    EntitlementDecision,
    PriceList,
    ProductModel,
    ServiceContract,
    Ticket,
    User,
    Visit,
)
from portal.services import billing
from portal.services.localtime import local_today
from tests.web.factories import make_ticket
from tests.web.test_acceptance import EN, answer, pdf_text


def _travel(app, ticket_id, minutes, rate_fen):
    """The phone's "On my way" `minutes` before the arrival, and the price list's travel rate."""
    with app.app_context():
        visit = db.session.scalar(db.select(Visit).where(Visit.ticket_id == ticket_id))
        visit.on_the_way_at = as_utc(visit.arrived_at) - timedelta(minutes=minutes)
        for price_list in db.session.scalars(db.select(PriceList)):
            price_list.travel_quarter_fen = rate_fen
        db.session.commit()


def _lines(app, ticket_id):
    with app.test_request_context():
        computed = billing.compute(db.session.get(Ticket, ticket_id))
        return computed, {line.kind: line for line in computed.lines}


def test_travel_is_billed_per_started_quarter_hour_shown_and_printed(app, login_as):
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    before, _ = _lines(app, ticket_id)
    _travel(app, ticket_id, 23, 1550)  # 23 min: two started quarter hours at ¥15.50
    computed, lines = _lines(app, ticket_id)
    travel = lines["travel"]
    assert (travel.quantity, travel.unit_price, travel.amount, travel.payer) == (30, 1550, 3100, "customer")
    assert travel.reason == "out_of_warranty" and travel.vat_bp == lines["labour"].vat_bp
    assert computed.totals.due == before.totals.due + 3100 and computed.travel_minutes == 23
    engineer = login_as("engineer")
    page = engineer.get(f"/m/jobs/{ticket_id}/acceptance", headers=EN).get_data(as_text=True)
    assert "Travel (On my way to arrival): 23 min" in page and "¥15.50/15 min" in page and "¥31.00" in page
    job = engineer.get(f"/m/jobs/{ticket_id}", headers=EN).get_data(as_text=True)
    assert "travel 23 min" in job
    assert engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", answer(engineer, ticket_id)).status_code == 302
    with app.app_context():
        bill = db.session.scalar(db.select(Bill).where(Bill.ticket_id == ticket_id))
        assert bill.is_frozen and bill.due_fen == before.totals.due + 3100
        assert [x.kind for x in bill.lines] == ["labour", "travel", "part", "callout"]
        assert billing.stored_totals(bill).due == bill.due_fen
    text = pdf_text(app, ticket_id)
    assert "Travel (On my way to arrival): 23 分钟 min" in text and "31.00" in text and "/15 min" in text
    bill_page = engineer.get(f"/m/jobs/{ticket_id}/bill", headers=EN)
    assert bill_page.status_code == 200 and "Travel (On my way to arrival): 23 min" in bill_page.get_data(True)


def test_travel_is_shown_but_not_billed_without_a_travel_rate(app, login_as):
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    _travel(app, ticket_id, 14, 0)
    computed, lines = _lines(app, ticket_id)
    assert "travel" not in lines and computed.travel_minutes == 14
    page = login_as("engineer").get(f"/m/jobs/{ticket_id}/acceptance", headers=EN).get_data(as_text=True)
    assert "Travel (On my way to arrival): 14 min" in page


def test_a_contract_covering_the_call_out_covers_the_travel(app):
    with app.app_context():
        company = db.session.scalar(db.select(Customer).where(Customer.kind == "company"))
        model = db.session.scalar(db.select(ProductModel).order_by(ProductModel.id))
        db.session.add(Asset(customer_id=company.id, product_model=model, serial="CT-TRV",
                             purchase_date=local_today() - timedelta(days=3000)))
        db.session.add(ServiceContract(number="SC-TRV", customer_id=company.id, scope="list", serials=["CT-TRV"],
                                       covers=["labour", "callout"], valid_from=local_today() - timedelta(days=10),
                                       valid_to=local_today() + timedelta(days=300)))
        db.session.commit()
    ticket_id = make_ticket(app, status="resolved", serial="CT-TRV")
    _travel(app, ticket_id, 40, 1000)
    _, lines = _lines(app, ticket_id)
    assert (lines["travel"].quantity, lines["travel"].amount) == (45, 3000)
    assert (lines["travel"].payer, lines["travel"].reason) == ("contract", "contract")
    assert (lines["part"].payer, lines["part"].reason) == ("customer", "contract_excludes")


# ---- 三包 -----------------------------------------------------------------------------------------------------

def _unit_bought(app, days_before_period_end: int) -> int:
    """A unit whose 三包 period (12 months from the invoice) ends `days_before_period_end` days from today
    (negative: ended that many days ago); the model's own warranty (6 months) is over either way."""
    with app.app_context():
        today = local_today()
        start = add_months(today + timedelta(days=days_before_period_end), -12)
        company = db.session.scalar(db.select(Customer).where(Customer.kind == "company"))
        model = db.session.scalar(db.select(ProductModel).order_by(ProductModel.id))
        model.warranty_months = 6
        db.session.add(Asset(customer_id=company.id, product_model=model, serial="SB-0001", purchase_date=start,
                             invoice_date=start))
        db.session.commit()
    return make_ticket(app, status="resolved", serial="SB-0001")


@pytest.mark.parametrize(("days", "free"), [(1, True), (0, True), (-1, False)],
                         ids=["day before the end", "last day", "day after"])
def test_sanbao_period_makes_every_line_free_up_to_its_last_day(app, login_as, days, free):
    ticket_id = _unit_bought(app, days)
    computed, lines = _lines(app, ticket_id)
    with app.app_context():
        period_end = local_today() + timedelta(days=days)
    assert set(lines) == {"labour", "part", "callout"}
    if free:
        assert {(line.payer, line.reason) for line in computed.lines} == {("sanbao", "sanbao")}
        assert computed.totals.due == 0 and computed.sanbao_until == period_end
    else:
        assert {(line.payer, line.reason) for line in computed.lines} == {("customer", "out_of_warranty")}
        assert computed.totals.due > 0 and computed.sanbao_until is None
    engineer = login_as("engineer")
    page = engineer.get(f"/m/jobs/{ticket_id}/acceptance", headers=EN).get_data(as_text=True)
    if free:
        until = f"(三包 period until {period_end.isoformat()})"
        assert page.count("Covered: 三包 entitlement") == 3 and page.count(until) == 3
    else:
        assert "三包" not in page.split('data-bill')[1].split("</table>")[0]
    # Through the signed bill: its lines and the period are kept, and printed.
    assert engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", answer(engineer, ticket_id)).status_code == 302
    with app.app_context():
        bill = db.session.scalar(db.select(Bill).where(Bill.ticket_id == ticket_id))
        assert bill.is_frozen and {x.payer for x in bill.lines} == ({"sanbao"} if free else {"customer"})
        assert bill.sanbao_until == (period_end if free else None)
        assert (bill.due_fen == 0) is free
    text = pdf_text(app, ticket_id)
    assert (f"(≤ {period_end.isoformat()})" in text) is free


def test_a_desk_decision_for_a_paid_repair_takes_precedence(app):
    ticket_id = _unit_bought(app, 30)
    with app.app_context():
        agent = db.session.scalar(db.select(User).where(User.email == "agent@example.com"))
        db.session.add(EntitlementDecision(ticket_id=ticket_id, decision="paid_repair", reason="客户要求加急付费维修",
                                           entitlement={}, decided_by_id=agent.id))
        db.session.commit()
    computed, _ = _lines(app, ticket_id)
    assert {line.payer for line in computed.lines} == {"customer"} and computed.sanbao_until is None
