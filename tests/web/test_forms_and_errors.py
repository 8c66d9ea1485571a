"""Bad input keeps what was typed and says what is wrong; errors in both languages; htmx gets fragments."""
import io
import re

import pytest
from PIL import Image

from portal.extensions import db
from portal.models import Attachment, Ticket
from tests.conftest import display_checklist, jpeg_bytes
from tests.web.factories import make_ticket
from tests.web.test_golden_path import intake_data


def count_tickets(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Ticket.id)))


def test_intake_with_missing_fields_keeps_what_was_typed(app, login_as):
    agent = login_as("agent")
    data = intake_data(app, contact_phone="not a phone!", description="")
    response = agent.post_form("/desk/tickets/new", data, htmx=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.lstrip().startswith("<form"), "htmx gets the form fragment only"
    assert 'aria-invalid="true"' in page
    assert 'value="张经理"' in page and 'value="ABC2000-SN0001"' in page and "not a phone!" in page
    assert count_tickets(app) == 0


def test_intake_without_javascript_renders_the_page_with_errors(app, login_as):
    agent = login_as("agent")
    response = agent.post_form("/desk/tickets/new", intake_data(app, purchase_date="2099-01-01"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in page and 'value="2099-01-01"' in page


def test_intake_number_is_shown_and_daily_sequence_counts_up(app, login_as):
    agent = login_as("agent")
    numbers = []
    for _ in range(3):
        response = agent.post_form("/desk/tickets/new", intake_data(app), follow_redirects=True)
        numbers.append(re.search(r"SR(\d{8})(\d{4})", response.get_data(as_text=True)).groups())
    day = numbers[0][0]
    assert [n for d, n in numbers if d == day] == ["0001", "0002", "0003"]


@pytest.mark.parametrize(("payload", "filename", "status"), [
    (b"%PDF-1.4 not a photo at all", "fault.jpg", 422),
    (b"MZ\x90\x00 executable", "fault.png", 422),
])
def test_an_upload_that_is_not_an_image_is_refused(app, login_as, payload, filename, status):
    agent = login_as("agent")
    data = intake_data(app)
    data["photos"] = (io.BytesIO(payload), filename)
    response = agent.post_form("/desk/tickets/new", data, content_type="multipart/form-data")
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert "JPEG" in page and 'value="张经理"' in page
    assert count_tickets(app) == 0


def test_an_oversized_request_is_refused_with_413(app, login_as):
    app.config["MAX_CONTENT_LENGTH"] = 200_000
    agent = login_as("agent")
    data = intake_data(app)
    data["photos"] = (io.BytesIO(b"\xff\xd8\xff" + b"0" * 300_000), "big.jpg")
    response = agent.post_form("/desk/tickets/new", data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert count_tickets(app) == 0


def test_an_oversized_photo_is_refused_with_413(app, login_as):
    app.config["MAX_IMAGE_BYTES"] = 10_000
    ticket_id = make_ticket(app, status="in_progress")
    engineer = login_as("engineer")
    response = engineer.post_form(f"/m/jobs/{ticket_id}/inspection",
                                  {"findings": "见照片", "photos": (io.BytesIO(jpeg_bytes((1600, 1200))), "x.jpg"),
                                   **display_checklist()},
                                  content_type="multipart/form-data")
    assert response.status_code == 413
    assert "见照片" in response.get_data(as_text=True)


def test_photos_are_reencoded_downscaled_and_stripped(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    engineer = login_as("engineer")
    response = engineer.post_form(f"/m/jobs/{ticket_id}/inspection", {
        "findings": "外壳裂纹", "photos": (io.BytesIO(jpeg_bytes((4000, 3000), exif_gps=True)), "gps.jpg"),
        **display_checklist()},
        content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        photo = db.session.scalars(db.select(Attachment).where(Attachment.ticket_id == ticket_id,
                                                               Attachment.filename == "gps.jpg")).first()
        assert (photo.width, photo.height) == (1600, 1200)
    data = engineer.get(f"/files/attachments/{photo.id}")
    body = data.get_data()
    data.close()
    assert b"PhoneMaker" not in body and b"GPS" not in body
    # The job page shows a small copy, made once and linked to the full photo.
    page = engineer.get(f"/m/jobs/{ticket_id}").get_data(as_text=True)
    assert f'href="/files/attachments/{photo.id}"><img src="/files/attachments/{photo.id}/thumb"' in page
    for _ in range(2):
        thumb = engineer.get(f"/files/attachments/{photo.id}/thumb")
        small = Image.open(io.BytesIO(thumb.get_data()))
        thumb.close()
        assert thumb.mimetype == "image/jpeg" and small.size == (320, 240)
        assert len(thumb.get_data()) < len(body) / 5


def test_unknown_ticket_is_a_404_page_in_both_languages(login_as):
    agent = login_as("agent")
    zh = agent.get("/desk/tickets/424242", headers={"Accept-Language": "zh-CN"})
    en = agent.get("/desk/tickets/424242", headers={"Accept-Language": "en"})
    assert zh.status_code == en.status_code == 404
    assert "Not found" in en.get_data(as_text=True)
    assert 'lang="zh-CN"' in zh.get_data(as_text=True) and "Not found" not in zh.get_data(as_text=True)


def test_htmx_error_is_a_fragment(login_as):
    response = login_as("agent").get("/desk/tickets/424242", headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "<html" not in page and 'id="error-404"' in page
    assert "HX-Request" in response.headers.get("Vary", "")


def test_json_clients_get_a_reason(login_as):
    response = login_as("agent").get("/desk/tickets/424242", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.json["error"]


def test_wrong_password_is_a_clear_message(client):
    response = client.post_form("/login", {"email": "agent@example.com", "password": "wrong"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="agent@example.com"' in page


def test_sign_in_rotates_the_session(app, client):
    before = client.token()
    client.login("agent@example.com")
    assert client.token() != before


def test_language_switch_is_remembered_for_the_user(app, login_as):
    agent = login_as("agent")
    response = agent.post_form("/language", {"locale": "en", "next": "/desk/tickets"})
    assert response.status_code == 302 and response.headers["Location"] == "/desk/tickets"
    assert 'lang="en"' in agent.get("/desk/tickets", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    agent.post_form("/language", {"locale": "zh_CN", "next": "https://evil.example/"})
    page = agent.get("/desk/tickets", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="zh-CN"' in page


def test_triage_with_a_stale_version_is_refused_and_shows_the_current_state(app, login_as):
    ticket_id = make_ticket(app, status="new")
    agent = login_as("agent")
    ok = agent.post_form(f"/desk/tickets/{ticket_id}/triage",
                         {"category": "fault_repair", "priority": "P3", "reason": "客户可等待", "version": 1},
                         htmx=True)
    assert ok.status_code == 200
    stale = agent.post_form(f"/desk/tickets/{ticket_id}/triage",
                            {"category": "complaint", "priority": "P4", "reason": "仅为建议", "version": 1},
                            htmx=True)
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    # What changed meanwhile is listed (the other triage, by whom), and what this agent typed is kept.
    assert "changes-meanwhile" in page and "客户可等待" in page and "李客服" in page
    assert 'value="仅为建议"' in page
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).priority == "P3"


def test_p1_needs_a_senior_engineer(app, login_as):
    from tests.conftest import user_id
    ticket_id = make_ticket(app, status="triaged", priority="P1")
    response = login_as("agent").post_form(f"/desk/tickets/{ticket_id}/assign",
                                           {"engineer_id": user_id(app, "engineer2@example.com")}, htmx=True)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).assignee_id is None


VERIFIED = {"outcome": "accept", "functional_check": "开机测试正常", "customer_verification": "观察一小时无故障"}


def test_acceptance_refused_when_the_summary_changed(app, login_as):
    import base64

    from tests.conftest import signature_png
    ticket_id = make_ticket(app, status="resolved")
    engineer = login_as("engineer")
    response = engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", {
        "signer_name": "张伟", "signature": "data:image/png;base64," + base64.b64encode(signature_png()).decode(),
        "client_time": "2026-11-23T08:30:00Z", "summary_sha256": "0" * 64, **VERIFIED})
    assert response.status_code == 409 and 'value="张伟"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).status == "resolved"


def test_acceptance_without_signature_keeps_the_name(app, login_as):
    ticket_id = make_ticket(app, status="resolved")
    response = login_as("engineer").post_form(f"/m/jobs/{ticket_id}/acceptance",
                                              {"signer_name": "张伟", "summary_sha256": "0" * 64, **VERIFIED},
                                              htmx=True)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="张伟"' in page and "<html" not in page


def test_a_blank_signature_image_is_refused(app, login_as):
    import base64

    from PIL import Image
    blank = io.BytesIO()
    Image.new("RGBA", (600, 200), (0, 0, 0, 0)).save(blank, "PNG")
    ticket_id = make_ticket(app, status="resolved")
    engineer = login_as("engineer")
    page = engineer.get(f"/m/jobs/{ticket_id}/acceptance").get_data(as_text=True)
    shown = re.search(r'name="summary_sha256"[^>]*value="([0-9a-f]{64})"', page).group(1)
    response = engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", {
        "signer_name": "张伟", "signature": "data:image/png;base64," + base64.b64encode(blank.getvalue()).decode(),
        "client_time": "2026-11-23T08:30:00Z", "summary_sha256": shown, **VERIFIED})
    assert response.status_code == 422 and "sign" in response.get_data(as_text=True).lower()


def test_htmx_intake_success_redirects_the_whole_page(app, login_as):
    response = login_as("agent").post_form("/desk/tickets/new", intake_data(app), htmx=True)
    assert response.status_code == 204
    assert re.match(r"/desk/tickets/\d+$", response.headers["HX-Redirect"])


@pytest.mark.parametrize("code", [400, 403, 404, 413, 422, 500])
@pytest.mark.parametrize(("accept_language", "lang"), [("zh-CN", "zh-CN"), ("en", "en")])
def test_error_pages_in_both_languages(app, code, accept_language, lang):
    from flask import abort

    def fail():
        if code == 500:
            raise RuntimeError("boom: 13812345678")
        abort(code)

    fail.allowed_roles = frozenset({"anyone"})
    app.add_url_rule(f"/_fail/{code}", f"fail_{code}", fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production instead of raising into the test
    web = app.test_client()
    response = web.get(f"/_fail/{code}", headers={"Accept-Language": accept_language})
    page = response.get_data(as_text=True)
    assert response.status_code == code
    assert f'lang="{lang}"' in page and f'id="error-{code}"' in page
    assert "boom" not in page and "Traceback" not in page
    fragment = web.get(f"/_fail/{code}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and f'id="error-{code}"' in fragment


def test_language_chosen_on_the_signing_screen_stays_with_the_visit(app, login_as):
    engineer = login_as("engineer")
    engineer.post_form("/language", {"locale": "en", "scope": "session", "next": "/m/jobs"})
    with app.app_context():
        from portal.models import User
        assert db.session.scalar(db.select(User.locale).where(User.email == "engineer@example.com")) is None
    assert 'lang="en"' in engineer.get("/m/jobs", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)


def test_a_contact_on_file_fills_name_and_phone(app, login_as):
    agent = login_as("agent")
    response = agent.post_form("/desk/tickets/new", intake_data(app, contact_name="", contact_phone=""))
    assert response.status_code == 302
    with app.app_context():
        ticket = db.session.scalar(db.select(Ticket))
        assert (ticket.contact_name, ticket.contact_phone) == ("张经理", "13812345678")
