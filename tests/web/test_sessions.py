"""Sessions the server can end (issue 10, point 2): a record per sign-in that the cookies carry, checked on every
request; sign-out ends that one, "sign out everywhere" all of them, and so do a password change, a role change
and deactivation; remember-me is revocable and lasts 30 days at most; desk roles time out when idle while
engineers keep their working week for offline replays."""
import re
import uuid
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import event

from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import SecurityEvent, Ticket, User, UserSession
from tests.conftest import WebClient
from tests.web.factories import make_ticket

OUTBOX = {"Accept": "application/json", "X-Requested-With": "outbox"}


def new_client(app) -> WebClient:
    return WebClient(app.test_client())


def signed_in(app, email, remember=False) -> tuple[WebClient, object]:
    web = new_client(app)
    password = {"agent@example.com": "agent-demo", "engineer@example.com": "engineer-demo",
                "customer@example.com": "customer-demo", "admin@example.com": "admin-demo"}[email]
    data = {"email": email, "password": password, "csrf_token": web.token()}
    if remember:
        data["remember"] = "y"
    response = web.client.post("/login", data=data)
    assert response.status_code == 302
    web._token = None  # a new session has a new CSRF token
    return web, response


def same_cookies(app, web: WebClient) -> WebClient:
    """Another browser holding a copy of `web`'s cookies, as saved before whatever happens next."""
    copy = new_client(app)
    for name in ("session", "remember_token"):
        cookie = web.client.get_cookie(name)
        if cookie is not None:
            copy.client.set_cookie(name, cookie.value)
    return copy


def live_sessions(app, email) -> list[UserSession]:
    with app.app_context():
        return db.session.scalars(db.select(UserSession).join(User).where(
            User.email == email, UserSession.ended_at.is_(None))).all()


def test_a_cookie_saved_before_sign_out_opens_nothing_afterwards(app):
    agent, _ = signed_in(app, "agent@example.com")
    saved = same_cookies(app, agent)
    assert saved.get("/desk/tickets").status_code == 200
    assert agent.post_form("/logout", {}).status_code == 302
    assert agent.get("/desk/tickets").status_code == 302
    replay = saved.get("/desk/tickets")
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]
    with app.app_context():
        ended = db.session.scalar(db.select(UserSession))
        assert ended.end_reason == "signed_out"


