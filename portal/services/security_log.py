"""The security log: sign-ins and their failures, lockouts, sign-outs, account changes and admins' edits, with
who, when and the address. Events are written in the request's transaction: portal.web.forms.submit commits
them, refusals included (a failed sign-in is answered through the form path as an outcome, not rolled back).

Never a password, token, TOTP secret or recovery code, nor a full phone number: details are checked here."""
from flask import has_request_context, request
from sqlalchemy.orm import joinedload

from portal.domain.privacy import mask_email, mask_phone
from portal.extensions import db
from portal.models import SecurityEvent, User

SIGN_IN, SIGN_IN_FAILED, LOCKED, ADDRESS_BLOCKED, SIGN_OUT = (
    "sign_in", "sign_in_failed", "account_locked", "address_blocked", "sign_out")
LINK_USED = "link_used"
TWO_FACTOR_ON, TWO_FACTOR_OFF, RECOVERY_CODES = "two_factor_enabled", "two_factor_disabled", "recovery_codes_renewed"
PASSWORD_CHANGED, ROLE_CHANGED, ACCOUNT_DISABLED, ACCOUNT_ENABLED = (
    "password_changed", "role_changed", "account_disabled", "account_enabled")
SLA_CHANGED, ROUTING_CHANGED, DATA_DOWNLOADED = "sla_policies_changed", "routing_rules_changed", "data_downloaded"
MASTER_DATA_CHANGED = "master_data_changed"
TASK_RETRIED, TASK_DROPPED = "task_retried", "task_dropped"
MESSAGE_PREFERENCES, MESSAGE_TEXT_CHANGED = "message_preferences_changed", "message_text_changed"
PROVIDER_TEMPLATE_CHANGED = "provider_template_changed"

KINDS = (SIGN_IN, SIGN_IN_FAILED, LOCKED, ADDRESS_BLOCKED, SIGN_OUT, LINK_USED, TWO_FACTOR_ON, TWO_FACTOR_OFF,
         RECOVERY_CODES, PASSWORD_CHANGED, ROLE_CHANGED, ACCOUNT_DISABLED, ACCOUNT_ENABLED, SLA_CHANGED,
         ROUTING_CHANGED, DATA_DOWNLOADED, MASTER_DATA_CHANGED, TASK_RETRIED, TASK_DROPPED, MESSAGE_PREFERENCES,
         MESSAGE_TEXT_CHANGED, PROVIDER_TEMPLATE_CHANGED)
# Keys a detail may never carry, however it was built.
SECRET_WORDS = ("password", "token", "secret", "code", "otp")


def _safe(detail):
    """The detail with secrets dropped and phone numbers masked, at any depth."""
    if isinstance(detail, dict):
        clean = {}
        for key, value in detail.items():
            name = str(key).lower()
            if any(word in name for word in SECRET_WORDS):
                continue
            if "phone" in name and isinstance(value, list | tuple):  # [before, after] of a change
                clean[str(key)] = [mask_phone(str(v)) if v else v for v in value]
            else:
                clean[str(key)] = mask_phone(str(value)) if "phone" in name and value else _safe(value)
        return clean
    if isinstance(detail, list | tuple):
        return [_safe(value) for value in detail]
    return detail


def record(kind: str, *, user: User | None = None, actor: User | None = None, email: str | None = None,
           detail: dict | None = None) -> SecurityEvent:
    """Add one event. `email` (masked here) names the account typed when it is not a known one."""
    assert kind in KINDS, kind
    ip = agent = None
    typed = mask_email(email) if user is None and email else None
    if has_request_context():
        ip, agent = request.remote_addr, (request.user_agent.string or "")[:200] or None
    event = SecurityEvent(kind=kind, user_id=user.id if user is not None else None,
                          actor_id=actor.id if actor is not None and actor is not user else None,
                          account=typed or None,
                          ip_address=ip, user_agent=agent, detail=_safe(detail) if detail else None)
    db.session.add(event)
    return event


def changes(before: dict, after: dict) -> dict:
    """{key: [before, after]} for the keys whose value differs."""
    return {key: [before.get(key), after.get(key)] for key in sorted(set(before) | set(after), key=str)
            if before.get(key) != after.get(key)}


def recent(kind: str | None = None, before_id: int | None = None, limit: int = 100) -> list[SecurityEvent]:
    """The newest events first (of one kind when given), older than `before_id` for the next page."""
    query = (db.select(SecurityEvent).options(joinedload(SecurityEvent.user), joinedload(SecurityEvent.actor))
             .order_by(SecurityEvent.id.desc()).limit(limit))
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    if before_id:
        query = query.where(SecurityEvent.id < before_id)
    return db.session.scalars(query).all()
