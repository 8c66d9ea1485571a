"""The customer's answer on the engineer's phone: verification, rating, accept or not satisfied, and the
evidence kept with it (times and clock skew, location, device), printed on the confirmation."""
import base64
import io
import re
import uuid

import pytest
from pypdf import PdfReader

from portal.extensions import db
from portal.models import Acceptance, Document, Ticket, TicketEvent
from portal.services.storage import read_bytes
from tests.conftest import signature_png
from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}

OUTBOX = {"Accept": "application/json", "X-Requested-With": "outbox"}


def shown_hash(web, ticket_id) -> str:
    page = web.get(f"/m/jobs/{ticket_id}/acceptance").get_data(as_text=True)
    return re.search(r'name="summary_sha256"[^>]*value="([0-9a-f]{64})"', page).group(1)


def answer(web, ticket_id, **fields):
    data = {
        "outcome": "accept", "functional_check": "开机运行一小时,画面正常", "customer_verification": "观察一小时无故障",
        "signer_name": "张伟", "signature": "data:image/png;base64," + base64.b64encode(signature_png()).decode(),
        "client_time": "2026-11-23T08:30:00Z", "summary_sha256": shown_hash(web, ticket_id),
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def acceptance_of(app, ticket_id):
    with app.app_context():
        acceptance = db.session.scalar(db.select(Acceptance).where(Acceptance.ticket_id == ticket_id))
        db.session.expunge_all()
        return acceptance


def pdf_text(app, ticket_id) -> str:
    with app.app_context():
        document = db.session.scalar(db.select(Document).where(Document.ticket_id == ticket_id))
        data = read_bytes(document.storage_key)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def test_accepting_stores_the_verification_rating_and_evidence(app, login_as):
    ticket_id = make_ticket(app, status="resolved")
    engineer = login_as("engineer")
    response = engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", answer(
        engineer, ticket_id, rating="4", comment="很及时", latitude="31.230416", longitude="121.473701",
        accuracy="12", client_sent_at=None), headers={"User-Agent": "Pixel 7 test"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    acceptance = acceptance_of(app, ticket_id)
    assert acceptance.functional_check == "开机运行一小时,画面正常"
    assert acceptance.customer_verification == "观察一小时无故障"
    assert acceptance.rating == 4 and acceptance.comment == "很及时"
    assert (round(acceptance.latitude, 4), round(acceptance.longitude, 4)) == (31.2304, 121.4737)
    assert acceptance.user_agent == "Pixel 7 test" and acceptance.ip_address
    # Signed "2026-11-23 08:30" by the phone's clock and sent with no later clock reading: flagged.
    assert acceptance.clock_skew_flagged
    text = pdf_text(app, ticket_id)
    for expected in ("开机运行一小时", "观察一小时无故障", "4/5", "31.23042", "Over 5 minutes", "张伟"):
        assert expected in text, expected


def test_a_phone_clock_in_step_with_ours_is_not_flagged(app, login_as):
    from datetime import UTC, datetime
    ticket_id = make_ticket(app, status="resolved")
    engineer = login_as("engineer")
    now = datetime.now(UTC).isoformat()
    response = engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", answer(
        engineer, ticket_id, client_time="2026-11-23T08:30:00Z"), headers={"X-Client-Sent-At": now})
    assert response.status_code == 302
    acceptance = acceptance_of(app, ticket_id)
    # Signed long ago (an offline replay), but the phone's clock agrees with ours when it was sent.
    assert abs(acceptance.clock_skew_seconds) < 60 and not acceptance.clock_skew_flagged
    assert "Over 5 minutes" not in pdf_text(app, ticket_id)


def test_the_verification_is_required_to_accept(app, login_as):
    ticket_id = make_ticket(app, status="resolved")
    engineer = login_as("engineer")
    response = engineer.post_form(f"/m/jobs/{ticket_id}/acceptance",
                                  answer(engineer, ticket_id, functional_check="", customer_verification=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="张伟"' in page
    assert "functional check" in page.lower() or "功能检查" in page
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).status == "resolved"


def test_a_rating_outside_one_to_five_is_refused(app, login_as):
    ticket_id = make_ticket(app, status="resolved")
    engineer = login_as("engineer")
    response = engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", answer(engineer, ticket_id, rating="9"))
    assert response.status_code == 422
    assert acceptance_of(app, ticket_id) is None


def test_not_satisfied_reopens_the_job_with_the_reason_on_the_timeline(app, login_as):
    ticket_id = make_ticket(app, status="resolved")
    engineer = login_as("engineer")
    response = engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", answer(
        engineer, ticket_id, outcome="reject", reason="屏幕仍偶尔闪烁", signature=None, functional_check=None,
        customer_verification=None, rating="2"))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.status == "reopened" and ticket.reopen_count == 1 and ticket.closed_at is None
        event = db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
                                   .order_by(TicketEvent.id.desc())).first()
        assert event.kind == "rejected" and event.body == "屏幕仍偶尔闪烁" and event.customer_visible
    assert acceptance_of(app, ticket_id) is None
    # The engineer carries on: back on site, diagnosis again.
    assert engineer.post_form(f"/m/jobs/{ticket_id}/arrive", {}).status_code == 302
    assert engineer.post_form(f"/m/jobs/{ticket_id}/diagnosis", {
        "cause_category": "hardware", "cause": "屏线接触不良", "permanent_fix": "更换屏线"}).status_code == 302
    customer_page = login_as("customer").get(f"/my/tickets/{ticket_id}").get_data(as_text=True)
    assert "屏幕仍偶尔闪烁" in customer_page


