"""Staff accounts (issue 10, point 5): two-factor sign-in with a TOTP app (enrolment on the account page, a second
step at sign-in, recovery codes, required for admins and supervisors where configured), and password rules for
the password change page, invitations and `flask user create`."""
import re
from datetime import timedelta

import pyotp
import pytest

from portal.auth import views
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import RecoveryCode, SecurityEvent, User
from tests.conftest import WebClient

EN = {"Accept-Language": "en"}
SECRET_RE = re.compile(r'id="totp-secret"[^>]*>([A-Z2-7]+)<')
CODES_RE = re.compile(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>")


def enrol(web: WebClient) -> tuple[str, list[str]]:
    """Set up two-factor sign-in as a user would: start, scan (read the key), type the app's code."""
    assert web.post_form("/account/two-factor/start", {}).status_code == 302
    page = web.get("/account/two-factor", headers=EN).get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code, drawn by segno
    secret = SECRET_RE.search(page).group(1)
    done = web.post_form("/account/two-factor/confirm", {"code": pyotp.TOTP(secret).now()}, headers=EN)
    assert done.status_code == 200, done.get_data(as_text=True)[:500]
    codes = CODES_RE.findall(done.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def next_code(secret: str, steps: int = 1) -> str:
    """The app's code of a later 30-second step: a code already used is refused, and the portal accepts the
    neighbouring steps for phones whose clock drifts."""
    return pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=30 * steps))


def password_step(app, email, password, **extra) -> tuple[WebClient, object]:
    web = WebClient(app.test_client())
    response = web.post_form("/login", {"email": email, "password": password, **extra}, headers=EN)
    web._token = None
    return web, response


def test_enrol_then_sign_in_with_a_code_the_app_computes(app, login_as):
    secret, _codes = enrol(login_as("agent"))
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "agent@example.com"))
        assert user.two_factor_enabled and user.totp_secret == secret
        assert db.session.scalar(db.select(db.func.count(RecoveryCode.id))) == 10
    web, response = password_step(app, "agent@example.com", "agent-demo")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/two-factor")
    assert web.get("/desk/tickets").status_code == 302, "the password alone signs nobody in"
    wrong = web.post_form("/login/two-factor", {"code": "000000"}, headers=EN)
    assert wrong.status_code == 422
    assert 'id="code-error"' in wrong.get_data(as_text=True) and "This code does not match" in wrong.get_data(
        as_text=True)
    code = next_code(secret)
    signed = web.post_form("/login/two-factor", {"code": code})
    assert signed.status_code == 302 and signed.headers["Location"].endswith("/desk/tickets")
    web._token = None
    assert web.get("/desk/tickets").status_code == 200
    # The same code does not work twice.
    again, _ = password_step(app, "agent@example.com", "agent-demo")
    assert again.post_form("/login/two-factor", {"code": code}).status_code == 422


def test_a_recovery_code_signs_in_once(app, login_as):
    _secret, codes = enrol(login_as("supervisor"))
    web, _ = password_step(app, "supervisor@example.com", "supervisor-demo")
    assert web.post_form("/login/two-factor", {"code": codes[3].upper()}).status_code == 302
    with app.app_context():
        method = db.session.scalar(db.select(SecurityEvent.detail).where(SecurityEvent.kind == "sign_in")
                                   .order_by(SecurityEvent.id.desc()))
        assert method["method"] == "recovery_code"
    other, _ = password_step(app, "supervisor@example.com", "supervisor-demo")
    assert other.post_form("/login/two-factor", {"code": codes[3]}).status_code == 422
    page = WebClient(web.client).get("/account/two-factor", headers=EN).get_data(as_text=True)
    assert "Recovery codes left: 9." in page


def test_wrong_codes_count_towards_the_account_lock(app, login_as):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = 3
    secret, _codes = enrol(login_as("agent"))
    web, _ = password_step(app, "agent@example.com", "agent-demo")
    assert [web.post_form("/login/two-factor", {"code": "123456"}).status_code for _ in range(3)] == [422, 422, 429]
    assert web.post_form("/login/two-factor", {"code": next_code(secret)}).status_code == 429


