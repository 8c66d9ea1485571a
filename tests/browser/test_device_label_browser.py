"""A device's QR label, end to end: the admin prints the customer's label sheet; a phone opens a label's URL,
confirms its number with the code from the outbox page, and registers a request that the desk sees with the
unit's model and serial filled in."""
import io
import os
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from portal.extensions import db
from portal.models import Asset
from portal.services import device_labels
from tests.browser.conftest import sign_in

SHOTS = os.environ.get("PORTAL_SHOTS")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_print_a_label_scan_it_and_register_a_request(app, phone, live_server):
    app.config["PUBLIC_BASE_URL"] = live_server  # the QR codes point at this server
    with app.test_request_context():
        asset = db.session.scalar(db.select(Asset).where(Asset.serial == "ABC2000-SN0001"))
        url, customer_id = device_labels.label_url(asset), asset.customer_id

    admin = sign_in(phone(), "admin@example.com", "admin-demo")
    admin.goto(f"/desk/customers/{customer_id}")
    admin.locator(f"input[name=unit][value='{asset.id}']").check()
    with admin.expect_response(re.compile(r"labels\.pdf")) as sheet:
        admin.locator("button[form=label-form][type=submit]").click()
    response = sheet.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = admin.request.get(response.url).body()  # the bytes (the page itself shows Chromium's PDF viewer)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "ABC2000-SN0001" in text and "ABC-2000" in text and "PX50-SN1001" not in text

    reporter = phone().new_page()
    reporter.goto(url)
    expect(reporter.locator("#label-serial")).to_have_text("ABC2000-SN0001")
    reporter.fill("#name", "王师傅")
    reporter.fill("#phone", "139 1234 0000")
    shot(reporter, "label-phone")
    reporter.get_by_role("button", name=re.compile("发送验证码|Send me the code")).click()
    expect(reporter.locator("#label-code")).to_be_visible()

    admin.goto("/desk/admin/outbox")
    body = admin.locator(".mail-body").first.inner_text()
    code = re.search(r"\d{6}", body).group(0)

    reporter.fill("#code", code)
    reporter.get_by_role("button", name=re.compile("^(确认|Confirm)$")).click()
    expect(reporter.locator("#label-report")).to_be_visible()
    reporter.fill("#description", "开机后屏幕一直黑屏，指示灯闪烁")
    shot(reporter, "label-report")
    reporter.get_by_role("button", name=re.compile("提交报修|Register my service request")).click()
    flash = reporter.locator(".flash")
    expect(flash).to_contain_text("SR")
    number = re.search(r"SR\d{12}", flash.inner_text()).group(0)
    shot(reporter, "label-done")

    agent = sign_in(phone(), "agent@example.com", "agent-demo")
    agent.goto("/desk/tickets")
    agent.locator(f"a:has-text('{number}')").first.click()
    expect(agent.locator("main")).to_contain_text("ABC2000-SN0001")
    expect(agent.locator("main")).to_contain_text("ABC-2000")
    expect(agent.locator("main")).to_contain_text("王师傅")
