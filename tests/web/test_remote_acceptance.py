"""Remote acceptance: the desk creates a single-use, expiring link; the customer signs on their own phone
without an account; the link works once, only for its ticket, and shows no contact data."""
import base64
import io
import re
from datetime import timedelta

from pypdf import PdfReader

from portal.extensions import db
from portal.models import Acceptance, Document, OutgoingMail, RemoteAcceptanceLink, Ticket, TicketEvent
from portal.services.storage import read_bytes
from tests.conftest import signature_png
from tests.web.factories import make_ticket
from tests.web.pages import whole_page


def last_mail(app, kind) -> OutgoingMail:
    with app.app_context():
        return db.session.scalar(db.select(OutgoingMail).where(OutgoingMail.kind == kind)
                                 .order_by(OutgoingMail.id.desc()).limit(1))


def create_link(web, ticket_id) -> str:
    """The desk sends the link; it reaches the contact's mailbox (kept, as no mail server is configured)."""
    response = web.post_form(f"/desk/tickets/{ticket_id}/signing-link", {})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "/sign/" not in response.get_data(as_text=True), "the desk never sees the link"
    mail = last_mail(web.application, "signing_link")
    assert mail.recipient == "zhang@example.com"
    return re.search(r"(http\S+/sign/\S+)", mail.body).group(1)


def link_path(url: str) -> str:
    return url[url.index("/sign/"):]


def ask_code(client) -> str:
    """The signer asks for the code; it goes to the same mailbox."""
    assert client.post_form("/sign/code", {}).status_code == 302
    return re.search(r"[:：]\s*(\d{6})", last_mail(client.application, "signing_code").body).group(1)


def sign(client, path, code="asked", headers=None, **fields):
    opened = client.get(path)
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/sign/"), "the token leaves the URL"
    if code == "asked":
        code = ask_code(client)
    page = client.get("/sign/").get_data(as_text=True)
    shown = re.search(r'name="summary_sha256"[^>]*value="([0-9a-f]{64})"', page).group(1)
    data = {"outcome": "accept", "customer_verification": "在家试用一天,正常", "signer_name": "周敏",
            "signature": "data:image/png;base64," + base64.b64encode(signature_png()).decode(),
            "client_time": "2026-11-24T10:00:00Z", "summary_sha256": shown, "code": code}
    data.update(fields)
    return client.post_form("/sign/", {k: v for k, v in data.items() if v is not None}, headers=headers or {})


def test_the_customer_signs_once_from_the_link_without_an_account(app, login_as, client):
    ticket_id = make_ticket(app, status="resolved")
    url = create_link(login_as("agent"), ticket_id)
    path = link_path(url)
    client.get(path)
    page = client.get("/sign/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "signature-pad" in html
    assert "13812345678" not in html and "5678" not in html  # no contact data on a public page
    done = sign(client, path)
    assert done.status_code == 200 and "sign-done" in done.get_data(as_text=True)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        acceptance = db.session.scalar(db.select(Acceptance).where(Acceptance.ticket_id == ticket_id))
        assert ticket.status == "closed" and acceptance.signer_name == "周敏" and acceptance.remote_link_id
        assert acceptance.engineer_id == ticket.assignee_id
        assert db.session.scalar(db.select(Document).where(Document.ticket_id == ticket_id)) is not None
    # Once only.
    again = client.get(path)
    assert again.status_code == 410 and "already been used" in client.get(
        path, headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_a_forged_or_expired_link_gets_a_clear_page(app, login_as, client):
    ticket_id = make_ticket(app, status="resolved")
    url = create_link(login_as("agent"), ticket_id)
    assert client.get("/sign/forged-token-123").status_code == 404
    with app.app_context():
        link = db.session.scalar(db.select(RemoteAcceptanceLink))
        link.expires_at = link.expires_at - timedelta(days=30)
        db.session.commit()
    response = client.get(link_path(url), headers={"Accept-Language": "en"})
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)


def test_a_new_link_replaces_the_old_one(app, login_as, client):
    ticket_id = make_ticket(app, status="resolved")
    agent = login_as("agent")
    first, second = create_link(agent, ticket_id), create_link(agent, ticket_id)
    assert first != second
    assert client.get(link_path(first)).status_code == 410
    assert client.get(link_path(second)).status_code == 302


def test_a_link_is_only_for_its_own_ticket(app, login_as, client):
    one = make_ticket(app, status="resolved")
    other = make_ticket(app, status="resolved")
    url = create_link(login_as("agent"), one)
    client.get(link_path(url))
    page = client.get("/sign/").get_data(as_text=True)
    with app.app_context():
        numbers = {t.id: t.number for t in db.session.scalars(db.select(Ticket))}
    assert numbers[one] in page and numbers[other] not in page
    sign(client, link_path(url))
    with app.app_context():
        assert db.session.get(Ticket, other).status == "resolved"


def test_not_satisfied_from_the_link_reopens_the_ticket(app, login_as, client):
    ticket_id = make_ticket(app, status="resolved")
    path = link_path(create_link(login_as("agent"), ticket_id))
    response = sign(client, path, outcome="reject", reason="取回后发现仍有异响", signature=None)
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).status == "reopened"
        kinds = [e.kind for e in db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id))]
        assert kinds[-1] == "rejected"
    assert client.get(path).status_code == 410


