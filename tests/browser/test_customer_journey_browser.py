"""The customer's whole journey on a phone: request service, follow the ticket while the desk and the
engineer work on it, download the signed confirmation, and rate the service."""
import re
from datetime import UTC, datetime

import pytest

from portal.extensions import db
from portal.models import Part, Survey, Ticket, User
from portal.services import acceptance, fieldwork, tickets
from tests.browser.conftest import sign_in
from tests.conftest import signature_png

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def work_through(app, ticket_id: int) -> None:
    """The desk triages and assigns, the engineer repairs, the customer signs on the engineer's phone."""
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        user = {u.email: u for u in db.session.scalars(db.select(User))}
        agent, engineer = user["agent@example.com"], user["engineer@example.com"]
        suggested = tickets.suggest_priority(ticket).priority
        tickets.triage(ticket, agent, category="fault_repair", priority=suggested, reason=None, version=None)
        tickets.assign(ticket, agent, engineer=engineer, version=None)
        fieldwork.record_arrival(ticket, engineer)
        fieldwork.record_inspection(ticket, engineer, findings="背光驱动板损坏", photos=[])
        part = db.session.scalar(db.select(Part).order_by(Part.id))
        fieldwork.record_work(ticket, engineer, work_done="更换背光驱动板", labour_minutes=30,
                              parts=[{"part_id": part.id, "quantity": 1, "installed_serial": "BL-01"}],
                              today=datetime.now(UTC).date())
        fieldwork.hand_over(ticket, engineer)
        acceptance.accept_work(ticket, engineer, acceptance.Signing(
            signer_name="张经理", signature_png=signature_png(), client_signed_at=datetime.now(UTC),
            shown_summary_sha256=acceptance.summary_hash(ticket), functional_check="开机画面正常",
            customer_verification="观察半小时无异常", rating=None, user_agent="pytest", ip_address="127.0.0.1"))
        db.session.commit()


def test_from_request_to_rating_on_a_phone(app, phone, artifacts):
    page = sign_in(phone(), "customer@example.com", "customer-demo")
    page.goto("/my/requests/new")
    page.select_option("#asset_id", label="ABC-2000 · ABC2000-SN0001")
    page.fill("#description", "开机后屏幕黑屏,指示灯亮")
    page.check("input[name=service_mode][value=onsite]")
    page.fill("#contact_phone", "13812345678")
    page.get_by_role("button", name=re.compile("提交报修|Send request")).click()
    page.wait_for_url(re.compile(r"/my/tickets/\d+$"))
    number = page.locator("h1.ticket-number").inner_text()
    ticket_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("[data-promise]")).to_be_visible()
    assert page.locator("#survey").count() == 0  # no rating before the ticket is closed

    work_through(app, ticket_id)
    page.reload()
    timeline = page.locator(".customer-timeline")
    expect(timeline.locator("[data-kind=assigned]")).to_be_visible()
    expect(timeline.locator("[data-kind=accepted]")).to_be_visible()
    expect(page.locator("[data-engineer]")).to_contain_text("陈工")
    with page.expect_download() as download:
        page.locator("a[data-document=confirmation]").click()
    assert download.value.failure() is None

    for name, score in (("speed", "5"), ("engineer", "5"), ("result", "4")):
        page.locator(f"#survey input[name={name}][value='{score}']").check()
    page.locator("#survey textarea[name=comment]").fill("工程师很专业")
    page.locator("#survey button[type=submit]").click()
    page.wait_for_selector("#survey p")
    page.screenshot(path=artifacts / "customer-journey-rated.png", full_page=True)
    with app.app_context():
        survey = db.session.scalar(db.select(Survey).where(Survey.ticket_id == ticket_id))
        assert (survey.speed, survey.engineer, survey.result, survey.comment) == (5, 5, 4, "工程师很专业")
        assert db.session.get(Ticket, ticket_id).number == number
