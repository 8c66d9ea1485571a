"""Sign-in sessions the server can end: one row per sign-in, its key in the session and remember cookies.

The key exists only in the cookies; the row is stored under its SHA-256. Every request reads the row and its
user in one primary-key lookup (find), and portal.domain.sessions decides whether it still holds."""
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from portal.domain import sessions as rules
from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import User, UserSession
from portal.services.tokens import token_hash

# Sessions that ended are kept this long for the account page and investigations, then removed at a sign-in.
KEEP_ENDED = timedelta(days=90)


def limits() -> rules.Limits:
    config = current_app.config
    return rules.Limits(lifetime=config["PERMANENT_SESSION_LIFETIME"], remember=config["REMEMBER_COOKIE_DURATION"],
                        idle=timedelta(hours=config["SESSION_IDLE_HOURS"]))


def start(user: User, *, remember: bool, method: str, user_agent: str | None, ip: str | None) -> str:
    """A new session for `user`; returns the key for the cookies (set it as user.session_key)."""
    now = utcnow()
    key = secrets.token_urlsafe(32)
    # Long-gone sessions of this account go (not loaded here, so nothing in memory to keep in step).
    db.session.execute(db.delete(UserSession).where(
        UserSession.user_id == user.id, UserSession.expires_at < now - KEEP_ENDED)
        .execution_options(synchronize_session=False))
    db.session.add(UserSession(
        id=token_hash(key), user_id=user.id, created_at=now, last_seen_at=now,
        expires_at=rules.expiry(now, remember, limits()), remember=remember, method=method, role=user.role,
        credential_stamp=rules.credential_stamp(user.password_hash), user_agent=(user_agent or "")[:300] or None,
        ip_address=ip, last_ip=ip))
    db.session.flush()
    user.session_key = key
    return key


# Built once: every request runs it, and building a statement and its cache key anew cost more than a third of
# running it.
_FIND = (sa.select(UserSession, User).join(User, UserSession.user_id == User.id)
         .where(UserSession.id == sa.bindparam("session_id")))


def find(key: str) -> tuple[UserSession, User] | None:
    """The session a cookie names and its user: one statement, by primary key."""
    if not key or len(key) > 100:
        return None
    row = db.session.execute(_FIND, {"session_id": token_hash(key)}).first()
    return (row[0], row[1]) if row else None


def end_reason(record: UserSession, user: User, now=None) -> str | None:
    return rules.end_reason(
        now or utcnow(), ended_at=record.ended_at, expires_at=as_utc(record.expires_at),
        last_seen_at=as_utc(record.last_seen_at), role_at_sign_in=record.role,
        stamp_at_sign_in=record.credential_stamp, role=user.role, password_hash=user.password_hash,
        active=user.active, limits=limits())


def end(record: UserSession, reason: str) -> None:
    if record.ended_at is None:
        record.ended_at, record.end_reason = utcnow(), reason


def end_all(user: User, reason: str) -> int:
    """End every session of `user` (sign out everywhere, a password or role change, deactivation)."""
    result = db.session.execute(db.update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)).values(ended_at=utcnow(), end_reason=reason))
    return result.rowcount


def live_for(user: User) -> list[UserSession]:
    """The user's sessions that still hold, the most recently used first."""
    now = utcnow()
    rows = db.session.scalars(db.select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None), UserSession.expires_at > now)
        .order_by(UserSession.last_seen_at.desc())).all()
    return [r for r in rows if end_reason(r, user, now) is None]


def owned(user: User, session_id: str) -> UserSession | None:
    record = db.session.get(UserSession, session_id) if session_id and len(session_id) <= 64 else None
    return record if record is not None and record.user_id == user.id else None
