"""Masking personal data for roles and documents that do not need it in full."""
import re


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) <= 4:
        return "*" * len(digits)
    keep_head = 3 if len(digits) >= 11 else 0
    return digits[:keep_head] + "*" * (len(digits) - keep_head - 4) + digits[-4:]


def mask_email(email: str | None) -> str:
    if not email or "@" not in email:
        return ""
    local, domain = email.split("@", 1)
    return (local[:1] + "***@" + domain) if local else "***@" + domain


# The paths whose last segment is a link token (sign-in and invitation links, remote signing, confirming a
# resolution); the pages the token is swapped for (…/continue, the answers' posts) are not tokens.
LINK_TOKEN_PATHS = re.compile(r"(/account/(?:login|invite)/|/sign/|/resolved/)"
                              r"(?!(?:continue|confirm|not-solved)(?:[/?\s]|$))[^/?\s]+")
REDACTED = "[redacted]"


def hide_link_tokens(text):
    """The text with link tokens replaced (a log line, a message shown at the desk); anything else as it was."""
    return LINK_TOKEN_PATHS.sub(lambda m: m.group(1) + REDACTED, text) if isinstance(text, str) else text
