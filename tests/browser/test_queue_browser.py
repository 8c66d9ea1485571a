"""The desk queue in Chromium: active search swaps the rows as the supervisor types (a two-character
Chinese word included), and a bulk assignment sends exactly the ticked rows."""
import re

import pytest

from portal.extensions import db
from portal.models import Ticket
from tests.browser.conftest import sign_in
from tests.web.factories import make_ticket

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def test_search_and_bulk_assign(app, phone, artifacts):
    leak = make_ticket(app, status="triaged", description="洗衣机漏电,外壳麻手", priority="P1")
    screen = make_ticket(app, status="triaged", priority="P3", description="显示器黑屏")
    other = make_ticket(app, status="triaged", priority="P3", description="遥控器失灵")
    with app.app_context():
        numbers = {t: db.session.get(Ticket, t).number for t in (leak, screen, other)}
    page = sign_in(phone(), "supervisor@example.com", "supervisor-demo")
    page.goto("/desk/tickets")
    rows = page.locator("#ticket-rows")
    page.locator("input[name=q]").press_sequentially("漏电", delay=50)
    expect(rows).not_to_contain_text(numbers[screen])
    expect(rows).to_contain_text(numbers[leak])
    assert "q=" in page.url  # the search is in the URL

    page.locator("input[name=q]").fill("")
    page.locator("input[name=q]").press("Enter")
    expect(rows).to_contain_text(numbers[other])
    for ticket in (leak, screen):
        rows.locator(f"input[name=ids][value='{ticket}']").check()
    bulk = page.locator("#bulk-form")
    bulk.locator("summary").click()
    bulk.locator("[name=action]").select_option("assign")
    engineer = bulk.locator("[name=engineer_id] option", has_text=re.compile("陈工"))
    bulk.locator("[name=engineer_id]").select_option(engineer.get_attribute("value"))
    bulk.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("2")
    page.screenshot(path=artifacts / "desk-queue-bulk.png", full_page=True)
    with app.app_context():
        assert [db.session.get(Ticket, t).status for t in (leak, screen, other)] == ["assigned", "assigned",
                                                                                     "triaged"]