def test_not_satisfied_needs_a_reason(app, login_as):
    ticket_id = make_ticket(app, status="resolved")
    engineer = login_as("engineer")
    response = engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", answer(
        engineer, ticket_id, outcome="reject", reason="", signature=None))
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).status == "resolved"


def test_an_answer_from_the_outbox_is_applied_once_and_answers_json(app, login_as):
    ticket_id = make_ticket(app, status="resolved")
    engineer = login_as("engineer")
    data = answer(engineer, ticket_id)
    key = str(uuid.uuid4())
    headers = {**OUTBOX, "Idempotency-Key": key}
    first = engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", dict(data), headers=headers)
    again = engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", dict(data), headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json["ok"] and first.json["redirect"] == f"/m/jobs/{ticket_id}"
    assert again.headers["Idempotent-Replayed"] == "true"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Acceptance)
                                 .where(Acceptance.ticket_id == ticket_id)) == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(Document)
                                 .where(Document.ticket_id == ticket_id)) == 1


def test_a_changed_summary_is_refused_in_json_for_the_outbox(app, login_as):
    ticket_id = make_ticket(app, status="resolved")
    engineer = login_as("engineer")
    response = engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", answer(engineer, ticket_id,
                                                                           summary_sha256="0" * 64),
                                  headers={**OUTBOX, "Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 409 and response.json["ok"] is False and response.json["error"]
    assert acceptance_of(app, ticket_id) is None


def test_the_acceptance_page_and_its_print_preview_open_before_hand_over(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    engineer = login_as("engineer")
    page = engineer.get(f"/m/jobs/{ticket_id}/acceptance", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "Preview" in page.get_data(as_text=True)
    preview = engineer.get(f"/m/jobs/{ticket_id}/acceptance/preview")
    html = preview.get_data(as_text=True)
    with app.app_context():
        number = db.session.get(Ticket, ticket_id).number
    assert preview.status_code == 200 and number in html and "Not signed yet" in html
    assert "13812345678" not in html
    jobs = engineer.get("/m/jobs").get_data(as_text=True)
    assert f'data-url="/m/jobs/{ticket_id}/acceptance"' in jobs
    assert f'data-url="/m/jobs/{ticket_id}/acceptance/preview"' in jobs
    assert login_as("engineer2").get(f"/m/jobs/{ticket_id}/acceptance/preview").status_code == 403


def test_the_signing_screen_before_the_work_is_on_site_leads_back_to_the_job_saying_why(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    engineer = login_as("engineer")
    for url in (f"/m/jobs/{ticket_id}/acceptance", f"/m/jobs/{ticket_id}/acceptance/preview"):
        response = engineer.get(url, headers={"Accept-Language": "en"})
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/m/jobs/{ticket_id}")
    page = engineer.get(f"/m/jobs/{ticket_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The signing screen opens while the work is in progress on site" in page


def test_every_page_finds_its_favicon(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
        assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon" href="/favicon.ico"' in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(("serial", "warranty", "charge"), [
    ("ABC2000-SN0001", "In warranty until 2027-03-10", "No charge: every line is covered"),
    ("PX50-SN1001", "Out of warranty since 2026-02-01", "To pay: ¥"),
])
def test_the_signing_summary_says_what_is_known_of_the_cost(app, login_as, serial, warranty, charge):
    """The summary decides "no charge" from the warranty (the one warranty rule), not from the parts alone: labour
    on a unit out of warranty is not free."""
    ticket_id = make_ticket(app, status="resolved", serial=serial)
    page = login_as("engineer").get(f"/m/jobs/{ticket_id}/acceptance", headers=EN).get_data(as_text=True)
    assert warranty in page and charge in page and "Labour: 40 min" in page
    other = ("To pay: ¥" if charge.startswith("No charge") else "No charge")
    assert other not in page
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
            login_as("backoffice").get(f"/desk/tickets/{ticket_id}/report.pdf").data)).pages)
    assert ("In warranty" if charge.startswith("No charge") else "Out of warranty") in pdf_text.replace("\n", " ")
    assert ticket.number in pdf_text
