"""The golden path through the test client: intake, triage, assign, arrival, inspection, work, signature, PDF."""
import base64
import io
import re

from pypdf import PdfReader

from portal.extensions import db
from portal.models import Acceptance, Asset, Attachment, Document, Ticket, TicketEvent
from tests.conftest import display_checklist, jpeg_bytes, signature_png, user_id

NUMBER_RE = re.compile(r"SR\d{12}")


def customer_and_model(app):
    from portal.models import Customer, ProductModel
    with app.app_context():
        customer = db.session.scalar(db.select(Customer).where(Customer.kind == "company"))
        model = db.session.scalar(db.select(ProductModel).where(ProductModel.code == "ABC-2000"))
        return customer.id, customer.contacts[0].id, model.id


def intake_data(app, **overrides):
    customer_id, contact_id, model_id = customer_and_model(app)
    data = {
        "channel": "phone", "customer_id": customer_id, "contact_id": contact_id,
        "contact_name": "张经理", "contact_phone": "13812345678", "product_model_id": model_id,
        "serial": "ABC2000-SN0001", "purchase_date": "2026-03-10",
        "description": "设备开机后屏幕黑屏,无声音输出", "frequency": "每次开机", "impact": "产线一台终端停用",
        "tried": "重启、换电源线",
    }
    data.update(overrides)
    return data


def register(app, agent, **overrides) -> Ticket:
    data = intake_data(app, **overrides)
    data["photos"] = (io.BytesIO(jpeg_bytes()), "fault.jpg")
    response = agent.post_form("/desk/tickets/new", data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = agent.get(response.headers["Location"]).get_data(as_text=True)
    number = NUMBER_RE.search(page).group(0)
    with app.app_context():
        return db.session.scalar(db.select(Ticket).where(Ticket.number == number))


def test_golden_path(app, login_as):
    agent = login_as("agent")
    ticket = register(app, agent)
    assert ticket.status == "new"

    r = agent.post_form(f"/desk/tickets/{ticket.id}/triage",
                        {"category": "fault_repair", "priority": "P2", "reason": "production line stopped",
                         "version": ticket.version}, htmx=True)
    assert r.status_code == 200 and "ticket-panel" in r.get_data(as_text=True)
    engineer_id = user_id(app, "engineer@example.com")
    r = agent.post_form(f"/desk/tickets/{ticket.id}/assign", {"engineer_id": engineer_id, "version": 2})
    assert r.status_code == 302

    engineer = login_as("engineer")
    jobs = engineer.get("/m/jobs").get_data(as_text=True)
    assert ticket.number in jobs
    assert engineer.post_form(f"/m/jobs/{ticket.id}/arrive", {}).status_code == 302
    r = engineer.post_form(f"/m/jobs/{ticket.id}/inspection",
                           {"findings": "主控板电容鼓包", "photos": (io.BytesIO(jpeg_bytes()), "board.jpg"),
                            **display_checklist()},
                           content_type="multipart/form-data")
    assert r.status_code == 302
    with app.app_context():
        part_id = db.session.scalar(db.text("SELECT id FROM part WHERE code='PCB-ABC-MAIN'"))
    r = engineer.post_form(f"/m/jobs/{ticket.id}/work", {
        "work_done": "更换主控板,开机测试正常", "labour_minutes": "45",
        "parts-0-part_id": part_id, "parts-0-quantity": "1", "parts-0-removed_serial": "OLD-1",
        "parts-0-installed_serial": "NEW-1",
    })
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    assert engineer.post_form(f"/m/jobs/{ticket.id}/handover", {}).status_code == 302

    page = engineer.get(f"/m/jobs/{ticket.id}/acceptance").get_data(as_text=True)
    shown_hash = re.search(r'name="summary_sha256"[^>]*value="([0-9a-f]{64})"', page).group(1)
    data_url = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    r = engineer.post_form(f"/m/jobs/{ticket.id}/acceptance", {
        "signer_name": "张伟", "signature": data_url, "client_time": "2026-11-23T08:30:00.000Z",
        "summary_sha256": shown_hash, "comment": "服务很好", "outcome": "accept",
        "functional_check": "开机运行一小时,画面正常", "customer_verification": "观察一小时无异常",
        "rating": "5", "client_sent_at": "2026-11-23T08:30:05.000Z",
    })
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]

    with app.app_context():
        t = db.session.get(Ticket, ticket.id)
        assert t.status == "closed" and t.closed_at is not None
        acceptance = db.session.scalar(db.select(Acceptance).where(Acceptance.ticket_id == t.id))
        assert acceptance.signer_name == "张伟"
        assert acceptance.client_signed_at.isoformat().startswith("2026-11-23T08:30")
        assert acceptance.server_received_at is not None
        signature = db.session.get(Attachment, acceptance.signature_id)
        assert signature.purpose == "signature" and signature.content_type == "image/png"
        document = db.session.scalar(db.select(Document).where(Document.ticket_id == t.id))
        kinds = [e.kind for e in db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == t.id))]
        assert kinds == ["created", "triaged", "mode_set", "assigned", "arrived", "inspected", "work_recorded",
                         "resolved", "accepted"]
        asset = db.session.scalar(db.select(Asset).where(Asset.serial == "ABC2000-SN0001"))
        assert t.asset_id == asset.id

    first = engineer.get(f"/files/documents/{document.id}")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    second = agent.get(f"/files/documents/{document.id}")
    pdf_bytes, again = first.get_data(), second.get_data()
    first.close(), second.close()
    assert pdf_bytes == again, "every download returns the stored bytes"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)
    assert ticket.number in text and "张伟" in text
