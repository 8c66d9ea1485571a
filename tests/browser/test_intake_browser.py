"""Intake in Chromium at a desk: the unit list fills the product fields, the serial and completeness panels
update while typing, a validation error keeps the picked photos, and "add to this ticket" makes no new one."""
import re

import pytest

from portal.extensions import db
from portal.models import Ticket, TicketEvent
from tests.browser.conftest import sign_in
from tests.browser.test_golden_path_browser import VIP_COMPANY, photo
from tests.web.factories import make_ticket

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def desk(browser, live_server):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US", base_url=live_server)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_intake_panels_update_while_typing_and_a_repeat_report_joins_the_open_ticket(app, desk, tmp_path):
    open_id = make_ticket(app, status="assigned", serial="ABC2000-SN0001")
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(Ticket))
    page = sign_in(desk, "agent@example.com", "agent-demo")
    page.goto("/desk/tickets/new")
    expect(page.locator("#completeness .score")).to_have_text("0 %")
    page.locator("[name=customer_id]").select_option(label=VIP_COMPANY)
    # A serial typed by hand that is one of the customer's units brings its model and purchase date.
    page.locator("[name=serial]").fill("abc2000-sn0001")
    expect(page.locator("#open-ticket")).to_be_visible()
    expect(page.locator("[name=purchase_date]")).to_have_value("2026-03-10")
    expect(page.locator("[name=product_model_id] option:checked")).to_contain_text("ABC-2000")
    unit = page.locator("#asset_id option[data-serial='PX50-SN1001']")
    expect(unit).to_have_count(1)
    page.locator("#asset_id").select_option(unit.get_attribute("value"))
    expect(page.locator("[name=serial]")).to_have_value("PX50-SN1001")
    expect(page.locator("[name=purchase_date]")).to_have_value("2024-08-01")
    expect(page.locator("#serial-facts [data-warranty]")).to_have_attribute("data-warranty", "expired")
    expect(page.locator("#completeness .score")).to_have_text("45 %")

    page.locator("[name=serial]").fill("abc2000-sn0001")
    expect(page.locator("#open-ticket")).to_be_visible()
    page.locator("[name=description]").fill("又黑屏了,指示灯也不亮")
    page.locator("[name=photos]").set_input_files(photo(tmp_path, "again.jpg"))
    expect(page.locator("#completeness .score")).to_have_text("70 %")
    expect(page.locator("#completeness [data-item=attachment]")).to_have_count(0)

    page.locator("#intake-form > button[type=submit]").click()  # no contact name yet: 422, form swapped
    expect(page.locator("#contact_name[aria-invalid=true]")).to_be_visible()
    assert page.evaluate("document.querySelector('#photos').files.length") == 1
    expect(page.locator("[name=description]")).to_have_value("又黑屏了,指示灯也不亮")

    page.locator("#open-ticket button").click()
    page.wait_for_url(re.compile(rf"/desk/tickets/{open_id}$"))
    page.locator("#part-history").scroll_into_view_if_needed()  # the history comes when scrolled to
    expect(page.locator("#part-history .timeline").first).to_be_visible()
    expect(page.locator("#ticket-panel")).to_contain_text("又黑屏了,指示灯也不亮")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Ticket)) == before
        assert db.session.scalar(db.select(db.func.count()).select_from(TicketEvent).where(
            TicketEvent.ticket_id == open_id, TicketEvent.kind == "intake_note")) == 1