def test_signing_out_on_the_desktop_keeps_the_phone_and_its_offline_replays(app):
    ticket_id = make_ticket(app, status="in_progress")
    phone, _ = signed_in(app, "engineer@example.com")
    token = phone.token()  # the form was opened on the phone before it went offline
    desktop, _ = signed_in(app, "engineer@example.com")
    assert desktop.post_form("/logout", {}).status_code == 302
    response = phone.post_form(f"/m/jobs/{ticket_id}/progress", {"message": "离线时写的", "csrf_token": token},
                               headers={**OUTBOX, "Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert len(live_sessions(app, "engineer@example.com")) == 1


def test_remember_me_carries_the_session_not_the_account_and_is_revoked_with_it(app):
    agent, response = signed_in(app, "agent@example.com", remember=True)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
    assert "HttpOnly" in header and "SameSite=Lax" in header
    expires = re.search(r"Expires=([^;]+)", header).group(1)
    assert parsedate_to_datetime(expires) - utcnow() <= timedelta(days=30, minutes=1)
    value = agent.client.get_cookie("remember_token").value
    with app.app_context():
        agent_id = db.session.scalar(db.select(User.id).where(User.email == "agent@example.com"))
        record = db.session.scalar(db.select(UserSession))
        assert record.remember and as_utc(record.expires_at) - utcnow() > timedelta(days=29)
    assert value.split("|")[0] != str(agent_id)
    # The remember cookie alone (the browser closed, its session cookie gone) signs the same session in again.
    remembered = new_client(app)
    remembered.client.set_cookie("remember_token", value)
    assert remembered.get("/desk/tickets").status_code == 200
    # A second sign-in gets another remember cookie.
    other, _ = signed_in(app, "agent@example.com", remember=True)
    assert other.client.get_cookie("remember_token").value != value
    # Signed out: the remember cookie is deleted, and a copy of it opens nothing.
    out = agent.post_form("/logout", {})
    assert any(h.startswith("remember_token=;") for h in out.headers.getlist("Set-Cookie"))
    copy = new_client(app)
    copy.client.set_cookie("remember_token", value)
    assert copy.get("/desk/tickets").status_code == 302
    assert other.get("/desk/tickets").status_code == 200  # the other sign-in goes on


def test_the_account_page_lists_the_sessions_and_ends_another_one(app):
    phone, _ = signed_in(app, "agent@example.com")
    desk, _ = signed_in(app, "agent@example.com")
    page = desk.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert page.count('class="session-row"') == 2 and page.count('data-session="this"') == 1
    other_id = re.search(r'data-session="other">.*?/account/sessions/([0-9a-f]{64})/end', page, re.S).group(1)
    assert desk.post_form(f"/account/sessions/{other_id}/end", {}).status_code == 302
    assert phone.get("/desk/tickets").status_code == 302
    assert desk.get("/desk/tickets").status_code == 200


def test_sign_out_everywhere_ends_every_session_of_the_account_only(app):
    phone, _ = signed_in(app, "agent@example.com")
    desk, _ = signed_in(app, "agent@example.com")
    admin, _ = signed_in(app, "admin@example.com")
    response = desk.post_form("/account/sessions/end-all", {})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert phone.get("/desk/tickets").status_code == 302
    assert desk.get("/desk/tickets").status_code == 302
    assert admin.get("/desk/tickets").status_code == 200
    assert live_sessions(app, "agent@example.com") == []


def test_a_password_change_ends_the_other_sessions_and_this_device_goes_on(app):
    phone, _ = signed_in(app, "agent@example.com")
    desk, _ = signed_in(app, "agent@example.com")
    saved = same_cookies(app, desk)
    new = "a-new-long-password"
    response = desk.post_form("/account/password", {"current_password": "agent-demo", "new_password": new,
                                                    "confirm": new})
    assert response.status_code == 302
    assert desk.get("/desk/tickets").status_code == 200
    assert phone.get("/desk/tickets").status_code == 302
    assert saved.get("/desk/tickets").status_code == 302, "the session from before the change ended too"
    assert len(live_sessions(app, "agent@example.com")) == 1
    again = new_client(app)
    again.login("agent@example.com", "a-new-long-password")


@pytest.mark.parametrize("change", ["set-role", "disable"])
def test_a_role_change_or_deactivation_from_the_command_line_ends_every_session(app, change):
    agent, _ = signed_in(app, "agent@example.com")
    args = ["user", change, "agent@example.com"] + (["supervisor"] if change == "set-role" else [])
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert agent.get("/desk/tickets").status_code == 302
    with app.app_context():
        kinds = db.session.scalars(db.select(SecurityEvent.kind)).all()
        assert ("role_changed" if change == "set-role" else "account_disabled") in kinds
        assert {s.end_reason for s in db.session.scalars(db.select(UserSession))} == {
            "role_changed" if change == "set-role" else "disabled"}


def test_a_role_or_password_changed_behind_the_portals_back_ends_the_sessions_too(app):
    agent, _ = signed_in(app, "agent@example.com")
    engineer, _ = signed_in(app, "engineer@example.com")
    with app.app_context():
        db.session.execute(db.update(User).where(User.email == "agent@example.com").values(role="backoffice"))
        user = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        user.set_password("changed-in-the-database")
        db.session.commit()
    assert agent.get("/desk/tickets").status_code == 302
    assert engineer.get("/m/jobs").status_code == 302


def _idle(app, email, hours):
    with app.app_context():
        db.session.execute(db.update(UserSession).where(UserSession.user_id == db.session.scalar(
            db.select(User.id).where(User.email == email))).values(last_seen_at=utcnow() - timedelta(hours=hours)))
        db.session.commit()


def test_desk_roles_are_signed_out_when_idle_and_engineers_keep_the_working_week(app):
    ticket_id = make_ticket(app, status="in_progress")
    agent, _ = signed_in(app, "agent@example.com")
    engineer, _ = signed_in(app, "engineer@example.com")
    customer, _ = signed_in(app, "customer@example.com")
    token = engineer.token()
    _idle(app, "agent@example.com", 11)
    assert agent.get("/desk/tickets").status_code == 200
    _idle(app, "agent@example.com", 13)
    outbox = agent.get("/desk/tickets", headers=OUTBOX)
    assert outbox.status_code == 401  # JSON clients get the reason, never the sign-in page
    assert agent.get("/desk/tickets").status_code == 302
    # The engineer's phone replays the next morning, 20 hours later; the customer is still signed in too.
    _idle(app, "engineer@example.com", 20)
    _idle(app, "customer@example.com", 20)
    replay = engineer.post_form(f"/m/jobs/{ticket_id}/progress", {"message": "昨晚离线提交", "csrf_token": token},
                                headers={**OUTBOX, "Idempotency-Key": str(uuid.uuid4())})
    assert replay.status_code == 200, replay.get_data(as_text=True)[:300]
    assert customer.get("/my/tickets").status_code == 200
    with app.app_context():
        assert db.session.get(Ticket, ticket_id) is not None


def test_the_idle_timeout_is_a_setting(app):
    app.config["SESSION_IDLE_HOURS"] = 1
    agent, _ = signed_in(app, "agent@example.com")
    _idle(app, "agent@example.com", 2)
    assert agent.get("/desk/tickets").status_code == 302


def test_a_session_past_its_lifetime_ends(app):
    engineer, _ = signed_in(app, "engineer@example.com")
    with app.app_context():
        db.session.execute(db.update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert engineer.get("/m/jobs").status_code == 302


def statements_of(app, web, url) -> list[str]:
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = web.get(url)
        assert response.status_code == 200
        response.close()  # the last-seen time is written once the response is closed
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_each_request_reads_its_session_and_user_in_one_primary_key_lookup(app):
    agent, _ = signed_in(app, "agent@example.com")
    seen = statements_of(app, agent, "/desk/tickets")
    reads = [s for s in seen if "FROM user_session" in s]
    assert len(reads) == 1, reads
    assert re.search(r"JOIN \"?user\"? ON", reads[0]) and "WHERE user_session.id =" in reads[0]
    assert not [s for s in seen if re.search(r'FROM "?user"?\s+WHERE "?user"?\.id =', s)], "no second user lookup"


def test_last_seen_is_written_at_most_once_a_minute(app):
    agent, _ = signed_in(app, "agent@example.com")
    assert not [s for s in statements_of(app, agent, "/desk/tickets") if s.startswith("UPDATE user_session")]
    with app.app_context():
        db.session.execute(db.update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=2)))
        db.session.commit()
    updates = [s for s in statements_of(app, agent, "/desk/tickets") if s.startswith("UPDATE user_session")]
    assert len(updates) == 1
    with app.app_context():
        seen = as_utc(db.session.scalar(db.select(UserSession.last_seen_at)))
        assert utcnow() - seen < timedelta(seconds=30)
    assert not [s for s in statements_of(app, agent, "/desk/tickets") if s.startswith("UPDATE user_session")]


@pytest.mark.parametrize("role", ["admin", "supervisor", "agent", "backoffice", "engineer", "customer"])
def test_every_role_has_the_account_page_in_its_menu(login_as, role):
    page = login_as(role).get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/account"' in page and "this device" in page and "Sign out everywhere" in page
