"""Security headers on every kind of answer: a page, an htmx fragment, a JSON answer, an error page, a photo and
a PDF; the print preview's own policy; and no inline script or style in the templates the browser gets."""
import re
import uuid
from pathlib import Path

import pytest

from portal.extensions import db
from portal.models import Attachment, Document, Ticket
from tests.web.factories import make_ticket

ROOT = Path(__file__).resolve().parents[2]
STRICT = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data: blob:",
    "object-src": "'none'", "base-uri": "'self'", "frame-ancestors": "'none'", "form-action": "'self'",
}


def policy(response) -> dict:
    value = response.headers.get("Content-Security-Policy", "")
    return {name: rest.strip() for name, _, rest in (d.strip().partition(" ") for d in value.split(";") if d.strip())}


def assert_secure(response, cache="private, no-store"):
    body = response.get_data()  # read (and close) a streamed file
    response.close()
    assert policy(response) == STRICT, response.headers.get("Content-Security-Policy")
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # development and tests: no HSTS
    if cache is not None:
        assert response.headers["Cache-Control"] == cache
    return body


def closed_ticket_files(app, ticket_id):
    with app.app_context():
        photo = db.session.scalar(db.select(Attachment).where(Attachment.ticket_id == ticket_id,
                                                              Attachment.purpose == "inspection"))
        document = db.session.scalar(db.select(Document).where(Document.ticket_id == ticket_id))
        return photo.id, document.id


def test_a_page_a_fragment_and_a_json_answer(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    desk = login_as("agent")
    page = desk.get("/desk/tickets")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert_secure(page)
    fragment = desk.get("/desk/tickets?status=open", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and b"<html" not in fragment.get_data()
    assert_secure(fragment)

    engineer = login_as("engineer")
    answer = engineer.post_form(f"/m/jobs/{ticket_id}/arrive", {}, headers={
        "Accept": "application/json", "X-Requested-With": "outbox", "Idempotency-Key": str(uuid.uuid4())})
    assert answer.status_code == 200 and answer.get_json()["ok"] is True
    assert_secure(answer)
    job = engineer.get(f"/m/jobs/{ticket_id}")
    assert_secure(job)


def test_error_pages_and_public_pages(app, client, login_as):
    assert_secure(client.get("/nowhere"))
    assert_secure(login_as("agent").get("/desk/tickets/999999"))
    not_json = login_as("agent").get("/desk/tickets/999999", headers={"Accept": "application/json"})
    assert not_json.status_code == 404 and not_json.get_json()["ok"] is False
    assert_secure(not_json)
    assert_secure(client.get("/login"))


def test_photos_and_pdfs_are_private_and_checked_with_the_server_before_reuse(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    photo_id, document_id = closed_ticket_files(app, ticket_id)
    agent = login_as("agent")
    for url in (f"/files/attachments/{photo_id}", f"/files/attachments/{photo_id}/thumb",
                f"/files/documents/{document_id}"):
        response = agent.get(url)
        assert response.status_code == 200, url
        # Never "public" (shared caches), never reused without asking: the server checks access each time.
        assert_secure(response, cache="no-cache, private")
        assert response.headers.get("ETag") and "Expires" not in response.headers
        again = agent.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, url
        again.close()
    receipt = agent.get(f"/desk/tickets/{ticket_id}/receipt.pdf")
    assert receipt.mimetype == "application/pdf"
    assert_secure(receipt)
    customer_copy = login_as("customer").get(f"/my/tickets/{ticket_id}/receipt.pdf")
    assert customer_copy.mimetype == "application/pdf"
    assert_secure(customer_copy)


def test_a_static_file_keeps_its_caching(client):
    response = client.get("/static/css/app.css")
    body = assert_secure(response, cache=None)
    assert b".sync-bar" in body and "no-store" not in response.headers.get("Cache-Control", "")


def test_hsts_in_production_only(app, client):
    app.config["ENV_NAME"] = "production"
    response = client.get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_print_preview_has_a_policy_of_its_own(app, login_as):
    ticket_id = make_ticket(app, status="resolved")
    response = login_as("engineer").get(f"/m/jobs/{ticket_id}/acceptance/preview")
    assert response.status_code == 200 and b"<style>" in response.get_data()
    rules = policy(response)
    assert rules["default-src"] == "'none'" and rules["style-src"] == "'unsafe-inline'"
    assert rules["img-src"] == "data:" and rules["frame-ancestors"] == "'none'" and "script-src" not in rules
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_htmx_indicator_style_is_not_injected(login_as):
    page = login_as("engineer").get("/m/jobs").get_data(as_text=True)
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'', page).group(1)
    assert '"includeIndicatorStyles": false' in config and '"allowEval": false' in config
    assert '"attributesToSettle": ["class", "width", "height"]' in config  # a style attribute set is refused


# Templates the browser gets (the PDF templates are for WeasyPrint, and the print preview has its own policy).
BROWSER_TEMPLATES = sorted(p for p in (ROOT / "templates").rglob("*.html") if "pdf" not in p.parts)
INLINE = [
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


@pytest.mark.parametrize("path", BROWSER_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_no_inline_script_or_style_in_templates(path):
    text = path.read_text(encoding="utf-8")
    found = [f"{what}: {m.group(0)!r}" for pattern, what in INLINE for m in pattern.finditer(text)]
    assert not found, f"the Content-Security-Policy blocks {found}; move it into static/css or static/js"


def test_engineer_pages_leave_room_for_the_sync_bar_without_an_inline_style(app, login_as):
    ticket_id = make_ticket(app, status="resolved")
    engineer = login_as("engineer")
    page = engineer.get(f"/m/jobs/{ticket_id}").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).number in page
    assert 'id="sync-bar"' in page and 'class="with-sync-bar"' in page and "<style" not in page
    # The customer's signing screen keeps the bar in the page, hidden, and leaves no room for it.
    signing = engineer.get(f"/m/jobs/{ticket_id}/acceptance").get_data(as_text=True)
    assert 'id="sync-bar"' in signing and "with-sync-bar" not in signing


def test_the_apps_files_never_bring_a_session_cookie_back(login_as):
    """A script the phone fetched in the background and that arrives after sign-out must not set the old
    session again; pages still refresh the session as before."""
    engineer = login_as("engineer")
    for url in ("/static/css/app.css", "/static/js/outbox.js", "/sw.js", "/favicon.ico"):
        response = engineer.get(url)
        response.close()
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
    page = engineer.get("/m/jobs")
    assert "session=" in page.headers.get("Set-Cookie", "")
