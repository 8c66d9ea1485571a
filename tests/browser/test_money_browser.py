"""The money of a repair, as the issue's "Done when": an out-of-warranty on-site repair is quoted, approved on the
portal, repaired with one more part than quoted (approval asked again), billed, paid by WeChat reference on the
phone offline, signed on the phone's signature pad (refused first, over the approved quote); the customer
downloads the bill and requests a special VAT invoice that the back office marks issued."""
import io
import re
import zipfile
from datetime import UTC, datetime

import pytest

from portal.extensions import db
from portal.models import Bill, InvoiceRequest, Part, Payment, Quote, Ticket, User
from portal.services import fieldwork
from tests.browser.conftest import sign_in
from tests.browser.test_golden_path_browser import draw_signature
from tests.web.factories import make_ticket

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def sign_on_the_phone(page, ticket_id):
    """The customer checks the work and signs on the engineer's phone, the bill in the summary above."""
    page.goto(f"/m/jobs/{ticket_id}/acceptance")
    expect(page.locator("canvas#signature-pad")).to_be_visible()
    expect(page.locator(".customer-facing [data-bill]")).to_be_visible()
    page.locator("[name=functional_check]").fill("开机运行一小时,画面正常")
    page.locator("[name=customer_verification]").fill("观察一小时无异常")
    page.locator("#acceptance-form fieldset.rating input[value='5']").check()
    page.locator("[name=signer_name]").fill("张伟")
    draw_signature(page)
    expect(page.locator("#acceptance-form [name=signature]")).to_have_value(re.compile(r"^data:image/png;base64,"))
    page.locator("#acceptance-form button[type=submit]").click()


def approve_quote(page, ticket_id):
    page.goto(f"/my/tickets/{ticket_id}")
    page.locator("#quote [name=name]").fill("张伟")
    page.locator("#quote button[value=approve]").click()
    page.wait_for_selector(".quote-decided")


