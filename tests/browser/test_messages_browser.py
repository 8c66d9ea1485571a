"""A message followed in Chromium from the action that causes it: the engineer taps "On my way" on the phone's
job page; the admin reads it on the outbox page of the log provider (what the text-message provider would have
been given); the customer's bell counts it and the inbox shows it, with the engineer's name."""
import pytest

from portal.extensions import db
from portal.models import Ticket
from tests.browser.conftest import sign_in
from tests.web.factories import make_ticket

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def test_on_my_way_reaches_the_outbox_and_the_customers_inbox(app, phone, artifacts):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    with app.app_context():
        number = db.session.get(Ticket, ticket_id).number
    engineer = sign_in(phone(), "engineer@example.com", "engineer-demo")
    engineer.goto(f"/m/jobs/{ticket_id}")
    engineer.locator("select[name=eta_minutes]").select_option("30")
    engineer.get_by_role("button", name="我已出发").click()
    expect(engineer.locator("#on-the-way")).to_contain_text("已出发")
    engineer.screenshot(path=artifacts / "job-on-my-way.png", full_page=True)

    admin = sign_in(phone(), "admin@example.com", "admin-demo")
    admin.goto("/desk/admin/outbox")
    body = admin.locator("main")
    expect(body).to_contain_text("engineer_on_the_way")
    expect(body).to_contain_text(number)
    expect(body).to_contain_text("陈工")
    admin.screenshot(path=artifacts / "outbox-on-my-way.png", full_page=True)

    customer = sign_in(phone(), "customer@example.com", "customer-demo")
    bell = customer.locator("#bell")
    expect(bell.locator("[data-unread]")).to_be_visible()
    before = int(bell.locator("[data-unread]").get_attribute("data-unread"))
    assert before >= 2  # registered, engineer assigned, on the way
    bell.click()
    inbox = customer.locator("main")
    expect(inbox).to_contain_text("已出发")
    expect(inbox).to_contain_text(number)
    first = inbox.locator("li, article").filter(has_text="已出发").first
    expect(first).to_contain_text("陈工")
    customer.screenshot(path=artifacts / "inbox-on-my-way.png", full_page=True)
