"""gunicorn's access log without secrets: run gunicorn with `--logger-class portal.web.accesslog.RedactingLogger`.

The token of an e-mailed sign-in or invitation link, of a remote signing link and of a resolution's confirming
link is part of the URL path; the portal exchanges it for a session marker at once (portal.auth.links), but that
first request is still logged.
This logger cuts such tokens from the path, the request line and the referrer, and query strings (a search may
hold a phone number) from the request line, whatever the log format uses."""
from gunicorn.glogging import Logger

from portal.domain.privacy import LINK_TOKEN_PATHS as TOKEN_PATHS
from portal.domain.privacy import REDACTED, hide_link_tokens

__all__ = ["REDACTED", "TOKEN_PATHS", "RedactingLogger", "redact"]


def redact(text):
    """The text with link tokens replaced; anything else as it was."""
    return hide_link_tokens(text)


# Atoms that hold the URI with its query string: the query is left out of them.
WITH_QUERY = ("{raw_uri}e", "{request_uri}e")


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        method, _sep, rest = (atoms.get("r") or "").partition(" ")
        uri, _sep, protocol = rest.rpartition(" ")
        atoms["r"] = f"{method} {uri.split('?', 1)[0]} {protocol}"
        for key in WITH_QUERY:
            if isinstance(atoms.get(key), str):
                atoms[key] = atoms[key].split("?", 1)[0]
        # Every atom: the path, the referrer, and the environ and header atoms (%({raw_uri}e)s, …).
        return {key: redact(value) for key, value in atoms.items()}
