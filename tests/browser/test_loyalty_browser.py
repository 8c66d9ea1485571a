"""Loyalty points in the issue's "Done when": a customer earns points on a paid repair (the engineer records the
WeChat payment on the phone), sees them on the portal, and spends them on the next repair's bill before signing;
the signed bill keeps the discount and the points page shows the spending."""
import pytest

from portal.extensions import db
from portal.models import Bill, Ticket
from tests.browser.conftest import sign_in
from tests.web.factories import make_ticket
from tests.web.test_acceptance import answer

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def test_points_earned_on_a_paid_repair_are_seen_and_spent_on_the_next_bill(app, phone, login_as, artifacts):
    first = make_ticket(app, status="resolved", serial="PX50-SN1001")
    with app.app_context():
        tier = db.session.get(Ticket, first).customer.tier_info
        earned = 1460 * (tier.points_percent if tier else 100) // 100

    # Paid in full by WeChat on the engineer's phone: the customer earns points (per yuan, times the tier).
    engineer = sign_in(phone(), "engineer@example.com", "engineer-demo")
    engineer.goto(f"/m/jobs/{first}/bill")
    expect(engineer.locator("[data-due]")).to_have_attribute("data-due", "146000")
    engineer.locator("[name=method]").select_option("wechat")
    engineer.locator("[name=reference]").fill("4200002026113099990001")
    engineer.locator("form[action$='/payment'] button[type=submit]").click()
    for _ in range(150):  # sent through the phone's outbox
        with app.app_context():
            if db.session.scalar(db.select(Bill.paid_fen).where(Bill.ticket_id == first)) == 146000:
                break
        engineer.wait_for_timeout(200)
    else:
        raise AssertionError("the payment did not arrive")

    # The customer sees them, with when they expire.
    customer = sign_in(phone(), "customer@example.com", "customer-demo")
    customer.goto("/my/points")
    expect(customer.locator(".points-balance strong")).to_have_text(str(earned))
    customer.screenshot(path=artifacts / "loyalty-1-points-earned.png", full_page=True)

    # The next repair: the customer spends 500 points on its bill before signing.
    second = make_ticket(app, status="resolved", serial="PX50-SN1001")
    customer.goto(f"/my/tickets/{second}")
    customer.locator("#bill-points-link").click()
    # (the main board fitted last time is inside its own warranty now: labour and call-out are charged)
    due = int(customer.locator("[data-due]").get_attribute("data-due"))
    assert due > 500
    customer.locator("#bill-points [name=points]").fill("500")
    customer.locator("#bill-points button[type=submit]").click()
    expect(customer.locator("[data-points-held]")).to_have_attribute("data-points-held", "500")
    expect(customer.locator("[data-due]")).to_have_attribute("data-due", str(due - 500))
    expect(customer.locator("tr[data-payer=customer]", has_text="积分抵扣")).to_have_count(1)
    customer.screenshot(path=artifacts / "loyalty-2-points-on-the-bill.png", full_page=True)

    # Signed at hand-over: the bill is frozen with its discount; the points are spent.
    web = login_as("engineer")
    assert web.post_form(f"/m/jobs/{second}/acceptance", answer(web, second)).status_code == 302
    with app.app_context():
        bill = db.session.scalar(db.select(Bill).where(Bill.ticket_id == second))
        assert bill.is_frozen and bill.due_fen == due - 500 and bill.lines[-1].kind == "points"
    customer.goto("/my/points")
    expect(customer.locator(".points-balance strong")).to_have_text(str(earned - 500))
    expect(customer.locator("main")).to_contain_text("账单抵扣")
    customer.screenshot(path=artifacts / "loyalty-3-points-spent.png", full_page=True)
