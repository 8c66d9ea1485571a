"""Signing in Chromium on a Pixel viewport: with no signal through the outbox, after turning the phone,
and on the customer's own phone from a remote link."""
import base64
import io
import re

import pytest
from PIL import Image

from portal.extensions import db
from portal.models import Acceptance, Document, OutgoingMail, Ticket
from tests.browser.conftest import sign_in
from tests.browser.test_golden_path_browser import draw_signature
from tests.browser.test_offline import expect_count, ready_for_offline
from tests.web.factories import make_ticket

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def fill_answer(page):
    page.locator("[name=functional_check]").fill("开机运行一小时,画面正常")
    page.locator("[name=customer_verification]").fill("观察一小时无异常")
    page.locator("#acceptance-form fieldset.rating input[value='5']").check()
    page.locator("[name=signer_name]").fill("张伟")
    draw_signature(page)


def counts(app, ticket_id):
    with app.app_context():
        return (db.session.scalar(db.select(db.func.count()).select_from(Acceptance)
                                  .where(Acceptance.ticket_id == ticket_id)),
                db.session.scalar(db.select(db.func.count()).select_from(Document)
                                  .where(Document.ticket_id == ticket_id)),
                db.session.get(Ticket, ticket_id).status)


def test_the_customer_signs_with_no_signal_and_it_lands_once(app, phone, artifacts):
    ticket_id = make_ticket(app, status="resolved")
    context = phone()
    page = ready_for_offline(context, [ticket_id])
    context.set_offline(True)
    page.goto(f"/m/jobs/{ticket_id}/acceptance")  # kept on the phone by the service worker
    expect(page.locator("canvas#signature-pad")).to_be_visible()
    # Accepting without a signature is caught on the phone, before anything is queued.
    page.locator("[name=functional_check]").fill("开机运行一小时,画面正常")
    page.locator("[name=customer_verification]").fill("观察一小时无异常")
    page.locator("[name=signer_name]").fill("张伟")
    page.locator("#acceptance-form button[type=submit]").click()
    expect(page.locator("[data-signature-error]")).to_be_visible()
    expect_count(page, 0)
    draw_signature(page)
    expect(page.locator("[data-signature-error]")).to_be_hidden()
    page.locator("#acceptance-form button[type=submit]").click()
    expect_count(page, 1)
    expect(page.locator("#acceptance-form")).to_be_hidden()  # signed once: no second tap
    page.screenshot(path=artifacts / "accept-1-signed-offline.png")
    assert counts(app, ticket_id) == (0, 0, "resolved")

    context.set_offline(False)
    page.wait_for_url(re.compile(rf"/m/jobs/{ticket_id}$"), timeout=30_000)
    expect(page.locator("#job-status.status-closed")).to_be_visible()
    expect_count(page, 0)
    assert counts(app, ticket_id) == (1, 1, "closed")


def test_the_signature_survives_turning_the_phone(app, phone, artifacts):
    ticket_id = make_ticket(app, status="resolved")
    page = sign_in(phone(), "engineer@example.com", "engineer-demo")
    page.goto(f"/m/jobs/{ticket_id}/acceptance")
    fill_answer(page)
    before = page.locator("#acceptance-form [name=signature]").input_value()
    ink = "c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;" \
          " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"
    assert page.locator("canvas#signature-pad").evaluate(ink) > 100
    page.set_viewport_size({"width": 915, "height": 412})  # landscape
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts / "accept-2-landscape.png")
    assert page.locator("canvas#signature-pad").evaluate(ink) > 100, "the strokes are redrawn after resizing"
    page.set_viewport_size({"width": 412, "height": 915})
    page.wait_for_timeout(300)
    assert page.locator("canvas#signature-pad").evaluate(ink) > 100
    assert page.locator("#acceptance-form [name=signature]").input_value() == before
    page.locator("#acceptance-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/m/jobs/{ticket_id}$"), timeout=20_000)
    assert counts(app, ticket_id) == (1, 1, "closed")


def test_remote_signing_on_the_customers_own_phone(app, phone, login_as, artifacts):
    ticket_id = make_ticket(app, status="resolved")
    desk = login_as("agent").post_form(f"/desk/tickets/{ticket_id}/signing-link", {}).get_data(as_text=True)
    assert "/sign/" not in desk  # e-mailed to the contact, never shown at the desk
    url = re.search(r"(http\S+/sign/\S+)", last_mail(app, "signing_link")).group(1)
    page = phone().new_page()
    page.goto(url[url.index("/sign/"):])
    page.wait_for_url(re.compile(r"/sign/$"))  # the token leaves the address bar
    expect(page.locator(".customer-facing .summary")).to_be_visible()
    page.locator("#signing-code button[type=submit]").click()
    expect(page.locator("#signing-code [role=status]")).to_be_visible()
    code = re.search(r"[:：]\s*(\d{6})", last_mail(app, "signing_code")).group(1)
    page.locator("[name=customer_verification]").fill("取回后试用一天,正常")
    page.locator("[name=signer_name]").fill("周敏")
    page.locator("[name=code]").fill(code)
    draw_signature(page)
    page.screenshot(path=artifacts / "accept-3-remote.png", full_page=True)
    page.locator("#acceptance-form button[type=submit]").click()
    expect(page.locator("#sign-done")).to_be_visible()
    page.screenshot(path=artifacts / "accept-4-remote-done.png")
    assert counts(app, ticket_id) == (1, 1, "closed")


def test_a_big_sharp_screen_sends_a_signature_of_at_most_1600_by_600(app, browser, live_server, login_as):
    ticket_id = make_ticket(app, status="resolved")
    login_as("agent").post_form(f"/desk/tickets/{ticket_id}/signing-link", {})
    url = re.search(r"(http\S+/sign/\S+)", last_mail(app, "signing_link")).group(1)
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, device_scale_factor=3,
                                  base_url=live_server, locale="en")
    try:
        page = context.new_page()
        page.goto(url[url.index("/sign/"):])
        page.locator("#signing-code button[type=submit]").click()
        expect(page.locator("#signing-code [role=status]")).to_be_visible()
        size = page.locator("canvas#signature-pad").evaluate("c => [c.width, c.height]")
        assert size[0] > 1600 and size[1] > 600, size  # the pad draws at the screen's full sharpness
        page.locator("[name=customer_verification]").fill("Tried it for a day: fine")
        page.locator("[name=signer_name]").fill("Zhou Min")
        page.locator("[name=code]").fill(re.search(r"[:：]\s*(\d{6})", last_mail(app, "signing_code")).group(1))
        draw_signature(page)
        value = page.locator("#acceptance-form [name=signature]").input_value()
        sent = Image.open(io.BytesIO(base64.b64decode(value.split(",", 1)[1])))
        assert sent.width <= 1600 and sent.height <= 600, sent.size
        assert sent.getchannel("A").getbbox() is not None  # the strokes came along
        page.locator("#acceptance-form button[type=submit]").click()
        expect(page.locator("#sign-done")).to_be_visible()
    finally:
        context.close()
    assert counts(app, ticket_id) == (1, 1, "closed")


def last_mail(app, kind) -> str:
    with app.app_context():
        return db.session.scalar(db.select(OutgoingMail.body).where(OutgoingMail.kind == kind)
                                 .order_by(OutgoingMail.id.desc()).limit(1))
