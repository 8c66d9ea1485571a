"""Intake through the test client: customer pick, serial lookup, completeness, duplicates, double submit, notice."""
import io
import uuid

import pytest

from portal.extensions import db
from portal.models import Attachment, Customer, Notification, Ticket, TicketEvent, User
from tests.conftest import jpeg_bytes
from tests.web.factories import make_ticket
from tests.web.pages import whole_page
from tests.web.test_golden_path import intake_data

EN = {"Accept-Language": "en"}
SERIAL = "ABC2000-SN0001"


def customers(app):
    with app.app_context():
        company = db.session.scalar(db.select(Customer.id).where(Customer.kind == "company"))
        person = db.session.scalar(db.select(Customer.id).where(Customer.kind == "individual"))
        return company, person


def ticket_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Ticket))


def with_photo(data: dict) -> dict:
    return {**data, "photos": (io.BytesIO(jpeg_bytes()), "fault.jpg")}


def test_picking_a_customer_offers_only_their_contacts_and_units(app, login_as):
    company, person = customers(app)
    agent = login_as("agent")
    page = agent.get(f"/desk/intake/contacts?customer_id={company}", headers={"HX-Request": "true"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'hx-swap-oob="true"' in html
    assert "张经理" in html and "PX50-SN1001" in html and f'data-serial="{SERIAL}"' in html
    assert "周敏" not in html and "WM800-SN5001" not in html
    html = agent.get(f"/desk/intake/contacts?customer_id={person}").get_data(as_text=True)
    assert "WM800-SN5001" in html and "周敏" in html and SERIAL not in html and "张经理" not in html
    assert "data-serial" not in agent.get("/desk/intake/contacts?customer_id=abc").get_data(as_text=True)


@pytest.mark.parametrize("role", ["customer", "engineer", "backoffice"])
def test_intake_and_its_fragments_are_for_the_desk_only(app, login_as, role):
    company, _ = customers(app)
    ticket_id = make_ticket(app, serial=SERIAL)
    web = login_as(role)
    assert web.get("/desk/tickets/new").status_code == 403
    assert web.get(f"/desk/intake/contacts?customer_id={company}").status_code == 403
    assert web.get(f"/desk/intake/serial?serial={SERIAL}&customer_id={company}").status_code == 403
    assert web.post_form("/desk/intake/completeness", {"description": "黑屏黑屏黑屏"}).status_code == 403
    before = ticket_count(app)
    assert web.post_form(f"/desk/tickets/{ticket_id}/intake-report",
                         {"description": "又黑屏了,还是不行"}).status_code == 403
    assert web.post_form("/desk/tickets/new", intake_data(app)).status_code == 403
    assert ticket_count(app) == before


def test_a_serial_of_another_customer_is_not_described(app, login_as):
    company, person = customers(app)
    make_ticket(app, serial=SERIAL)  # the company's unit, with a ticket
    html = login_as("agent").get(f"/desk/intake/serial?serial={SERIAL.lower()}&customer_id={person}",
                                 headers=EN).get_data(as_text=True)
    assert "registered to another customer" in html
    assert "华东精密" not in html and "SR" not in html and "data-warranty" not in html
    html = login_as("agent").get(f"/desk/intake/serial?serial={SERIAL}", headers=EN).get_data(as_text=True)
    assert "registered to another customer" in html  # no customer chosen yet: still no details


def test_serial_lookup_shows_owner_warranty_parts_history_and_repeat_fault(app, login_as):
    company, _ = customers(app)
    closed_id = make_ticket(app, status="closed", serial=SERIAL, description="屏幕闪烁\n第二行不显示")
    with app.app_context():
        closed = db.session.get(Ticket, closed_id)
        assert closed.closed_at is not None
        number = closed.number
    response = login_as("agent").get(f"/desk/intake/serial?serial=%20{SERIAL}%20&customer_id={company}",
                                     headers={**EN, "HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="serial-facts"' not in html  # the content, swapped in
    assert 'data-owner="customer"' in html and "华东精密制造有限公司" in html and "ABC-2000" in html
    assert 'data-warranty="standard"' in html and "2027-03-10" in html
    assert 'data-part-covered="yes"' in html
    assert number in html and "屏幕闪烁 第二行不显示" in html
    assert "REPEAT FAULT" in html and 'class="repeat"' in html
    assert "open-ticket" not in html  # the only ticket is closed


def test_an_unknown_serial_says_a_unit_record_will_be_made(app, login_as):
    company, _ = customers(app)
    html = login_as("agent").get(f"/desk/intake/serial?serial=NEW-999&customer_id={company}",
                                 headers=EN).get_data(as_text=True)
    assert 'data-owner="none"' in html
    empty = login_as("agent").get("/desk/intake/serial?serial=", headers=EN).get_data(as_text=True)
    assert "data-owner" not in empty


def test_completeness_score_and_the_questions_to_ask(app, login_as):
    agent = login_as("agent")
    response = agent.post_form("/desk/intake/completeness", {"description": "开机黑屏无声音", "frequency": "每次"},
                               htmx=True, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-score="30"' in html
    assert "When did you buy it? (purchase date on the invoice)" in html
    assert [item for item in ("symptom", "frequency", "serial", "purchase_date", "attachment")
            if f'data-item="{item}"' in html] == ["serial", "purchase_date", "attachment"]
    full = {**intake_data(app), "attachment_count": "2"}
    html = agent.post_form("/desk/intake/completeness", full, htmx=True, headers=EN).get_data(as_text=True)
    assert 'data-score="100"' in html and "data-item" not in html
    no_photo = {**intake_data(app), "attachment_count": "junk"}
    html = agent.post_form("/desk/intake/completeness", no_photo, htmx=True, headers=EN).get_data(as_text=True)
    assert 'data-score="95"' in html and "Enough to register" in html and 'data-item="attachment"' in html


def test_the_intake_page_shows_the_panel_and_a_fresh_key(app, login_as):
    agent = login_as("agent")
    first = agent.get("/desk/tickets/new", headers=EN).get_data(as_text=True)
    second = agent.get("/desk/tickets/new", headers=EN).get_data(as_text=True)
    assert 'id="completeness"' in first and 'data-score="0"' in first and 'id="serial-facts"' in first
    key = 'name="idempotency_key" type="hidden" value="'
    assert key in first and first.split(key)[1][:32] != second.split(key)[1][:32]


def test_an_open_ticket_for_the_serial_is_offered_and_added_to(app, login_as):
    company, _ = customers(app)
    open_id = make_ticket(app, status="assigned", serial=SERIAL)
    agent = login_as("agent")
    html = agent.get(f"/desk/intake/serial?serial={SERIAL}&customer_id={company}", headers=EN).get_data(as_text=True)
    assert 'id="open-ticket"' in html and f"/desk/tickets/{open_id}/intake-report" in html
    before = ticket_count(app)
    data = with_photo(intake_data(app, description="还是黑屏,这次连指示灯也不亮", idempotency_key=uuid.uuid4().hex))
    response = agent.post_form(f"/desk/tickets/{open_id}/intake-report", data, htmx=True)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/desk/tickets/{open_id}"
    assert ticket_count(app) == before
    with app.app_context():
        note = db.session.scalar(db.select(TicketEvent).where(TicketEvent.ticket_id == open_id,
                                                              TicketEvent.kind == "intake_note"))
        assert note.body == "还是黑屏,这次连指示灯也不亮" and note.data == {"channel": "phone", "photos": 1}
        assert db.session.scalar(db.select(db.func.count()).select_from(Attachment).where(
            Attachment.ticket_id == open_id, Attachment.purpose == "intake")) == 2
    page = whole_page(agent, f"/desk/tickets/{open_id}", EN)
    assert "Customer reported again" in page and "这次连指示灯也不亮" in page


def test_adding_needs_a_description_and_an_open_ticket(app, login_as):
    closed_id = make_ticket(app, status="closed", serial=SERIAL)
    agent = login_as("agent")
    response = agent.post_form(f"/desk/tickets/{closed_id}/intake-report",
                               intake_data(app, description="又坏了,屏幕不亮"), htmx=True, headers=EN)
    assert response.status_code == 409 and "already closed" in response.get_data(as_text=True)
    open_id = make_ticket(app, status="new", serial="PX50-SN1001")
    empty = agent.post_form(f"/desk/tickets/{open_id}/intake-report", intake_data(app, description=""), htmx=True)
    assert empty.status_code == 422 and 'id="intake-form"' in empty.get_data(as_text=True)
    assert agent.post_form("/desk/tickets/999999/intake-report", intake_data(app)).status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(TicketEvent).where(
            TicketEvent.kind == "intake_note")) == 0


def test_a_double_submitted_form_registers_one_ticket(app, login_as):
    agent = login_as("agent")
    before = ticket_count(app)
    data = intake_data(app, idempotency_key=uuid.uuid4().hex)
    first = agent.post_form("/desk/tickets/new", dict(data))
    second = agent.post_form("/desk/tickets/new", dict(data))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert ticket_count(app) == before + 1
    htmx_data = intake_data(app, idempotency_key=uuid.uuid4().hex, serial="PX50-SN1001")
    one = agent.post_form("/desk/tickets/new", dict(htmx_data), htmx=True)
    two = agent.post_form("/desk/tickets/new", dict(htmx_data), htmx=True)
    assert one.status_code == two.status_code == 204 and one.headers["HX-Redirect"] == two.headers["HX-Redirect"]
    assert ticket_count(app) == before + 2


def test_a_corrected_form_goes_through_under_the_same_key(app, login_as):
    agent = login_as("agent")
    key = uuid.uuid4().hex
    bad = agent.post_form("/desk/tickets/new", intake_data(app, description="", idempotency_key=key), htmx=True)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and f'value="{key}"' in html and "重启、换电源线" in html
    again = agent.post_form("/desk/tickets/new", intake_data(app, description="", idempotency_key=key), htmx=True)
    assert again.status_code == 422 and "Idempotent-Replayed" not in again.headers
    good = agent.post_form("/desk/tickets/new", intake_data(app, idempotency_key=key), htmx=True)
    assert good.status_code == 204 and good.headers["HX-Redirect"].startswith("/desk/tickets/")
    assert ticket_count(app) == 1


def test_bad_input_is_refused_with_422_and_keeps_what_was_typed(app, login_as):
    agent = login_as("agent")
    data = intake_data(app, customer_id="abc", product_model_id="999999", contact_id="999999",
                       purchase_date="2026-13-45", serial="<script>", attachment_count="-5",
                       description="屏幕碎了,仍可开机", idempotency_key=uuid.uuid4().hex)
    response = agent.post_form("/desk/tickets/new", with_photo(data), htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "屏幕碎了,仍可开机" in html and "&lt;script&gt;" in html
    assert "<script>" not in html.split('id="intake-form"')[1]
    bad_key = agent.post_form("/desk/tickets/new", intake_data(app, idempotency_key="bad key!"))
    assert bad_key.status_code == 400
    not_a_photo = intake_data(app, idempotency_key=uuid.uuid4().hex)
    not_a_photo["photos"] = (io.BytesIO(b"not an image"), "fault.jpg")
    response = agent.post_form("/desk/tickets/new", not_a_photo, htmx=True)
    assert response.status_code == 422 and "设备开机后屏幕黑屏" in response.get_data(as_text=True)
    assert ticket_count(app) == 0


def register(app, agent, **overrides) -> Ticket:
    data = with_photo(intake_data(app, idempotency_key=uuid.uuid4().hex, **overrides))
    response = agent.post_form("/desk/tickets/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    ticket_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        return db.session.get(Ticket, ticket_id)


def registration(app, ticket_id):
    with app.app_context():
        event = db.session.scalar(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                               TicketEvent.kind == "created"))
        notices = db.session.scalars(db.select(Notification).where(Notification.ticket_id == ticket_id)).all()
        return event.data, notices


def test_registration_records_score_and_repeat_fault_and_queues_the_number(app, login_as):
    closed_id = make_ticket(app, status="closed", serial=SERIAL)
    with app.app_context():
        closed_number = db.session.get(Ticket, closed_id).number
    agent = login_as("agent")
    ticket = register(app, agent)
    data, notices = registration(app, ticket.id)
    assert data["completeness"] == 100 and data["missing"] == [] and data["warranty"] == "standard"
    assert data["repeat_fault"]["ticket"] == closed_number
    assert [(n.kind, n.channel, n.recipient, n.status) for n in notices] == [
        ("ticket_registered", "sms", "13812345678", "logged")]
    assert ticket.number in notices[0].body
    page = whole_page(agent, f"/desk/tickets/{ticket.id}", EN)
    facts = page.split('id="intake-facts"')[1].split("</article>")[0]
    assert "REPEAT FAULT" in facts and closed_number in facts and "100 %" in facts
    messages = page.split('id="customer-messages"')[1].split("</article>")[0]
    assert "138****5678" in messages and "13812345678" not in messages
    assert "on the outbox page (log provider, not sent)" in messages


@pytest.mark.parametrize(("channel", "expected", "shown"), [
    ("email", ("email", "zhang@example.com"), "z***@example.com"),
    ("wechat", ("wechat", "13812345678"), "138****5678"),
    ("walk_in", ("sms", "13812345678"), "138****5678"),
    ("app", ("portal", None), "portal inbox"),
])
def test_the_notice_goes_out_on_the_channel_the_customer_used(app, login_as, channel, expected, shown):
    agent = login_as("agent")
    ticket = register(app, agent, channel=channel)
    _, notices = registration(app, ticket.id)
    assert [(n.channel, n.recipient) for n in notices] == [expected]
    page = whole_page(agent, f"/desk/tickets/{ticket.id}", EN)
    assert shown in page.split('id="customer-messages"')[1]


def test_email_without_an_address_on_file_falls_back_to_a_text_message(app, login_as):
    ticket = register(app, login_as("agent"), channel="email", contact_id="")
    _, notices = registration(app, ticket.id)
    assert [(n.channel, n.recipient) for n in notices] == [("sms", "13812345678")]


def test_the_notice_is_in_the_customers_language(app, login_as):
    with app.app_context():
        db.session.scalar(db.select(User).where(User.email == "customer@example.com")).locale = "en"
        db.session.commit()
    ticket = register(app, login_as("agent"))
    _, notices = registration(app, ticket.id)
    assert notices[0].body.startswith("Your service request has been registered") and ticket.number in notices[0].body


def test_adding_to_a_ticket_needs_the_csrf_token_and_happens_once(app, login_as):
    open_id = make_ticket(app, status="assigned", serial=SERIAL)
    agent = login_as("agent")
    data = intake_data(app, description="第二次来电,仍然黑屏", idempotency_key=uuid.uuid4().hex)
    assert agent.client.post(f"/desk/tickets/{open_id}/intake-report", data=data).status_code == 400
    first = agent.post_form(f"/desk/tickets/{open_id}/intake-report", dict(data))
    second = agent.post_form(f"/desk/tickets/{open_id}/intake-report", dict(data))
    assert first.status_code == second.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(TicketEvent).where(
            TicketEvent.ticket_id == open_id, TicketEvent.kind == "intake_note")) == 1


def test_a_fragment_answered_after_the_post_leaves_the_new_number_on_the_page(app, login_as):
    """The live completeness check leaves before the agent registers and may come back after: it must not write
    the session back as it was when it left, or the flash with the ticket number is lost."""
    agent = login_as("agent")
    agent.get("/desk/tickets/new")
    left_with = agent.client.get_cookie("session").value
    registered = agent.post_form("/desk/tickets/new", intake_data(app), htmx=True)
    assert registered.status_code == 204 and "Set-Cookie" in registered.headers  # the flash is in the session now
    with_flash = agent.client.get_cookie("session").value
    agent.client.set_cookie("session", left_with)  # the fragment was sent with the cookie of before
    fragment = agent.post_form("/desk/intake/completeness", intake_data(app), htmx=True)
    assert fragment.status_code == 200
    assert "Set-Cookie" not in fragment.headers, "a fragment that changed nothing wrote the old session back"
    agent.client.set_cookie("session", with_flash)  # so the browser still holds the cookie of the post
    page = agent.get(registered.headers["HX-Redirect"]).get_data(as_text=True)
    assert 'class="flash flash-success"' in page
