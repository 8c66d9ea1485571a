"""The Content-Security-Policy in Chromium: the guard every browser test runs under does see a violation, pages
keep their looks with no inline style, and the print preview shows its own inline CSS under its own policy."""
import pytest

from tests.browser.conftest import sign_in
from tests.web.factories import make_ticket

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect
ENGINEER = ("engineer@example.com", "engineer-demo")

VIOLATE = """() => new Promise((resolve) => {
  document.addEventListener("securitypolicyviolation", (e) => resolve(e.effectiveDirective), {once: true});
  document.body.insertAdjacentHTML("beforeend", '<p style="color: red">inline</p>');
})"""


def test_the_guard_reports_a_blocked_inline_style(phone, csp_violations):
    page = phone().new_page()
    page.goto("/login")
    assert page.evaluate(VIOLATE).startswith("style-src")
    page.evaluate("1")  # one more round trip: the binding's report has arrived
    assert any(v.get("directive", "").startswith("style-src") for v in csp_violations), csp_violations
    csp_violations.clear()  # seen on purpose: the guard must not fail this test


def test_an_engineer_page_has_no_inline_style_and_keeps_its_looks(app, phone, artifacts):
    ticket_id = make_ticket(app, status="resolved")
    page = sign_in(phone(), *ENGINEER)
    page.goto(f"/m/jobs/{ticket_id}")
    expect(page.locator("#sync-bar")).not_to_have_attribute("data-state", "loading")
    assert page.evaluate("document.querySelectorAll('style, [style]').length") == 0  # htmx injected none either
    # The bar's rules came from app.css: pinned to the bottom, and the page leaves room for it.
    assert page.evaluate("getComputedStyle(document.getElementById('sync-bar')).position") == "fixed"
    assert page.evaluate("getComputedStyle(document.body).paddingBottom") != "0px"
    page.screenshot(path=artifacts / "csp-job-page.png", full_page=True)

    page.goto(f"/m/jobs/{ticket_id}/acceptance")
    expect(page.locator("#acceptance-form")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).paddingBottom") == "0px"  # no bar on the customer's screen
    page.screenshot(path=artifacts / "csp-signing-page.png", full_page=True)

    response = page.goto(f"/m/jobs/{ticket_id}/acceptance/preview")
    assert "'unsafe-inline'" in response.headers["content-security-policy"]
    # WeasyPrint's inline CSS applies in the browser too: the document's tables are laid out by it.
    assert page.evaluate("getComputedStyle(document.querySelector('table')).borderCollapse") == "collapse"
    page.screenshot(path=artifacts / "csp-print-preview.png", full_page=True)

