"""Tokens stay out of logs (issue 10, point 8, the sign-in part): an e-mailed link's first open trades its token for
a short-lived marker in the session and moves to a URL without it; gunicorn's access log, with the documented
logger class, cuts the tokens that still reach it."""
from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from portal.auth import links
from portal.web.accesslog import RedactingLogger
from tests.conftest import WebClient
from tests.web.test_customer_account import link_in


def mailed_link(app, mail, email="zhou.min@example.com") -> str:
    WebClient(app.test_client()).post_form("/account/login-link", {"email": email}).close()
    return link_in(mail.sent[-1])


def test_the_first_open_moves_to_a_url_without_the_token(app, mail):
    link = mailed_link(app, mail)
    token = link.rsplit("/", 1)[1]
    web = WebClient(app.test_client())
    opened = web.get(link)
    assert opened.status_code == 302 and opened.headers["Location"] == "/account/login/continue"
    page = web.get("/account/login/continue")
    assert page.status_code == 200 and token not in page.get_data(as_text=True)  # nor in the form it posts
    signed = web.post_form("/account/login/continue", {})
    assert signed.status_code == 302 and signed.headers["Location"].endswith("/my/tickets")


def test_the_marker_works_only_in_the_browser_that_opened_the_link_and_only_for_a_while(app, mail, monkeypatch):
    link = mailed_link(app, mail)
    opener = WebClient(app.test_client())
    assert opener.get(link).status_code == 302
    stranger = WebClient(app.test_client())
    assert stranger.get("/account/login/continue").status_code == 410
    later = links.time.time() + timedelta(minutes=links.LINK_MINUTES, seconds=1).total_seconds()
    monkeypatch.setattr(links.time, "time", lambda: later)
    assert opener.get("/account/login/continue").status_code == 410
    # The link itself still works (a mail scanner opening it spends nothing): opened again, it goes on.
    monkeypatch.undo()
    assert opener.get(link).status_code == 302
    assert opener.get("/account/login/continue").status_code == 200


def test_an_invitation_marker_is_no_sign_in_link_marker(app, mail):
    link = mailed_link(app, mail)
    web = WebClient(app.test_client())
    web.get(link)
    assert web.get("/account/invite/continue").status_code == 410


def _atoms(path: str, referer: str = "-") -> dict:
    logger = RedactingLogger(Config())
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": path.split("?")[0], "QUERY_STRING": path.partition("?")[2], "REMOTE_ADDR": "10.1.2.3",
               "HTTP_REFERER": referer}
    response = SimpleNamespace(status="302 FOUND", sent=0, headers=[])
    request = SimpleNamespace(headers=[("REFERER", referer)])
    return logger.atoms(response, request, environ, timedelta(milliseconds=12))


def test_the_access_log_cuts_link_tokens_and_query_strings():
    token = "Zx9_secret-token-from-the-mail-abcdefghijk"
    atoms = _atoms(f"/account/login/{token}", referer=f"https://portal.example/account/invite/{token}")
    text = " ".join(str(v) for v in atoms.values())
    assert token not in text
    assert atoms["U"] == "/account/login/[redacted]" and atoms["r"] == "GET /account/login/[redacted] HTTP/1.1"
    assert atoms["f"] == "https://portal.example/account/invite/[redacted]"
    assert _atoms(f"/sign/{token}")["U"] == "/sign/[redacted]"
    search = _atoms("/desk/tickets?q=13812345678")
    assert search["U"] == "/desk/tickets" and "13812345678" not in search["r"]
    assert _atoms("/account/login/continue")["U"] == "/account/login/continue"