def test_quote_approval_again_offline_wechat_payment_bill_and_special_invoice(app, phone, login_as, artifacts):
    ticket_id = make_ticket(app, status="in_progress", serial="PX50-SN1001")
    desk = login_as("agent")
    desk.post_form(f"/desk/tickets/{ticket_id}/quotes", {
        "item-0-description": "主控板", "item-0-quantity": "1", "item-0-unit_price": "1280",
        "item-1-description": "人工费", "item-1-quantity": "1", "item-1-unit_price": "120",
        "item-2-description": "上门费", "item-2-quantity": "1", "item-2-unit_price": "60", "note": "保修期外"})
    customer = sign_in(phone(), "customer@example.com", "customer-demo")
    approve_quote(customer, ticket_id)

    # Repaired with one more part than quoted: the main board and the LCD panel.
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        engineer = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        board, panel = (db.session.scalar(db.select(Part.id).where(Part.code == c)) for c in ("PCB-ABC-MAIN",
                                                                                            "LCD-ABC-15"))
        fieldwork.record_work(ticket, engineer, work_done="更换主控板和液晶屏", labour_minutes=40,
                              parts=[{"part_id": board, "quantity": 1, "installed_serial": "NEW-1"},
                                     {"part_id": panel, "quantity": 1, "installed_serial": "NEW-2"}],
                              today=datetime.now(UTC).date())
        fieldwork.hand_over(ticket, engineer)
        db.session.commit()

    # The bill (2245.00: a quarter hour on site) is over the approved quote (1460.00): the customer signs on the
    # engineer's phone, and the signature is refused until the customer approves again.
    context = phone()
    page = sign_in(context, "engineer@example.com", "engineer-demo")
    sign_on_the_phone(page, ticket_id)
    # The outbox shows the refused signature with the server's reason; the engineer drops it (the customer signs
    # again once the new amount is approved).
    refused = page.locator("#sync-bar .sync-item.state-failed")
    expect(refused).to_have_count(1, timeout=30_000)
    page.goto(f"/m/jobs/{ticket_id}")  # the signing screen is the customer's: the sync bar is on the job
    page.locator("#sync-bar [data-sync-toggle]").click()
    expect(refused.locator(".sync-error")).to_contain_text("账单超出已批准的报价")
    page.screenshot(path=artifacts / "money-0-signature-refused.png", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    refused.locator("[data-action=discard]").click()
    expect(page.locator("#sync-bar")).to_have_attribute("data-count", "0")
    with app.app_context():
        assert db.session.scalar(db.select(Bill.status).where(Bill.ticket_id == ticket_id)) != "signed"
    assert desk.post_form(f"/desk/tickets/{ticket_id}/bill/quote", {}).status_code == 302
    approve_quote(customer, ticket_id)
    with app.app_context():
        assert db.session.scalar(db.select(Quote.amount).where(Quote.ticket_id == ticket_id, Quote.status ==
                                                               "approved").order_by(Quote.id.desc()).limit(1)) == 2245

    # Paid by WeChat on the phone, offline: the outbox keeps it and sends it once the network returns.
    page.goto(f"/m/jobs/{ticket_id}/bill")
    expect(page.locator("[data-due]")).to_have_attribute("data-due", "224500")
    page.screenshot(path=artifacts / "money-1-bill-on-phone.png", full_page=True)
    context.set_offline(True)
    page.locator("[name=method]").select_option("wechat")
    page.locator("[name=reference]").fill("4200002026113012345678")
    page.locator("form[action$='/payment']").evaluate("form => form.requestSubmit()")
    expect(page.locator("#sync-bar")).to_have_attribute("data-count", "1")
    context.set_offline(False)
    expect(page.locator("#sync-bar")).to_have_attribute("data-count", "0", timeout=30_000)
    with app.app_context():
        payment = db.session.scalar(db.select(Payment))
        assert (payment.method, payment.amount_fen, payment.reference) == ("wechat", 224500, "4200002026113012345678")

    # Signed on the phone's signature pad: the bill is frozen.
    sign_on_the_phone(page, ticket_id)
    page.wait_for_url(re.compile(rf"/m/jobs/{ticket_id}$"))
    expect(page.locator("#job-status.status-closed")).to_be_visible()
    page.screenshot(path=artifacts / "money-1b-signed-on-phone.png", full_page=True)
    with app.app_context():
        bill = db.session.scalar(db.select(Bill).where(Bill.ticket_id == ticket_id))
        assert bill.status == "signed" and bill.due_fen == bill.paid_fen == 224500

    # The customer downloads the bill and requests a special VAT invoice.
    customer.goto(f"/my/tickets/{ticket_id}")
    customer.locator("#bill-link").click()
    with customer.expect_download() as download:
        customer.locator("a[href$='bill.pdf']").click()
    assert download.value.suggested_filename.endswith(".pdf")
    customer.locator("input[name=kind][value=special]").check()
    for name, value in (("tax_number", "91320594MA1XYZ1234"), ("address", "苏州工业园区星湖街 328 号"),
                        ("phone", "0512-66668888"), ("bank", "招商银行苏州分行"), ("bank_account", "512900001234567")):
        customer.locator(f"[name={name}]").fill(value)
    customer.screenshot(path=artifacts / "money-2-invoice-request.png", full_page=True)
    customer.locator("#invoice button[type=submit]").click()
    expect(customer.locator("[data-invoice-status]")).to_have_attribute("data-invoice-status", "pending")

    # The back office marks it issued with the e-invoice (OFD); the customer downloads it.
    office = sign_in(phone(), "backoffice@example.com", "backoffice-demo")
    office.goto("/desk/money")
    office.locator("#invoice-requests a", has_text="标记为已开具").first.click()
    office.locator("[name=invoice_number]").fill("24322000000012345678")
    ofd = io.BytesIO()
    with zipfile.ZipFile(ofd, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    office.locator("[name=file]").set_input_files({"name": "发票.ofd", "mimeType": "application/octet-stream",
                                                   "buffer": ofd.getvalue()})
    office.locator("main form button[type=submit]").click()
    office.wait_for_url("**/desk/money")
    with app.app_context():
        assert db.session.scalar(db.select(InvoiceRequest.status)) == "issued"
    customer.reload()
    expect(customer.locator("[data-invoice-status]")).to_have_attribute("data-invoice-status", "issued")
    customer.screenshot(path=artifacts / "money-3-invoice-issued.png", full_page=True)
    with customer.expect_download() as invoice:
        customer.locator("a[href$='/invoice']").click()
    assert invoice.value.suggested_filename.endswith(".ofd")
