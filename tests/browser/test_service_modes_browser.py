"""One path per service mode in Chromium (phone viewport): a remote fix confirmed by the customer, a depot repair
from the customer's parcel to the pick-up, a 7-day return refunded."""
from datetime import timedelta

from portal.extensions import db
from portal.models import Parcel, Rma, Ticket
from portal.services.localtime import local_today
from tests.browser.conftest import sign_in
from tests.web.factories import make_ticket


def _triage(login_as, ticket_id, category, mode):
    login_as("agent").post_form(f"/desk/tickets/{ticket_id}/triage", {
        "category": category, "priority": "P3", "reason": "x", "mode": mode, "version": "1"})


def _status(app, ticket_id):
    with app.app_context():
        return db.session.get(Ticket, ticket_id).status


def test_a_remote_fix_confirmed_by_the_customer(app, phone, login_as, artifacts):
    ticket_id = make_ticket(app, status="new", description="显示终端无法连接 Wi-Fi,提示认证失败")
    _triage(login_as, ticket_id, "fault_repair", "remote")
    desk = sign_in(phone(), "agent@example.com", "agent-demo")
    desk.goto(f"/desk/tickets/{ticket_id}")
    form = desk.locator("#part-remote form").first
    form.locator("[name=minutes]").fill("20")
    form.locator("[name=tried]").fill("远程重新导入认证证书")
    form.locator("button[type=submit]").click()
    desk.wait_for_selector("#part-remote tr[data-result=fixed]")
    # One resolution path: the desk's "resolve without a visit", as for a consultation.
    desk.locator("#desk-resolve summary").click()
    desk.locator("#desk-resolve [name=summary]").fill("已远程更新证书,终端已联网")
    desk.screenshot(path=artifacts / "modes-remote-desk.png", full_page=True)
    desk.locator("#desk-resolve button[type=submit]").click()
    desk.wait_for_selector("#desk-resolve", state="detached")
    customer = sign_in(phone(), "customer@example.com", "customer-demo")
    customer.goto(f"/my/tickets/{ticket_id}")
    customer.wait_for_selector("#confirm-resolution")
    customer.screenshot(path=artifacts / "modes-remote-customer.png", full_page=True)
    customer.locator("#confirm-resolution form").first.locator("button").click()
    customer.wait_for_url(f"**/my/tickets/{ticket_id}**")
    assert _status(app, ticket_id) == "closed"


def test_a_depot_repair_from_the_customers_parcel(app, phone, login_as, artifacts):
    ticket_id = make_ticket(app, status="new", serial="BR-0001")
    _triage(login_as, ticket_id, "fault_repair", "depot")
    customer = sign_in(phone(), "customer@example.com", "customer-demo")
    customer.goto(f"/my/tickets/{ticket_id}")
    customer.wait_for_selector("#customer-depot form")
    customer.locator("#customer-depot [name=carrier]").select_option("SF")
    customer.locator("#customer-depot [name=tracking_number]").fill("12345")
    customer.locator("#customer-depot button[type=submit]").click()
    customer.wait_for_selector("#customer-depot [name=confirm_misfit], [name=confirm_misfit]")
    customer.screenshot(path=artifacts / "modes-depot-questioned.png", full_page=True)
    customer.locator("[name=tracking_number]").fill("SF1234567890123")
    customer.locator("form:has([name=tracking_number]) button[type=submit]").click()
    customer.wait_for_url(f"**/my/tickets/{ticket_id}**")
    with app.app_context():
        assert db.session.scalar(db.select(Parcel.tracking_number)) == "SF1234567890123"
    customer.goto(f"/my/tickets/{ticket_id}")
    customer.wait_for_selector("#customer-depot [data-parcel=in-parcel]")
    customer.screenshot(path=artifacts / "modes-depot-customer.png", full_page=True)


def test_a_seven_day_return_refunded(app, phone, login_as, artifacts):
    ticket_id = make_ticket(app, status="new", serial="BR-0002")
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        ticket.asset.purchase_date = local_today() - timedelta(days=4)
        ticket.asset.price_paid_fen = 259_900
        db.session.commit()
    _triage(login_as, ticket_id, "return", "depot")
    desk = sign_in(phone(), "agent@example.com", "agent-demo")
    desk.goto(f"/desk/tickets/{ticket_id}")
    desk.wait_for_selector("#part-rma form")
    assert "4" in desk.locator("#part-rma .entitlement").inner_text()
    desk.locator("#part-rma [name=reason]").fill("客户第4天要求退货")
    desk.locator("#part-rma button[type=submit]").click()
    desk.wait_for_selector("#part-rma [data-rma=requested]")
    login_as("supervisor").post_form(f"/desk/tickets/{ticket_id}/rma/approve", {})
    login_as("agent").post_form(f"/desk/tickets/{ticket_id}/rma/receive", {})
    desk.goto(f"/desk/tickets/{ticket_id}")
    desk.wait_for_selector("#part-rma [name=refund]")
    desk.locator("#part-rma [name=refund]").fill("2599")
    desk.screenshot(path=artifacts / "modes-rma-refund.png", full_page=True)
    desk.locator("#part-rma button[type=submit]").click()
    desk.wait_for_selector("#part-rma [data-refund='259900']")
    with app.app_context():
        assert db.session.scalar(db.select(Rma.refund_fen)) == 259_900
    assert _status(app, ticket_id) == "closed"
