"""Sign-in throttling: failed sign-ins counted per account and per client address in the rate-limit store.

The counters live in Flask-Limiter's storage, not in the database: they outlive the request's transaction
(a refused sign-in commits nothing of its own), expire by themselves, and are shared by every worker when
RATELIMIT_STORAGE_URI points at Redis (with memory:// each process counts alone). Accounts are counted by the
SHA-256 of the address typed, known or not, so that a lock says nothing about whether an account exists, and no
address is stored in the clear.

LOGIN_FAILURES_PER_ACCOUNT failures within LOGIN_LOCK_MINUTES lock the account for LOGIN_LOCK_MINUTES (the
right password included); LOGIN_FAILURES_PER_ADDRESS failures from one address within 15 minutes refuse that
address's sign-ins until the window ends."""
import hashlib
import math
import time

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItemPerMinute
from limits.strategies import FixedWindowRateLimiter

from portal.web.ratelimit import limiter

ADDRESS_WINDOW_MINUTES = 15


def _strategy() -> FixedWindowRateLimiter:
    return FixedWindowRateLimiter(limiter.limiter.storage)


def _account(email: str) -> str:
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]


def _items():
    config = current_app.config
    minutes = int(config["LOGIN_LOCK_MINUTES"])
    return (RateLimitItemPerMinute(int(config["LOGIN_FAILURES_PER_ACCOUNT"]), minutes),
            RateLimitItemPerMinute(1, minutes),
            RateLimitItemPerMinute(int(config["LOGIN_FAILURES_PER_ADDRESS"]), ADDRESS_WINDOW_MINUTES))


def _minutes_left(item, *identifiers) -> int:
    reset = _strategy().get_window_stats(item, *identifiers).reset_time
    return max(1, math.ceil((reset - time.time()) / 60))


def lock_minutes() -> int:
    return int(current_app.config["LOGIN_LOCK_MINUTES"])


def account_locked(email: str) -> int | None:
    """Minutes until the account of `email` may sign in again, None when it is not locked."""
    _failures, lock, _address = _items()
    key = _account(email)
    if _strategy().test(lock, "sign-in-lock", key):
        return None
    return _minutes_left(lock, "sign-in-lock", key)


def address_blocked() -> int | None:
    """Minutes until this client address may try again, None when it may now."""
    _failures, _lock, address = _items()
    ip = get_remote_address()
    if _strategy().test(address, "sign-in-address", ip):
        return None
    return _minutes_left(address, "sign-in-address", ip)


def failed(email: str) -> tuple[bool, bool]:
    """Count a failed sign-in; (this failure locked the account, this failure blocked the address)."""
    failures, lock, address = _items()
    strategy, key, ip = _strategy(), _account(email), get_remote_address()
    address_now = strategy.hit(address, "sign-in-address", ip) and not strategy.test(address, "sign-in-address", ip)
    strategy.hit(failures, "sign-in-account", key)
    if strategy.test(failures, "sign-in-account", key):
        return False, address_now
    # The lock runs from this failure on; the count starts again when it ends.
    strategy.hit(lock, "sign-in-lock", key)
    strategy.clear(failures, "sign-in-account", key)
    return True, address_now


def succeeded(email: str) -> None:
    failures, _lock, _address = _items()
    _strategy().clear(failures, "sign-in-account", _account(email))
