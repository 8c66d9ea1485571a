"""Done when (issue 16): a supervisor opens the dashboard, narrows it to one model, follows a figure to the
matching queue, downloads the XLSX and the monthly PDF; no chart script or style trips the CSP on the way."""
import io
import re

import pytest
from openpyxl import load_workbook

from portal.extensions import db
from portal.models import ProductModel, Ticket
from tests.browser.conftest import sign_in
from tests.web.factories import make_ticket

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def test_supervisor_narrows_follows_and_downloads(app, browser, live_server, artifacts):
    ticket_id = make_ticket(app, status="closed", priority="P2")
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        number, model_id = ticket.number, ticket.product_model_id
        code = db.session.get(ProductModel, model_id).code
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", base_url=live_server,
                                  accept_downloads=True)
    context.set_default_timeout(15_000)
    page = sign_in(context, "supervisor@example.com", "supervisor-demo")
    page.goto("/desk/dashboard")
    expect(page.locator("svg.pygal-chart").first).to_be_visible()
    page.locator("select[name=model]").select_option(str(model_id))
    page.locator("#dashboard-filters button[type=submit]").click()
    page.wait_for_url(re.compile(rf"model={model_id}"))
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=False)

    # A figure (the category table's row) leads to the queue narrowed the same way.
    page.locator("table[data-table=category] tbody th a").first.click()
    page.wait_for_url(re.compile(r"/desk/tickets\?.*model="))
    expect(page.locator("#queue-narrowed")).to_contain_text(str(model_id))
    expect(page.get_by_text(number)).to_be_visible()

    page.goto(f"/desk/dashboard?model={model_id}")
    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert any(code in str(c.value) for row in book.worksheets[0].iter_rows(max_row=4) for c in row)

    page.goto("/desk/reports")
    page.locator("#report-form button[type=submit]").click()
    expect(page.locator("#monthly-report[data-state=done]")).to_be_visible(timeout=60_000)
    with page.expect_download() as pdf:
        page.locator("#monthly-report a[download]").click()
    assert open(pdf.value.path(), "rb").read(4) == b"%PDF"
    context.close()
