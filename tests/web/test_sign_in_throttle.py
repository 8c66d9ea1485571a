"""Password sign-in is throttled and does not tell which accounts exist (issue 10, point 1): failures are counted
per account (a lock, an e-mail to the owner) and per address, unknown addresses get the same answers, and every
attempt costs one password hash, known account or not."""
import pytest
from werkzeug import security

from portal.extensions import db
from portal.models import SecurityEvent, User
from tests.conftest import WebClient

EN = {"Accept-Language": "en"}
LOCKED = "this account is locked for"


def attempt(web: WebClient, email: str, password: str):
    response = web.post_form("/login", {"email": email, "password": password}, headers=EN)
    response.close()  # as a WSGI server does: e-mails go out then
    return response


def fail(web, email, times):
    return [attempt(web, email, "wrong-password-1").status_code for _ in range(times)]


@pytest.fixture
def anonymous(app):
    return WebClient(app.test_client())


def test_ten_failures_lock_the_account_and_its_owner_is_told(app, anonymous, mail):
    assert fail(anonymous, "agent@example.com", 9) == [422] * 9
    locked = attempt(anonymous, "agent@example.com", "wrong-password-1")
    assert locked.status_code == 429
    page = locked.get_data(as_text=True)
    assert LOCKED in page and "15 more minutes" in page and 'class="form-error"' in page
    # Locked: the right password too, from another browser as well.
    elsewhere = WebClient(app.test_client())
    right = attempt(elsewhere, "agent@example.com", "agent-demo")
    assert right.status_code == 429 and LOCKED in right.get_data(as_text=True)
    assert elsewhere.get("/desk/tickets").status_code == 302
    # One e-mail to the owner, when the lock started.
    assert [m["To"] for m in mail.sent] == ["agent@example.com"]
    assert "15" in mail.sent[0].get_content()
    with app.app_context():
        kinds = [e.kind for e in db.session.scalars(db.select(SecurityEvent).order_by(SecurityEvent.id))]
    assert kinds.count("sign_in_failed") == 10 and kinds.count("account_locked") == 1 and "sign_in" not in kinds


def test_an_unknown_address_is_answered_and_locked_the_same_and_nobody_is_mailed(app, anonymous, mail):
    known, unknown = WebClient(app.test_client()), WebClient(app.test_client())
    first_known = attempt(known, "agent@example.com", "wrong-password-1")
    first_unknown = attempt(unknown, "nobody@example.com", "wrong-password-1")
    assert first_known.status_code == first_unknown.status_code == 422
    assert "E-mail or password is wrong." in first_unknown.get_data(as_text=True)
    fail(known, "agent@example.com", 8)
    fail(unknown, "nobody@example.com", 8)
    last_known = attempt(known, "agent@example.com", "wrong-password-1")
    last_unknown = attempt(unknown, "nobody@example.com", "wrong-password-1")
    assert last_known.status_code == last_unknown.status_code == 429
    assert LOCKED in last_unknown.get_data(as_text=True)
    assert [m["To"] for m in mail.sent] == ["agent@example.com"]
    with app.app_context():
        lock = db.session.scalar(db.select(SecurityEvent).where(
            SecurityEvent.kind == "account_locked", SecurityEvent.user_id.is_(None)))
        assert lock.account == "n***@example.com"  # the address typed, masked


def test_a_success_starts_the_count_again(app, anonymous):
    fail(anonymous, "agent@example.com", 9)
    anonymous.login("agent@example.com")
    again = WebClient(app.test_client())
    assert fail(again, "agent@example.com", 9) == [422] * 9


def test_failures_from_one_address_are_limited_across_accounts(app, anonymous):
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 5
    for email in ("a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"):
        assert attempt(anonymous, email, "wrong-password-1").status_code == 422
    blocked = attempt(anonymous, "agent@example.com", "agent-demo")
    assert blocked.status_code == 429
    assert "Too many failed sign-ins from this address" in blocked.get_data(as_text=True)
    # Another address is not affected.
    other = WebClient(app.test_client())
    response = other.client.post("/login", data={"email": "agent@example.com", "password": "agent-demo",
                                                  "csrf_token": other.token()},
                                 environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SecurityEvent.id)).where(
            SecurityEvent.kind == "address_blocked")) == 1


@pytest.fixture
def hashes_checked(monkeypatch):
    """Every password hash Werkzeug checks, whoever asks."""
    checked = []
    real = security.check_password_hash

    def spy(pwhash, password):
        checked.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(security, "check_password_hash", spy)
    return checked


def _unusable_contact_login(app) -> str:
    """A customer login made for a contact: its password hash is no hash, so no password matches it."""
    with app.app_context():
        user = User(email="sun.contact@example.com", name="孙工", role="customer", password_hash="!" + "0" * 32)
        db.session.add(user)
        db.session.commit()
    return "sun.contact@example.com"


def test_a_hash_is_checked_for_unknown_unusable_and_known_accounts_alike(app, anonymous, hashes_checked):
    unusable = _unusable_contact_login(app)
    for email in ("nobody@example.com", unusable, "agent@example.com"):
        hashes_checked.clear()
        assert attempt(anonymous, email, "wrong-password-1").status_code == 422
        assert len(hashes_checked) == 1, email
        assert hashes_checked[0].startswith("pbkdf2:sha256:1000$"), "a real hash of the configured method"
    # The unusable hash itself is never what is checked (it would answer at once).
    assert not hashes_checked[0].startswith("!")


def test_the_dummy_hash_uses_the_configured_method(app, anonymous, hashes_checked):
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:2000"
    attempt(anonymous, "nobody@example.com", "wrong-password-1")
    assert hashes_checked[-1].startswith("pbkdf2:sha256:2000$")


def test_a_disabled_account_is_refused_like_a_wrong_password(app, anonymous):
    with app.app_context():
        db.session.scalar(db.select(User).where(User.email == "agent@example.com")).active = False
        db.session.commit()
    refused = attempt(anonymous, "agent@example.com", "agent-demo")
    assert refused.status_code == 422 and "E-mail or password is wrong." in refused.get_data(as_text=True)
