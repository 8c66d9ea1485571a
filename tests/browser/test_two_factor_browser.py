"""Two-factor sign-in on a phone (issue 10): a supervisor sets it up from the account page, signs out, signs in with
the password and a code the authenticator app (pyotp here) computes, signs out again, and a copy of the cookies
from before that sign-out no longer opens a page."""
import re
from datetime import timedelta

import pyotp
import pytest

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import UserSession
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

EMAIL, PASSWORD = "supervisor@example.com", "supervisor-demo"


def sign_out(page):
    page.locator("header form[action='/logout'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/login$"))


def test_two_factor_sign_in_then_sign_out_ends_the_session(app, phone, artifacts):
    page = sign_in(phone(), EMAIL, PASSWORD)
    # Set it up: the account page from the menu, then the two-factor page.
    page.locator("header nav a[href='/account']").click()
    page.locator("#sign-in a[href='/account/two-factor']").click()
    page.locator("#start-form button[type=submit]").click()
    expect(page.locator("img.totp-qr")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    app_on_the_phone = pyotp.TOTP(secret)
    page.locator("#confirm-form [name=code]").fill(app_on_the_phone.now())
    page.locator("#confirm-form button[type=submit]").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.screenshot(path=artifacts / "two-factor-recovery-codes.png", full_page=True)
    sign_out(page)

    # The password alone leads to the second step; the app's (next) code signs in.
    page.locator("#login-form [name=email]").fill(EMAIL)
    page.locator("#login-form [name=password]").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/login/two-factor$"))
    page.locator("#second-step-form [name=code]").fill("000000")
    page.locator("#second-step-form button[type=submit]").click()
    expect(page.locator("#code-error")).to_be_visible()
    page.locator("#second-step-form [name=code]").fill(app_on_the_phone.at(utcnow() + timedelta(seconds=30)))
    page.locator("#second-step-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/desk/tickets"))
    with app.app_context():
        methods = db.session.scalars(db.select(UserSession.method).where(UserSession.ended_at.is_(None))).all()
    assert methods == ["totp"]

    saved = page.context.cookies()
    assert any(c["name"] == "session" for c in saved)
    sign_out(page)

    # Another browser holding the cookies from before the sign-out is sent to the sign-in page.
    copy = phone()
    copy.add_cookies(saved)
    stale = copy.new_page()
    stale.goto("/desk/tickets")
    expect(stale).to_have_url(re.compile(r"/login"))
    expect(stale.locator("#login-form")).to_be_visible()
    with app.app_context():
        assert db.session.scalars(db.select(UserSession).where(UserSession.ended_at.is_(None))).all() == []
