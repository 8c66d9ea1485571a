"""The back office's documents: intake receipt, internal service report, and batches of reports built in
the background. PDFs are read back; access is for desk and back-office roles, batches for their requester."""
import io
import re

from pypdf import PdfReader

from portal.extensions import db
from portal.models import BatchJob, QueuedTask, Ticket
from portal.tasks import queue
from tests.web.factories import make_ticket
from tests.web.test_golden_path import intake_data


def text_of(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def number_of(app, ticket_id):
    with app.app_context():
        return db.session.get(Ticket, ticket_id).number


def test_the_intake_form_records_accessories_and_condition_for_the_receipt(app, login_as):
    agent = login_as("agent")
    data = intake_data(app)
    data.update(channel="walk_in", accessories="电源适配器, 遥控器, 原包装盒", condition="左侧外壳有划痕,屏幕完好")
    response = agent.post_form("/desk/tickets/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    ticket_id = int(response.headers["Location"].rsplit("/", 1)[1])
    receipt = login_as("backoffice").get(f"/desk/tickets/{ticket_id}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.mimetype == "application/pdf"
    text = text_of(receipt.get_data())
    for expected in (number_of(app, ticket_id), "电源适配器", "左侧外壳有划痕", "Intake Receipt", "接修单"):
        assert expected in text, expected


def test_the_service_report_has_the_timeline_parts_and_acceptance(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    response = login_as("supervisor").get(f"/desk/tickets/{ticket_id}/report.pdf")
    assert response.status_code == 200
    text = text_of(response.get_data())
    for expected in (number_of(app, ticket_id), "Service Report", "主控板电容鼓包", "更换主控板", "NEW-1", "张伟",
                     "production line stopped", "Timeline", "40"):
        assert expected in text, expected


def faces_of(data: bytes) -> set[str]:
    """The embedded fonts without their subset tags (each face once)."""
    reader = PdfReader(io.BytesIO(data))
    return {str(ref.get_object()["/BaseFont"]).split("+", 1)[-1]
            for page in reader.pages for ref in page["/Resources"]["/Font"].values()}


def test_every_document_prints_in_one_face_of_one_family(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    office = login_as("supervisor")
    for path in (f"/desk/tickets/{ticket_id}/report.pdf", f"/desk/tickets/{ticket_id}/receipt.pdf"):
        response = office.get(path)
        assert response.status_code == 200, path
        assert faces_of(response.get_data()) == {"WenQuanYi-Micro-Hei"}, path


def test_documents_are_for_the_desk_and_back_office_only(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    for role in ("customer", "engineer"):
        web = login_as(role)
        assert web.get(f"/desk/tickets/{ticket_id}/report.pdf").status_code == 403
        assert web.get(f"/desk/tickets/{ticket_id}/receipt.pdf").status_code == 403


def test_a_batch_of_selected_tickets_is_one_pdf_with_a_report_each(app, login_as):
    ids = [make_ticket(app, status="closed") for _ in range(3)]
    office = login_as("backoffice")
    # The queue's checkboxes lead here with ?ids=…; the page carries them into its form.
    page = office.get("/desk/print?" + "&".join(f"ids={i}" for i in ids)).get_data(as_text=True)
    assert f'value="{",".join(map(str, ids))}"' in page
    app.config["TASKS_HELD"] = True  # the queue is held: the job waits, with its row
    response = office.post_form("/desk/print", {"ids": ",".join(map(str, ids))})
    assert response.status_code == 302
    job_url = response.headers["Location"]
    page = office.get(job_url).get_data(as_text=True)
    assert 'data-state="queued"' in page and "hx-trigger=\"every 1s\"" in page
    with app.app_context():
        assert db.session.scalar(db.select(QueuedTask.kind).where(QueuedTask.state == "pending")) == "print_batch"
        assert queue.run_pending() == 1
        assert queue.run_pending() == 0
    page = office.get(job_url).get_data(as_text=True)
    assert 'data-state="done"' in page
    pdf = office.get(job_url + "/download")
    data = pdf.get_data()
    pdf.close()
    text = text_of(data)
    assert all(number_of(app, i) in text for i in ids)
    assert len(PdfReader(io.BytesIO(data)).pages) >= 3
    # Another user's batch is not theirs to see.
    assert login_as("agent").get(job_url).status_code == 404
    assert login_as("admin").get(job_url).status_code == 200


def test_a_batch_by_date_range_and_status(app, login_as):
    from datetime import date
    closed = make_ticket(app, status="closed")
    make_ticket(app, status="assigned")
    office = login_as("backoffice")
    today = date.today().isoformat()
    response = office.post_form("/desk/print", {"date_from": "2020-01-01", "date_to": "2099-12-31",
                                                 "status": "closed"})
    assert response.status_code == 302
    with app.app_context():
        job = db.session.scalar(db.select(BatchJob))
        assert job.ticket_ids == [closed] and job.total == 1
    assert today


def test_a_batch_needs_tickets(app, login_as):
    office = login_as("backoffice")
    assert office.post_form("/desk/print", {}).status_code == 422
    response = office.post_form("/desk/print", {"date_from": "2020-01-02", "date_to": "2020-01-01"})
    assert response.status_code == 422
    response = office.post_form("/desk/print", {"date_from": "2001-01-01", "date_to": "2001-01-02",
                                                 "status": "all"})
    assert response.status_code == 422 and "nothing to print" in office.post_form(
        "/desk/print", {"date_from": "2001-01-01", "date_to": "2001-01-02", "status": "all"},
        headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert office.post_form("/desk/print", {"ids": "999999"}).status_code == 422


def test_the_queue_builds_the_batch_once_the_request_committed(app, login_as):
    """Tests run the queue in immediate mode: the task runs as soon as the job's row is committed."""
    ids = [make_ticket(app, status="closed") for _ in range(2)]
    office = login_as("backoffice")
    response = office.post_form("/desk/print", {"ids": ",".join(map(str, ids))})
    assert response.status_code == 302
    assert 'data-state="done"' in office.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        task = db.session.scalar(db.select(QueuedTask).where(QueuedTask.kind == "print_batch"))
        assert (task.state, task.attempts) == ("done", 1)
        # Running it again prints nothing more: the row is done, and so is the job.
        assert queue.run(task.id) is False
        assert db.session.scalar(db.select(db.func.count()).select_from(BatchJob)) == 1
