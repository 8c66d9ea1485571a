"""On a phone: the customer picks a unit, sees its warranty, gets knowledge-base answers while typing, sends the
request and lands on the ticket with its number and the promise of when we call."""
import os
import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

SHOTS = os.environ.get("PORTAL_SHOTS")  # a folder for screenshots when looking at the pages by hand


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_request_service_on_a_phone(phone):
    page = sign_in(phone(), "customer@example.com", "customer-demo")
    page.locator("header a[href='/my/requests/new']").click()
    page.wait_for_url("**/my/requests/new")
    expect(page.locator("#unit-typed")).to_be_visible()
    page.select_option("#asset_id", label="ABC-2000 · ABC2000-SN0001")
    expect(page.locator("#request-warranty [data-warranty=standard]")).to_be_visible()
    expect(page.locator("#unit-typed")).to_be_hidden()
    page.fill("#description", "早上开机以后屏幕一直黑屏，指示灯是亮的")
    article = page.locator("#kb-suggestions details.kb-article").first
    expect(article).to_contain_text("黑屏")
    article.locator("summary").click()
    expect(article.locator(".kb-body")).to_be_visible()
    page.check("input[name=service_mode][value=remote]")
    page.fill("#preferred_contact_time", "下午 13:00-18:00")
    page.fill("#contact_phone", "13812345678")
    shot(page, "request-form")
    page.get_by_role("button", name=re.compile("提交报修|Send request")).click()
    page.wait_for_url(re.compile(r"/my/tickets/\d+$"))
    number = page.locator("h1.ticket-number").inner_text()
    assert re.fullmatch(r"SR\d{12}", number)
    expect(page.locator(".flash")).to_contain_text(number)
    expect(page.locator("[data-promise=contact]")).to_be_visible()
    shot(page, "request-ticket")
    page.goto("/my/tickets")
    expect(page.locator(f"[data-ticket={number}] [data-promise]")).to_be_visible()
    shot(page, "request-list")
