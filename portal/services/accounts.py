"""Accounts: passwords and their rules, the password check at sign-in, role and status changes, customer
invitations from the back office, passwordless sign-in links and their single-use tokens. Only a token's SHA-256
is stored; the token itself exists only in the link sent."""
import secrets
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug import security

from portal.domain import passwords
from portal.domain.roles import Role
from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import AccessToken, Contact, User
from portal.services import ServiceError, mailer, security_log, sessions, two_factor
from portal.services.tokens import new_token, token_hash

INVITE_TTL = timedelta(days=7)
LOGIN_TTL = timedelta(minutes=30)
MIN_PASSWORD = passwords.MIN_LENGTH
UNUSABLE_PREFIX = "!"

PASSWORD_PROBLEMS = {
    passwords.TOO_SHORT: _l("Use at least 10 characters."),
    passwords.TOO_LONG: _l("Use at most 200 characters."),
    passwords.CONTAINS_EMAIL: _l("Do not build the password from your e-mail address."),
    passwords.TOO_COMMON: _l("This is one of the most common passwords. Choose another."),
}
# One throwaway hash per hashing method: checked for unknown accounts and accounts without a usable password,
# so that every sign-in costs one hash whether or not the address is known.
_DUMMY_HASHES: dict[str, str] = {}



def issue_token(user: User, kind: str, ttl: timedelta, created_by: User | None = None) -> str:
    """A new token for `user`; earlier unused ones of the same kind stop working."""
    now = utcnow()
    db.session.execute(db.update(AccessToken).where(
        AccessToken.user_id == user.id, AccessToken.kind == kind, AccessToken.used_at.is_(None)).values(used_at=now))
    token, digest = new_token()
    db.session.add(AccessToken(kind=kind, user_id=user.id, token_sha256=digest, expires_at=now + ttl,
                               created_by_id=created_by.id if created_by else None, created_at=now))
    db.session.flush()
    return token


def find_token(token: str, kind: str) -> AccessToken | None:
    """The token if it is unused, unexpired and for an active customer login; else None."""
    if not token or len(token) > 200:
        return None
    row = db.session.scalar(db.select(AccessToken).where(
        AccessToken.token_sha256 == token_hash(token), AccessToken.kind == kind))
    if row is None or row.used_at is not None or as_utc(row.expires_at) <= utcnow():
        return None
    user = row.user
    if user is None or not user.active or user.role != Role.CUSTOMER:
        return None
    return row


def find_token_by_id(token_id, kind: str) -> AccessToken | None:
    """As find_token, for the token a browser exchanged for a session marker (portal.auth.links)."""
    row = db.session.get(AccessToken, token_id) if isinstance(token_id, int) else None
    if row is None or row.kind != kind or row.used_at is not None or as_utc(row.expires_at) <= utcnow():
        return None
    user = row.user
    if user is None or not user.active or user.role != Role.CUSTOMER:
        return None
    return row


def spend_token(row: AccessToken) -> User:
    """Spend the token and return its user; refused (410) when another request spent it first: the link
    works once."""
    result = db.session.execute(db.update(AccessToken).where(
        AccessToken.id == row.id, AccessToken.used_at.is_(None)).values(used_at=utcnow()))
    if result.rowcount != 1:
        raise ServiceError(_l("This link has already been used."), status=410)
    security_log.record(security_log.LINK_USED, user=row.user, detail={"link": row.kind})
    return row.user


def _new_customer_login(contact: Contact, email: str) -> User:
    user = User(email=email, name=contact.name[:120], role=Role.CUSTOMER, customer_id=contact.customer_id,
                contact_id=contact.id, phone=contact.phone)
    # Not a hash of anything: no password matches it (and no slow hashing tells a known address by its timing).
    user.password_hash = UNUSABLE_PREFIX + secrets.token_hex(16)
    db.session.add(user)
    db.session.flush()
    return user


def invite_contact(contact: Contact, staff: User) -> User:
    """Create (or reuse) the contact's customer login and e-mail them a link to set a password."""
    email = (contact.email or "").strip().lower()
    if not email or "@" not in email:
        raise ServiceError(_l("This contact has no e-mail address."), status=422)
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is None:
        user = _new_customer_login(contact, email)
    elif user.role != Role.CUSTOMER or user.customer_id != contact.customer_id:
        raise ServiceError(_l("This e-mail address already belongs to another account."), status=409)
    elif user.contact_id is None:
        user.contact_id = contact.id
    if not user.active:
        raise ServiceError(_l("This account is disabled."), status=409)
    token = issue_token(user, "invite", INVITE_TTL, created_by=staff)
    link = current_app.config["PUBLIC_BASE_URL"] + url_for("auth.invite", token=token)
    body = _("You are invited to the customer portal of %(company)s, where you can follow your service "
             "requests. Set your password here (the link works once and expires in 7 days):\n\n%(link)s\n",
             company=current_app.config["COMPANY_NAME"], link=link)
    # The notification table needs a ticket, an invitation has none: sent directly (see the README).
    mailer.queue_mail("portal_invite", email, body)
    return user


