"""When a sign-in session ends: signed out, past its lifetime, idle too long (desk roles), or the account
changed under it (role, password, deactivation). Pure rules; portal.services.sessions applies them."""
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.domain.roles import STAFF

# Office roles on shared desktops time out when idle; engineers keep a working week (offline replays the next
# morning must pass) and customers their session's lifetime.
IDLE_ROLES = STAFF
# last_seen is written at most this often per session.
TOUCH_EVERY = timedelta(minutes=1)

ENDED, EXPIRED, IDLE, DISABLED, ROLE_CHANGED, PASSWORD_CHANGED = (
    "ended", "expired", "idle", "disabled", "role_changed", "password_changed")


@dataclass(frozen=True)
class Limits:
    lifetime: timedelta  # without remember-me
    remember: timedelta  # with remember-me
    idle: timedelta  # IDLE_ROLES only


def credential_stamp(password_hash: str) -> str:
    """A short fingerprint of the stored hash: a session remembers it, so any password change ends it."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def expiry(created: datetime, remember: bool, limits: Limits) -> datetime:
    return created + (limits.remember if remember else limits.lifetime)


def end_reason(now: datetime, *, ended_at: datetime | None, expires_at: datetime, last_seen_at: datetime,
               role_at_sign_in: str, stamp_at_sign_in: str, role: str, password_hash: str, active: bool,
               limits: Limits) -> str | None:
    """Why the session no longer holds, or None while it does. Times are aware UTC."""
    if ended_at is not None:
        return ENDED
    if not active:
        return DISABLED
    if role != role_at_sign_in:
        return ROLE_CHANGED
    if credential_stamp(password_hash) != stamp_at_sign_in:
        return PASSWORD_CHANGED
    if now >= expires_at:
        return EXPIRED
    if role in IDLE_ROLES and now - last_seen_at >= limits.idle:
        return IDLE
    return None


def touch_due(now: datetime, last_seen_at: datetime) -> bool:
    return now - last_seen_at >= TOUCH_EVERY


_BROWSERS = (("MicroMessenger", "WeChat"), ("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device_name(user_agent: str | None) -> str:
    """"Chrome · Android" from a browser's user agent, enough to tell one's devices apart."""
    agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in agent), "")
    return " · ".join(part for part in (browser, system) if part) or (agent[:40] or "?")
