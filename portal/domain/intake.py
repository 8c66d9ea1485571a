"""Intake rules: how complete a service request is (seed 004: at least 90 %) and where its number is sent."""
from collections.abc import Mapping
from dataclasses import dataclass

THRESHOLD = 90
MIN_SYMPTOM_CHARS = 5
# What the register asks for, in the order an agent asks the customer. The weights add up to 100: without a
# photo a request can still pass 90 %, without any of the others it cannot.
WEIGHTS = {
    "symptom": 20, "product_model": 15, "serial": 15, "purchase_date": 15,
    "frequency": 10, "impact": 10, "tried": 10, "attachment": 5,
}


@dataclass(frozen=True)
class Completeness:
    score: int  # percent
    missing: tuple[str, ...]  # item keys, in the order of WEIGHTS

    @property
    def enough(self) -> bool:
        return self.score >= THRESHOLD


def _given(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value > 0
    return value is not None


def completeness(values: Mapping[str, object]) -> Completeness:
    """Score the items of WEIGHTS in `values` (text, dates, ids; `attachment` is a count)."""
    missing = []
    for item in WEIGHTS:
        value = values.get(item)
        if item == "symptom":
            ok = isinstance(value, str) and len(value.strip()) >= MIN_SYMPTOM_CHARS
        else:
            ok = _given(value)
        if not ok:
            missing.append(item)
    score = 100 - sum(WEIGHTS[m] for m in missing)
    return Completeness(score, tuple(missing))


# Ticket channel -> how the customer is told the number. Phone-like channels get a text message.
NOTICE_CHANNEL = {
    "phone": "sms", "walk_in": "sms", "account_manager": "sms", "email": "email", "wechat": "wechat",
    "portal": "portal", "app": "portal",
    # A scanned device label: the reporter's confirmed mobile; a campaign or plan: the contact's phone.
    "label": "sms", "proactive": "sms",
}


def notice_route(channel: str, phone: str | None, email: str | None) -> tuple[str, str | None]:
    """(notification channel, recipient) for a request that came in on `channel`.

    E-mail goes to the contact's address when known, else falls back to a text message; WeChat reaches
    the customer through the phone number bound to their account; the portal and app show it in the
    customer's inbox, so there is no recipient address.
    """
    route = NOTICE_CHANNEL.get(channel, "sms")
    if route == "email" and not email:
        route = "sms"
    if route == "email":
        return route, email
    if route == "portal":
        return route, None
    return route, phone or None