def _customer_login_for(email: str) -> User | None:
    """The customer login for an e-mail address, created from a contact when there is exactly one customer
    with a contact of that address. Staff accounts never qualify."""
    user = db.session.scalar(db.select(User).where(User.email == email))
    if user is not None:
        return user if user.role == Role.CUSTOMER and user.active and user.customer_id else None
    contacts = db.session.scalars(db.select(Contact).where(db.func.lower(Contact.email) == email)
                                  .order_by(Contact.id)).all()
    if not contacts or len({c.customer_id for c in contacts}) != 1:
        return None
    return _new_customer_login(contacts[0], email)


def request_login_link(email: str) -> None:
    """E-mail a 30-minute sign-in link if the address is a customer's; silent either way."""
    email = (email or "").strip().lower()
    user = _customer_login_for(email) if "@" in email else None
    if user is None:
        return
    token = issue_token(user, "login", LOGIN_TTL)
    link = current_app.config["PUBLIC_BASE_URL"] + url_for("auth.link_login", token=token)
    body = _("Sign in to the customer portal with this link. It works once and expires in 30 minutes:\n\n"
             "%(link)s\n\nIf you did not ask for it, ignore this e-mail.", link=link)
    mailer.queue_mail("login_link", email, body)


def normalized_email(email: str | None) -> str:
    return (email or "").strip().lower()[:254]


def _dummy_hash() -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = security.generate_password_hash(secrets.token_hex(16), method=method)
    return _DUMMY_HASHES[method]


def check_password(email: str, password: str) -> tuple[User | None, bool]:
    """(the account of this e-mail if there is one, whether the password signs it in). Exactly one hash is
    checked whatever the account: a dummy one for an unknown address or an unusable password (a contact's login
    made from an invitation), so the answer takes as long either way."""
    user = db.session.scalar(db.select(User).where(User.email == normalized_email(email)))
    if user is None or not user.password_hash or user.password_hash.startswith(UNUSABLE_PREFIX):
        security.check_password_hash(_dummy_hash(), password or "")
        return user, False
    ok = user.check_password(password or "")
    return user, ok and user.active


def set_locale(user: User, locale: str) -> None:
    """The language the account's pages and messages use."""
    user.locale = locale


def password_problem(password: str, email: str | None):
    """The message for the first password rule `password` breaks, or None."""
    problem = passwords.password_problem(password or "", email)
    return PASSWORD_PROBLEMS[problem] if problem else None


def set_password(user: User, password: str, field: str = "password") -> None:
    problem = password_problem(password, user.email)
    if problem:
        raise ServiceError(problem, status=422, field=field)
    user.set_password(password)


def confirm_password(user: User, password: str) -> None:
    """The current password, asked before a change to the account's sign-in."""
    if not user.check_password(password or ""):
        raise ServiceError(_l("This is not your current password."), field="current_password")


def change_password(user: User, current: str, new: str) -> None:
    """The signed-in user's new password: every session of the account ends (the view opens a new one for this
    device)."""
    confirm_password(user, current)
    if new == current:
        raise ServiceError(_l("Choose a password you have not used here."), field="new_password")
    set_password(user, new, field="new_password")
    sessions.end_all(user, "password_changed")
    security_log.record(security_log.PASSWORD_CHANGED, user=user)


def set_role(user: User, role: str, actor: User | None = None) -> None:
    """Give the account another role; its sessions end (what it may do changed)."""
    if role not in set(Role) or role == user.role:
        return
    before, user.role = user.role, role
    sessions.end_all(user, "role_changed")
    security_log.record(security_log.ROLE_CHANGED, user=user, actor=actor, detail={"role": [before, role]})


def set_active(user: User, active: bool, actor: User | None = None) -> None:
    """Disable (every session ends at once) or enable an account."""
    if user.active == active:
        return
    user.active = active
    if not active:
        sessions.end_all(user, "disabled")
    security_log.record(security_log.ACCOUNT_ENABLED if active else security_log.ACCOUNT_DISABLED,
                        user=user, actor=actor)


def turn_off_two_factor(user: User) -> None:
    """For an admin at the command line: the user lost their phone and their recovery codes. Their sessions
    end, so that whoever holds the phone is signed out too."""
    two_factor.disable(user, forced=True)
    sessions.end_all(user, "two_factor_reset")


def notify_locked(user: User, minutes: int) -> None:
    """Tell the owner that their account was locked after failed sign-ins (in their language)."""
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = _("Someone failed to sign in to your account at %(company)s %(n)s times. Sign-in is locked for "
                 "%(minutes)s minutes.\n\nIf it was you, wait and try again, or ask for a sign-in link. If it was "
                 "not you, change your password once you are signed in, and tell your administrator.",
                 company=current_app.config["COMPANY_NAME"], n=current_app.config["LOGIN_FAILURES_PER_ACCOUNT"],
                 minutes=minutes)
    mailer.queue_mail("account_locked", user.email, body)
