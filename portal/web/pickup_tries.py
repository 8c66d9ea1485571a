"""Wrong pick-up codes counted per parcel in the rate-limit store (like failed sign-ins, portal.web.throttle):
the count outlives the refused request, which saves nothing, and is shared by the workers when
RATELIMIT_STORAGE_URI points at Redis. PICKUP_CODE_TRIES wrong codes within PICKUP_LOCK_MINUTES lock the
hand-over of that parcel (the right code too) until the window ends."""
import math
import time

from flask import current_app
from limits import RateLimitItemPerMinute
from limits.strategies import FixedWindowRateLimiter

from portal.web.ratelimit import limiter

NAMESPACE = "pickup-code"


def _item():
    config = current_app.config
    return RateLimitItemPerMinute(int(config.get("PICKUP_CODE_TRIES", 5)), int(config.get("PICKUP_LOCK_MINUTES", 60)))


def _strategy() -> FixedWindowRateLimiter:
    return FixedWindowRateLimiter(limiter.limiter.storage)


def locked(parcel_id: int) -> int | None:
    """Minutes until the parcel's hand-over may be tried again, None when it may now."""
    item = _item()
    if _strategy().test(item, NAMESPACE, str(parcel_id)):
        return None
    reset = _strategy().get_window_stats(item, NAMESPACE, str(parcel_id)).reset_time
    return max(1, math.ceil((reset - time.time()) / 60))


def failed(parcel_id: int) -> int:
    """Count a wrong code; the tries left."""
    item = _item()
    _strategy().hit(item, NAMESPACE, str(parcel_id))
    return _strategy().get_window_stats(item, NAMESPACE, str(parcel_id)).remaining