def test_the_second_step_needs_the_password_step_first(app):
    web = WebClient(app.test_client())
    response = web.get("/login/two-factor")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_the_second_step_expires(app, login_as, monkeypatch):
    secret, _codes = enrol(login_as("agent"))
    web, _ = password_step(app, "agent@example.com", "agent-demo")
    later = views.time.time() + views.SECOND_STEP_SECONDS + 1
    monkeypatch.setattr(views.time, "time", lambda: later)
    response = web.post_form("/login/two-factor", {"code": next_code(secret)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_required_for_admins_and_supervisors_where_configured(app, login_as):
    app.config["TWO_FACTOR_REQUIRED"] = True
    web, response = password_step(app, "supervisor@example.com", "supervisor-demo")
    assert response.headers["Location"].endswith("/account/two-factor")
    blocked = web.get("/desk/tickets")
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/account/two-factor")
    assert web.get("/desk/tickets", headers={"Accept": "application/json"}).status_code == 403
    secret, _codes = enrol(web)
    assert web.get("/desk/tickets").status_code == 200
    # Once on, a required role cannot turn it off.
    refused = web.post_form("/account/two-factor/disable", {"disable-current_password": "supervisor-demo"},
                            headers=EN)
    assert refused.status_code == 409
    # An agent is offered it, not made to.
    assert login_as("agent").get("/desk/tickets").status_code == 200
    assert secret


def test_development_keeps_the_demo_accounts_signing_in_with_their_passwords(app, login_as):
    assert app.config["TWO_FACTOR_REQUIRED"] is False
    assert login_as("admin").get("/desk/admin/sla").status_code == 200


def test_turning_off_and_renewing_codes_need_the_password(app, login_as):
    web = login_as("engineer")
    _secret, codes = enrol(web)
    wrong = web.post_form("/account/two-factor/recovery-codes", {"renew-current_password": "nope-nope-nope"},
                          headers=EN)
    assert wrong.status_code == 422 and 'id="renew-current_password-error"' in wrong.get_data(as_text=True)
    renewed = web.post_form("/account/two-factor/recovery-codes", {"renew-current_password": "engineer-demo"})
    new_codes = CODES_RE.findall(renewed.get_data(as_text=True))
    assert renewed.status_code == 200 and len(new_codes) == 10 and not set(new_codes) & set(codes)
    assert web.post_form("/account/two-factor/disable", {"disable-current_password": "wrong-one-1"}).status_code == 422
    off = web.post_form("/account/two-factor/disable", {"disable-current_password": "engineer-demo"})
    assert off.status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        assert not user.two_factor_enabled and user.totp_secret is None
        kinds = db.session.scalars(db.select(SecurityEvent.kind)).all()
    assert {"two_factor_enabled", "recovery_codes_renewed", "two_factor_disabled"} <= set(kinds)
    web2, response = password_step(app, "engineer@example.com", "engineer-demo")
    assert response.headers["Location"].endswith("/m/jobs")


def test_the_command_line_turns_off_a_lost_phone(app, login_as):
    web = login_as("admin")
    enrol(web)
    result = app.test_cli_runner().invoke(args=["user", "two-factor-off", "admin@example.com"])
    assert result.exit_code == 0, result.output
    assert web.get("/desk/tickets").status_code == 302  # whoever holds the phone is signed out too
    login_as("admin")


# --- passwords ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("new", "message"), [
    ("short-1", "Use at least 10 characters."),
    ("my-agent-password", "Do not build the password from your e-mail address."),
    ("1qaz2wsx3edc", "This is one of the most common passwords."),
    ("Password123", "This is one of the most common passwords."),
])
def test_the_password_change_page_refuses_weak_passwords_next_to_the_field(login_as, new, message):
    web = login_as("agent")
    response = web.post_form("/account/password", {"current_password": "agent-demo", "new_password": new,
                                                   "confirm": new}, headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="new_password-error">[^<]*' + re.escape(message), page), page[:2000]
    assert web.get("/desk/tickets").status_code == 200


def test_the_password_change_page_wants_the_current_password(login_as):
    web = login_as("agent")
    response = web.post_form("/account/password", {"current_password": "not-my-password",
                                                   "new_password": "a-good-new-one", "confirm": "a-good-new-one"},
                             headers=EN)
    assert response.status_code == 422
    assert 'id="current_password-error">This is not your current password.' in response.get_data(as_text=True)


def test_the_password_change_page_without_javascript_or_input(login_as):
    web = login_as("customer")
    assert web.get("/account/password").status_code == 200
    assert web.post_form("/account/password", {}).status_code == 422


@pytest.mark.parametrize(("password", "message"), [
    ("short", "at least 10"), ("boss-secret-99", "e-mail"), ("qwertyuiop", "common")])
def test_flask_user_create_applies_the_same_rules(app, password, message):
    result = app.test_cli_runner().invoke(args=["user", "create", "boss@example.com", "--name", "Boss",
                                                "--role", "admin", "--password", password])
    assert result.exit_code != 0 and message in result.output, result.output
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "boss@example.com")) is None
