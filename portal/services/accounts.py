"""Customer accounts: invitations from the back office, passwordless sign-in links, single-use tokens.
Only a token's SHA-256 is stored; the token itself exists only in the link sent."""
import secrets
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.domain.roles import Role
from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import AccessToken, Contact, User
from portal.services import ServiceError, mailer
from portal.services.tokens import new_token, token_hash

INVITE_TTL = timedelta(days=7)
LOGIN_TTL = timedelta(minutes=30)
MIN_PASSWORD = 10
UNUSABLE_PREFIX = "!"



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


def spend_token(row: AccessToken) -> User:
    """Spend the token and return its user; refused (410) when another request spent it first: the link
    works once."""
    result = db.session.execute(db.update(AccessToken).where(
        AccessToken.id == row.id, AccessToken.used_at.is_(None)).values(used_at=utcnow()))
    if result.rowcount != 1:
        raise ServiceError(_l("This link has already been used."), status=410)
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
    mailer.send_after_response("portal_invite", email, body)
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
    mailer.send_after_response("login_link", email, body)


def authenticate(email: str, password: str) -> User:
    """The active account with this e-mail and password; the same refusal whatever was wrong."""
    user = db.session.scalar(db.select(User).where(User.email == (email or "").strip().lower()))
    if user is None or not user.check_password(password) or not user.active:
        raise ServiceError(_l("E-mail or password is wrong."), field="password")
    return user


def set_locale(user: User, locale: str) -> None:
    """The language the account's pages and messages use."""
    user.locale = locale


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ServiceError(_l("Use at least 10 characters."), status=422, field="password")
    user.set_password(password)
