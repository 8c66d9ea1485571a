"""Remote acceptance: the desk creates a single-use, expiring link; the customer signs on their own phone
without an account; the link works once, only for its ticket, and shows no contact data."""
import base64
import re
from datetime import timedelta

from portal.extensions import db
from portal.models import Acceptance, Document, RemoteAcceptanceLink, Ticket, TicketEvent
from tests.conftest import signature_png
from tests.web.factories import make_ticket


def create_link(web, ticket_id) -> str:
    response = web.post_form(f"/desk/tickets/{ticket_id}/signing-link", {})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return re.search(r'value="(http[^"]+/sign/[^"]+)"', response.get_data(as_text=True)).group(1)


def link_path(url: str) -> str:
    return url[url.index("/sign/"):]


def sign(client, path, **fields):
    page = client.get(path).get_data(as_text=True)
    shown = re.search(r'name="summary_sha256"[^>]*value="([0-9a-f]{64})"', page).group(1)
    data = {"outcome": "accept", "customer_verification": "在家试用一天,正常", "signer_name": "周敏",
            "signature": "data:image/png;base64," + base64.b64encode(signature_png()).decode(),
            "client_time": "2026-11-24T10:00:00Z", "summary_sha256": shown}
    data.update(fields)
    return client.post_form(path, {k: v for k, v in data.items() if v is not None})


def test_the_customer_signs_once_from_the_link_without_an_account(app, login_as, client):
    ticket_id = make_ticket(app, status="resolved")
    url = create_link(login_as("agent"), ticket_id)
    path = link_path(url)
    page = client.get(path)
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
    assert client.get(link_path(second)).status_code == 200


def test_a_link_is_only_for_its_own_ticket(app, login_as, client):
    one = make_ticket(app, status="resolved")
    other = make_ticket(app, status="resolved")
    url = create_link(login_as("agent"), one)
    page = client.get(link_path(url)).get_data(as_text=True)
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
    page = login_as("agent").get(f"/desk/tickets/{ticket_id}", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert "skew-flag" in html and "开机测试正常" in html and "5/5" in html
