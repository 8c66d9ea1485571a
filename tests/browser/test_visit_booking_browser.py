"""Visits in Chromium (issue 13): the customer books a window of the engineer's real free time on the portal and
moves it; the supervisor sees it on the dispatch board marked as booked by the customer, moves it from there with
a reason; the customer sees the new time."""
from datetime import UTC, datetime, timedelta

import pytest

from portal.extensions import db
from portal.models import Ticket, Visit
from portal.services.localtime import local
from tests.browser.conftest import sign_in
from tests.web.factories import make_ticket
from tests.web.test_visit_booking import weekday

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def visit_at(app, ticket_id) -> datetime:
    with app.app_context():
        at = db.session.scalar(db.select(Visit.scheduled_at).where(Visit.ticket_id == ticket_id))
        return local(at if at.tzinfo else at.replace(tzinfo=UTC))


def test_customer_books_and_moves_the_desk_sees_it_and_moves_it_again(app, phone, artifacts):
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    with app.app_context():
        number = db.session.get(Ticket, ticket_id).number

    customer = sign_in(phone(), "customer@example.com", "customer-demo")
    customer.goto(f"/my/tickets/{ticket_id}")
    customer.locator("[data-visit-link]").click()
    windows = customer.locator("#visit-windows input[type=radio]")
    expect(windows.first).to_be_visible()
    customer.screenshot(path=artifacts / "visit-windows.png", full_page=True)
    first = windows.nth(0).get_attribute("data-window")
    windows.nth(0).check()
    customer.get_by_role("button", name="预约此时间").click()
    expect(customer.locator("#booked-visit")).to_contain_text(first[-5:])
    assert visit_at(app, ticket_id).strftime("%Y-%m-%d %H:%M") == first

    # Moved by the customer to another offered window (its own is no longer offered).
    moves = customer.locator("#visit-windows input[type=radio]")
    chosen = moves.nth(1).get_attribute("data-window")
    assert chosen != first
    moves.nth(1).check()
    customer.get_by_role("button", name="改约上门时间").click()
    expect(customer.locator("#booked-visit [data-visit-at]")).to_have_attribute("data-visit-at", chosen)
    customer.screenshot(path=artifacts / "visit-moved-by-customer.png", full_page=True)
    moved = visit_at(app, ticket_id)
    assert moved.strftime("%Y-%m-%d %H:%M") == chosen

    # The desk sees it on the dispatch board, marked, and moves it with a reason.
    desk = sign_in(phone(), "supervisor@example.com", "supervisor-demo")
    desk.goto(f"/desk/dispatch?start={moved.date().isoformat()}")
    cell = desk.locator(".board-visit.booked-by-customer", has_text=number)
    expect(cell).to_be_visible()
    expect(cell.locator("[data-booked-by-customer]")).to_have_text("客户自行预约")
    desk.screenshot(path=artifacts / "dispatch-booked-by-customer.png", full_page=True)
    cell.locator("a.visit-change").click()
    planned = desk.locator("[data-visit]").first
    planned.locator("summary", has_text="上门改期").click()
    new_day = weekday(moved.date() + timedelta(days=1))  # in the engineer's working hours
    planned.locator("input[type=date]").fill(new_day.isoformat())
    planned.locator("select[name$='-slot']").select_option("16:00")
    planned.get_by_label("改期原因").fill("工程师当天需支援 P1 故障")
    desk.screenshot(path=artifacts / "planned-visits.png", full_page=True)
    planned.get_by_role("button", name="改期", exact=True).click()
    expect(desk.locator("main")).to_contain_text("已通知客户和工程师")
    new_at = f"{new_day.isoformat()} 16:00"
    assert visit_at(app, ticket_id).strftime("%Y-%m-%d %H:%M") == new_at

    # The customer sees the desk's new time on the visit page and the ticket page.
    customer.goto(f"/my/tickets/{ticket_id}/visit")
    expect(customer.locator("#booked-visit [data-visit-at]")).to_have_attribute("data-visit-at", new_at)
    customer.goto(f"/my/tickets/{ticket_id}")
    expect(customer.locator("main")).to_contain_text(new_at)
    expect(customer.locator("main")).not_to_contain_text("支援 P1")  # the desk's reason stays internal
    customer.screenshot(path=artifacts / "visit-moved-by-desk.png", full_page=True)
