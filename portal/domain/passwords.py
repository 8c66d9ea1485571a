"""Password rules for every way a password is set (invitation, password change, `flask user create`): long
enough, not built from the account's e-mail address, not one of the common passwords everyone tries first."""
from pathlib import Path

MIN_LENGTH = 10
MAX_LENGTH = 200
# An e-mail local part shorter than this is too common a fragment to forbid ("li", "wu").
MIN_LOCAL_PART = 3

TOO_SHORT, CONTAINS_EMAIL, TOO_COMMON, TOO_LONG = "too_short", "contains_email", "too_common", "too_long"

_LIST = Path(__file__).with_name("common-passwords.txt")
COMMON = frozenset(line.strip() for line in _LIST.read_text(encoding="utf-8").splitlines()
                   if line.strip() and not line.startswith("#"))


def password_problem(password: str, email: str | None = None) -> str | None:
    """The first rule the password breaks (one of the codes above), or None when it may be used."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    lowered = password.lower()
    local = (email or "").split("@", 1)[0].strip().lower()
    if len(local) >= MIN_LOCAL_PART and local in lowered:
        return CONTAINS_EMAIL
    if lowered in COMMON:
        return TOO_COMMON
    return None