def test_a_bad_answer_keeps_what_was_typed(app, login_as, client):
    ticket_id = make_ticket(app, status="resolved")
    path = link_path(create_link(login_as("agent"), ticket_id))
    response = sign(client, path, signature="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="周敏"' in html and "在家试用一天" in html


def test_links_only_for_tickets_handed_over(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    response = login_as("agent").post_form(f"/desk/tickets/{ticket_id}/signing-link", {})
    assert response.status_code == 409
    assert login_as("engineer").post_form(f"/desk/tickets/{ticket_id}/signing-link", {}).status_code == 403


def test_the_desk_sees_the_evidence_and_a_skew_flag(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    with app.app_context():
        acceptance = db.session.scalar(db.select(Acceptance).where(Acceptance.ticket_id == ticket_id))
        acceptance.clock_skew_seconds = 900
        db.session.commit()
    html = whole_page(login_as("agent"), f"/desk/tickets/{ticket_id}", {"Accept-Language": "en"})
    assert "skew-flag" in html and "开机测试正常" in html and "5/5" in html


def test_the_answer_counts_only_with_the_code_sent_to_the_contact(app, login_as, client):
    ticket_id = make_ticket(app, status="resolved")
    path = link_path(create_link(login_as("agent"), ticket_id))
    en = {"Accept-Language": "en"}
    missing = sign(client, path, code=None)
    assert missing.status_code == 422 and "resolved" == _status(app, ticket_id)
    early = sign(client, path, code="123456", headers=en)
    assert early.status_code == 422 and "Ask for a code first" in early.get_data(as_text=True)
    code = ask_code(client)
    wrong = sign(client, path, code=f"{(int(code) + 1) % 10 ** 6:06d}", headers=en)
    assert wrong.status_code == 422 and "This code is not right" in wrong.get_data(as_text=True)
    assert 'value="周敏"' in wrong.get_data(as_text=True)  # what was typed is kept
    assert sign(client, path, code=code).status_code == 200
    assert _status(app, ticket_id) == "closed"
    with app.app_context():
        acceptance = db.session.scalar(db.select(Acceptance).where(Acceptance.ticket_id == ticket_id))
        event = db.session.scalar(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                               TicketEvent.kind == "accepted"))
        assert acceptance.remote_link.code_verified_at is not None and event.data["code_sent_to"] == "z***@example.com"
        document = db.session.scalar(db.select(Document).where(Document.ticket_id == ticket_id))
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(read_bytes(document.storage_key))).pages)
    assert "z***@example.com" in text and "One-time code sent to" in re.sub(r"\s+", " ", text)


def test_an_expired_code_and_too_many_codes_are_refused(app, login_as, client):
    ticket_id = make_ticket(app, status="resolved")
    path = link_path(create_link(login_as("agent"), ticket_id))
    client.get(path)
    code = ask_code(client)
    assert client.post_form("/sign/code", {}).status_code == 429  # one a minute
    with app.app_context():
        link = db.session.scalar(db.select(RemoteAcceptanceLink).where(RemoteAcceptanceLink.ticket_id == ticket_id))
        link.code_expires_at = link.code_expires_at - timedelta(hours=1)
        link.code_sent_at = link.code_sent_at - timedelta(hours=1)
        link.codes_sent = 5
        db.session.commit()
    expired = sign(client, path, code=code, headers={"Accept-Language": "en"})
    assert expired.status_code == 422 and "This code has expired" in expired.get_data(as_text=True)
    assert client.post_form("/sign/code", {}).status_code == 429  # five per link, then a new link


def test_the_signing_page_needs_the_link_opened_first(client):
    page = client.get("/sign/", headers={"Accept-Language": "en"})
    assert page.status_code == 404 and "not valid" in page.get_data(as_text=True)
    assert client.post_form("/sign/code", {}).status_code == 404


def test_no_link_without_an_e_mail_for_the_contact(app, login_as):
    ticket_id = make_ticket(app, status="resolved", customer_kind="individual")  # contact "张经理" is not theirs
    response = login_as("agent").post_form(f"/desk/tickets/{ticket_id}/signing-link", {}, htmx=True,
                                           headers={"Accept-Language": "en"})
    assert response.status_code == 409 and "no e-mail address on file" in response.get_data(as_text=True)


def test_unsent_mail_is_kept_for_the_admin_and_the_log_only_outside_production(app, login_as, caplog):
    ticket_id = make_ticket(app, status="resolved")
    with caplog.at_level("INFO", logger="portal.services.mailer"):
        url = create_link(login_as("agent"), ticket_id)
    assert url in caplog.text and "zhang@example.com" not in caplog.text  # the link, not the address
    page = login_as("admin").get("/desk/admin/mail").get_data(as_text=True)
    assert url in page
    assert login_as("agent").get("/desk/admin/mail").status_code == 403


def test_hosts_outside_the_trusted_list_are_refused(app):
    app.config["TRUSTED_HOSTS"] = ["portal.example.com"]
    client = app.test_client()
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", headers={"Host": "portal.example.com"}).status_code == 200


def _status(app, ticket_id) -> str:
    with app.app_context():
        return db.session.get(Ticket, ticket_id).status
