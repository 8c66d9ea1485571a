"""Files on internal notes and on the desk's messages to the customer: photos, short MP4 videos and PDFs, checked
by their content; a customer opens the files sent to them and never an internal note's."""
import io

import pytest
from pypdf import PdfWriter

from portal.extensions import db
from portal.models import Attachment, TicketEvent
from tests.conftest import jpeg_bytes
from tests.web.factories import make_other_customer_login, make_ticket

EN = {"Accept-Language": "en"}


def mp4_bytes(brand=b"isom", compatible=(b"isom", b"iso2", b"mp41"), payload=4096) -> bytes:
    ftyp = b"ftyp" + brand + b"\x00\x00\x02\x00" + b"".join(compatible)
    mdat = b"\x00" * payload
    return (len(ftyp) + 4).to_bytes(4, "big") + ftyp + (len(mdat) + 8).to_bytes(4, "big") + b"mdat" + mdat


def pdf_bytes(pages=1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def download(web, attachment_id) -> tuple[int, str | None, bytes]:
    """(status, type, bytes) of a file, the streamed response closed."""
    response = web.get(f"/files/attachments/{attachment_id}")
    try:
        return response.status_code, response.mimetype, response.get_data()
    finally:
        response.close()


def _event(ticket_id, kind) -> TicketEvent:
    return db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                           TicketEvent.kind == kind)).one()


def test_a_note_carries_a_video_and_a_pdf_that_only_staff_open(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    agent = login_as("agent")
    response = agent.post_form(f"/desk/tickets/{ticket_id}/notes", {
        "body": "客户发来故障视频和购买发票",
        "photos": [(io.BytesIO(mp4_bytes()), "故障.mp4"), (io.BytesIO(pdf_bytes()), "发票.pdf"),
                   (io.BytesIO(jpeg_bytes()), "铭牌.jpg")]})
    assert response.status_code == 302
    with app.app_context():
        note = _event(ticket_id, "note")
        files = {f["type"]: f for f in note.data["files"]}
        assert set(files) == {"video/mp4", "application/pdf", "image/jpeg"}
        assert files["video/mp4"]["name"] == "故障.mp4" and files["application/pdf"]["name"] == "发票.pdf"
        stored = db.session.get(Attachment, files["video/mp4"]["id"])
        assert stored.purpose == "note" and stored.size == len(mp4_bytes())
    page = agent.get(f"/desk/tickets/{ticket_id}/part/history").get_data(True)
    assert 'data-file-type="video/mp4"' in page and 'data-file-type="application/pdf"' in page
    assert download(agent, files["video/mp4"]["id"]) == (200, "video/mp4", mp4_bytes())
    assert download(agent, files["application/pdf"]["id"])[1] == "application/pdf"
    customer = login_as("customer")  # the ticket's own customer: still never an internal note's file
    for f in files.values():
        assert download(customer, f["id"])[0] == 404
    assert "发票.pdf" not in customer.get(f"/my/tickets/{ticket_id}").get_data(True)


@pytest.mark.parametrize(("upload", "name", "message", "status"), [
    (mp4_bytes(brand=b"qt  ", compatible=(b"qt  ",)), "clip.mov", "Only MP4 videos can be attached", 422),
    (b"\x00\x00\x00\x08ftyp", "short.mp4", "Only MP4 videos can be attached", 422),
    (b"%PDF-1.7\n% broken and never ends", "broken.pdf", "damaged or empty", 422),
    (b"PK\x03\x04 a zip, not a file we take", "notes.docx", "Attach photos, MP4 videos or PDFs", 422),
    (mp4_bytes(payload=70_000), "long.mp4", "The video is larger than", 413),
])
def test_a_file_that_is_not_what_it_claims_is_refused_and_the_note_kept(app, login_as, upload, name, message,
                                                                        status):
    app.config["MAX_VIDEO_BYTES"] = 64 * 1024
    ticket_id = make_ticket(app, status="triaged")
    response = login_as("agent").post_form(f"/desk/tickets/{ticket_id}/notes", {
        "body": "附件说明", "photos": (io.BytesIO(upload), name)}, htmx=True, headers=EN)
    html = response.get_data(True)
    assert response.status_code == status and message in html and "附件说明" in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Attachment).where(
            Attachment.ticket_id == ticket_id, Attachment.purpose == "note")) == 0
        assert not db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                                   TicketEvent.kind == "note")).all()


def test_a_message_to_the_customer_carries_files_they_open(app, login_as, client):
    ticket_id = make_ticket(app, status="assigned")
    agent = login_as("agent")
    response = agent.post_form(f"/desk/tickets/{ticket_id}/ask-customer", {
        "question": "请按附件说明书第 3 页重启设备，结果如何？",
        "files": [(io.BytesIO(pdf_bytes(pages=3)), "说明书.pdf"), (io.BytesIO(mp4_bytes()), "操作演示.mp4")]})
    assert response.status_code == 302
    with app.app_context():
        question = _event(ticket_id, "question_to_customer")
        ids = [f["id"] for f in question.data["files"]]
        assert {db.session.get(Attachment, i).purpose for i in ids} == {"reply"}
    customer = login_as("customer")
    page = customer.get(f"/my/tickets/{ticket_id}").get_data(True)
    assert "说明书.pdf" in page and "操作演示.mp4" in page
    assert download(customer, ids[0])[:2] == (200, "application/pdf")
    client.login(*make_other_customer_login(app))
    assert download(client, ids[0])[0] in (403, 404)
