"""Two-factor sign-in with a TOTP app (any authenticator: codes of 6 digits every 30 s) and recovery codes.

Enrolment: begin() stores a new secret, the account page shows it as a QR code, confirm() turns it on with a
first code and hands out recovery codes (only their SHA-256 is stored, each works once). A code is accepted
for the step before and after the current one (phone clocks drift) and only once."""
import base64
import hmac
import io
import secrets

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.domain.roles import SUPERVISORS
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import RecoveryCode, User
from portal.services import ServiceError, security_log
from portal.services.tokens import token_hash

RECOVERY_CODES = 10
# No 0/O or 1/I/L: codes are read off paper.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
# Required in production (TWO_FACTOR_REQUIRED) for the roles that change rules and see everything.
REQUIRED_ROLES = SUPERVISORS
TOTP, RECOVERY = "totp", "recovery_code"


def required_for(user: User) -> bool:
    return bool(current_app.config.get("TWO_FACTOR_REQUIRED")) and user.role in REQUIRED_ROLES


def must_enrol(user: User) -> bool:
    return required_for(user) and not user.two_factor_enabled


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret)


def begin(user: User) -> None:
    """A new secret, not yet in force (enrolling again replaces a pending one; an enabled one stays)."""
    if user.two_factor_enabled:
        raise ServiceError(_l("Two-factor sign-in is already on."), status=409)
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None


def provisioning_uri(user: User) -> str:
    issuer = current_app.config.get("TWO_FACTOR_ISSUER") or "Service portal"
    return _totp(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg_data_uri(user: User) -> str:
    """The enrolment QR code as an SVG data URI (no request to another site, nothing inline to run)."""
    out = io.BytesIO()
    segno.make(provisioning_uri(user), error="m").save(out, kind="svg", scale=5, border=2, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def _matching_step(user: User, code: str) -> int | None:
    code = "".join(ch for ch in code or "" if ch.isdigit())
    if not user.totp_secret or len(code) != 6:
        return None
    totp = _totp(user.totp_secret)
    now_step = totp.timecode(utcnow())
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and step > (user.totp_last_step or -1):
            return step
    return None


def confirm(user: User, code: str) -> list[str]:
    """Turn two-factor sign-in on with a first code from the app; returns the recovery codes to show once."""
    if user.two_factor_enabled or not user.totp_secret:
        raise ServiceError(_l("Start the setup again."), status=409)
    step = _matching_step(user, code)
    if step is None:
        raise ServiceError(_l("This code does not match. Check the time on your phone and type the newest code."),
                           field="code")
    user.totp_last_step = step
    user.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    security_log.record(security_log.TWO_FACTOR_ON, user=user)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_sha256=token_hash(raw)))
    db.session.flush()
    return codes


def renew_recovery_codes(user: User) -> list[str]:
    if not user.two_factor_enabled:
        raise ServiceError(_l("Two-factor sign-in is off."), status=409)
    codes = _new_recovery_codes(user)
    security_log.record(security_log.RECOVERY_CODES, user=user)
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(db.select(db.func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def disable(user: User, forced: bool = False) -> None:
    """Turn two-factor sign-in off: the user on their account page (not where their role requires it), or an
    admin at the command line (`forced`)."""
    if not forced and required_for(user):
        raise ServiceError(_l("Two-factor sign-in is required for your role."), status=409)
    was_on = user.two_factor_enabled
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    if was_on:
        security_log.record(security_log.TWO_FACTOR_OFF, user=user, detail={"by": "cli" if forced else "user"})


def verify(user: User, code: str) -> str | None:
    """TOTP or RECOVERY when `code` signs `user` in (and spends it), None otherwise."""
    if not user.two_factor_enabled:
        return None
    step = _matching_step(user, code)
    if step is not None:
        user.totp_last_step = step
        return TOTP
    raw = "".join(ch for ch in (code or "").lower() if ch in ALPHABET)
    if len(raw) != 10:
        return None
    result = db.session.execute(db.update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_sha256 == token_hash(raw),
        RecoveryCode.used_at.is_(None)).values(used_at=utcnow()))
    return RECOVERY if result.rowcount == 1 else None
