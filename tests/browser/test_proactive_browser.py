"""Proactive service in the browser: a supervisor previews and launches a recall from a list of serials (its
tickets and messages appear on its progress page and the outbox), and a maintenance plan generates its next
visit as a ticket on the dispatch board."""
import os
import re
from datetime import timedelta

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Asset
from portal.services.localtime import local_today
from tests.browser.conftest import sign_in

SHOTS = os.environ.get("PORTAL_SHOTS")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_recall_from_a_list_of_serials(phone):
    page = sign_in(phone(), "supervisor@example.com", "supervisor-demo")
    page.goto("/desk/campaigns/new")
    page.fill("#name", "2024Q3 电源模块召回")
    page.check("input[name=kind][value=recall]")
    page.fill("#description", "电源模块可能过热，免费上门更换。")
    page.fill("#serials", "ABC2000-SN0001\nWM800-SN5001\nNOPE-0001")
    page.get_by_role("button", name=re.compile("预览|Preview")).click()
    expect(page.locator("#campaign-preview")).to_contain_text("2")
    expect(page.locator("#campaign-preview")).to_contain_text("NOPE-0001")
    expect(page.locator("#serials")).to_have_value(re.compile("WM800-SN5001"))  # nothing typed is lost
    shot(page, "campaign-preview")
    page.get_by_role("button", name=re.compile("创建工单|Create the tickets")).click()
    page.wait_for_url(re.compile(r"/desk/campaigns/\d+$"))
    expect(page.locator("[data-count=units]")).to_have_text("2")
    expect(page.locator("[data-count=reached]")).to_have_text("2")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(re.compile(r"SR\d{12}"))
    shot(page, "campaign-progress")
    admin = sign_in(phone(), "admin@example.com", "admin-demo")
    admin.goto("/desk/admin/outbox")
    expect(admin.locator(".mail-body").first).to_contain_text("电源模块可能过热")


def test_a_maintenance_plan_generates_its_next_visit(app, phone):
    with app.app_context():
        asset = db.session.scalar(db.select(Asset).where(Asset.serial == "PX50-SN1001"))
        customer_id, asset_id = asset.customer_id, asset.id
        due = local_today() + timedelta(days=7)
    page = sign_in(phone(), "supervisor@example.com", "supervisor-demo")
    page.goto(f"/desk/customers/{customer_id}")
    page.locator(f"a[href='/desk/customers/{customer_id}/units/{asset_id}/plan']").click()
    page.fill("#every_months", "6")
    page.fill("#first_due", due.isoformat())
    page.fill("#lead_days", "14")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/desk/maintenance")
    page.get_by_role("button", name=re.compile("立即生成|Generate due visits now")).click()
    plan = page.locator("article.plan").first
    expect(plan).to_contain_text(due.isoformat())
    number = re.search(r"SR\d{12}", plan.inner_text()).group(0)
    shot(page, "maintenance-plan")
    page.goto("/desk/dispatch")
    expect(page.locator("main")).to_contain_text(number)
