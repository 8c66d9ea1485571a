"""The job page shown again after a background send: the engineer's open sections and typed text stay."""
import pytest

from portal.extensions import db
from portal.models import Diagnosis
from tests.browser.test_offline import SYNC_WAIT, expect_count, ready_for_offline
from tests.browser.test_offline_conflicts import update_customer
from tests.web.factories import make_ticket

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect


def section(page, action):
    """The <details> holding the form that posts to .../<action>."""
    return page.locator(f'#job details:has(> form[data-outbox][action$="/{action}"])')


def queue_an_update_offline(app, phone, message):
    """A job in progress on the phone, offline, with one customer update waiting in the outbox."""
    ticket_id = make_ticket(app, status="in_progress")
    context = phone()
    page = ready_for_offline(context, [ticket_id])
    context.set_offline(True)
    page.goto(f"/m/jobs/{ticket_id}")
    update_customer(page, message)
    expect_count(page, 1)
    return context, page, ticket_id


def test_a_section_opened_meanwhile_stays_open_when_the_job_is_shown_again(app, phone):
    context, page, _ = queue_an_update_offline(app, phone, "主板已到货,明天上午更换")
    loaner = section(page, "loaner")
    expect(loaner).not_to_have_attribute("open", "")
    loaner.locator("> summary").click()  # the engineer opens a section, types nothing yet
    expect(loaner).to_have_attribute("open", "")
    page.evaluate("document.querySelector('#job').dataset.before = '1'")

    context.set_offline(False)
    expect_count(page, 0, timeout=SYNC_WAIT)
    # The job is shown as the server has it now (the update is in its timeline)...
    page.wait_for_function("() => !document.querySelector('#job').dataset.before")
    expect(page.locator("#job .timeline")).to_contain_text("主板已到货,明天上午更换")
    # ...and the section the engineer opened is still open, its summary still focused.
    expect(section(page, "loaner")).to_have_attribute("open", "")
    expect(section(page, "loaner").locator("> summary")).to_be_focused()
    # A section nobody touched follows the server (work and parts opens by itself after an inspection).
    expect(section(page, "work")).to_have_attribute("open", "")
    expect(section(page, "diagnosis")).not_to_have_attribute("open", "")


def test_typed_text_stays_when_the_job_is_shown_again(app, phone, artifacts):
    context, page, ticket_id = queue_an_update_offline(app, phone, "已初步诊断,等待备件")
    diagnosis = section(page, "diagnosis")
    diagnosis.locator("> summary").click()
    form = diagnosis.locator("form")
    form.locator("[name=cause_category]").select_option(index=2)
    chosen = form.locator("[name=cause_category]").input_value()
    form.locator("[name=cause]").fill("电源模块老化")
    form.locator("[name=permanent_fix]").fill("更换电源模块")  # the cursor stays in this field
    page.evaluate("document.querySelector('#job').dataset.before = '1'")

    context.set_offline(False)
    expect_count(page, 0, timeout=SYNC_WAIT)
    # While the engineer types, the page is not swapped under the thumb: the keys land where they belong.
    page.keyboard.type(",已测试")
    expect(form.locator("[name=permanent_fix]")).to_have_value("更换电源模块,已测试")
    page.locator("#job .ticket-number").click()  # done typing: the job is shown again now
    page.wait_for_function("() => !document.querySelector('#job').dataset.before")
    expect(page.locator("#job .timeline")).to_contain_text("已初步诊断,等待备件")

    diagnosis = section(page, "diagnosis")
    expect(diagnosis).to_have_attribute("open", "")
    diagnosis.scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "offline-10-typed-text-kept.png")
    form = diagnosis.locator("form")
    expect(form.locator("[name=cause_category]")).to_have_value(chosen)
    expect(form.locator("[name=cause]")).to_have_value("电源模块老化")
    expect(form.locator("[name=permanent_fix]")).to_have_value("更换电源模块,已测试")
    # The carried-over form is the new one (fresh key and version) and goes through as typed.
    form.locator("button[type=submit]").click()
    expect(page.locator("#job .record").filter(has_text="更换电源模块,已测试")).to_have_count(1, timeout=SYNC_WAIT)
    expect_count(page, 0)
    with app.app_context():
        saved = db.session.scalars(db.select(Diagnosis).where(Diagnosis.ticket_id == ticket_id)).all()
    assert [(d.cause_category, d.cause, d.permanent_fix) for d in saved] == [
        (chosen, "电源模块老化", "更换电源模块,已测试")]
