"""Single-use link tokens (remote signing, invitations, sign-in links): the token goes into the link, only
its SHA-256 is stored, so a database dump hands out no working links."""
import hashlib
import secrets


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and the hash to store."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)
