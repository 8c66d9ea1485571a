"""The customer requests service and follows it: units and warranty, the form, knowledge-base answers, the
timeline, the SLA promise in plain words, documents, and isolation between customers."""
import io
import re
import uuid
from datetime import UTC, datetime, timedelta

from portal.extensions import db
from portal.models import Asset, Document, Notification, ProductModel, Ticket, TicketEvent, User
from portal.services import fieldwork
from tests.conftest import WebClient, jpeg_bytes
from tests.web.factories import make_closed_ticket, make_other_customer_login, make_ticket
from tests.web.pages import whole_page

EN = {"Accept-Language": "en"}
PROMISE_RE = re.compile(r'data-promise="contact">([^<]+)<')
OWN = "ABC2000-SN0001"  # the demo company's display, bought 2026-03-10, 12 months
EXPIRED = "PX50-SN1001"  # the demo company's power module, bought 2024-08-01, 18 months
OTHERS = "WM800-SN5001"  # the individual customer's washing machine


def asset_id(app, serial: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Asset.id).where(Asset.serial == serial))


def model_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(ProductModel.id).where(ProductModel.code == code))


def ticket_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Ticket))


def request_data(**overrides) -> dict:
    data = {"idempotency_key": uuid.uuid4().hex, "asset_id": "", "product_model_id": "", "serial": "",
            "purchase_date": "", "description": "显示终端开机后一直黑屏", "frequency": "每次开机",
            "impact": "前台无法使用", "tried": "重启", "service_mode": "onsite",
            "preferred_contact_time": "下午 13:00-18:00", "contact_name": "张经理", "contact_phone": "13812345678"}
    data.update(overrides)
    return data


def with_photo(data: dict) -> dict:
    return {**data, "photos": (io.BytesIO(jpeg_bytes()), "fault.jpg")}


def other_customer(app, login_as):
    """A second company with its own login, signed in."""
    web = WebClient(app.test_client())
    web.login(*make_other_customer_login(app))
    return web


def test_the_form_offers_only_the_customers_own_units_and_their_contact(app, login_as):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "customer@example.com"))
        contact = next(c for c in user.customer.contacts if c.name == "孙工")
        user.contact_id = contact.id
        db.session.commit()
    page = login_as("customer").get("/my/requests/new", headers=EN).get_data(as_text=True)
    assert OWN in page and EXPIRED in page and OTHERS not in page
    assert 'name="idempotency_key"' in page and 'value="孙工"' in page and 'value="13987654321"' in page
    assert 'href="/my/requests/new"' in page  # the navigation link


def test_a_request_for_a_registered_unit_registers_like_the_desk(app, login_as):
    customer, unit = login_as("customer"), asset_id(app, OWN)
    response = customer.post_form("/my/requests/new", with_photo(request_data(asset_id=unit, service_mode="remote")))
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    ticket_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert (ticket.channel, ticket.service_mode, ticket.preferred_contact_time) == (
            "portal", "remote", "下午 13:00-18:00")
        assert ticket.serial == OWN and ticket.asset_id == unit and ticket.number.startswith("SR")
        assert ticket.response_due_at is not None and len(ticket.events) == 1
        created = ticket.events[0]
        assert created.kind == "created" and created.data["channel"] == "portal"
        assert created.data["completeness"] >= 90 and created.data["warranty"] == "standard"
        notice = db.session.scalar(db.select(Notification).where(Notification.ticket_id == ticket_id))
        assert notice.channel == "portal" and notice.status == "inbox" and ticket.number in notice.body
        number = ticket.number
    page = customer.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert page.count(number) >= 2  # the heading, and the message telling the number
    assert "We will contact you by" in page
    desk = whole_page(login_as("agent"), f"/desk/tickets/{ticket_id}", EN)
    assert "Remote help (phone or video)" in desk and "下午 13:00-18:00" in desk  # the desk sees the wishes


def test_warranty_is_shown_for_own_units_and_another_customers_serial_reads_as_unknown(app, login_as):
    customer = login_as("customer")

    def warranty(**args):
        return customer.get("/my/requests/warranty", query_string=args, headers=EN).get_data(as_text=True)

    assert 'data-warranty="standard"' in warranty(asset_id=asset_id(app, OWN))
    assert 'data-warranty="expired"' in warranty(asset_id=asset_id(app, EXPIRED))
    assert 'data-warranty="standard"' in warranty(serial=OWN.lower())
    foreign = warranty(asset_id=asset_id(app, OTHERS))
    assert OTHERS not in foreign and "WM-800" not in foreign and "data-warranty" not in foreign
    typed_other = warranty(serial=OTHERS, product_model_id=model_id(app, "WM-800"), purchase_date="2026-01-05")
    typed_new = warranty(serial="NEVER-SEEN-1", product_model_id=model_id(app, "WM-800"), purchase_date="2026-01-05")
    assert typed_other == typed_new and 'data-warranty="estimate-standard"' in typed_other
    assert "周敏" not in typed_other and "2025-05-10" not in typed_other
    assert 'data-warranty="unknown"' in warranty(serial=OTHERS)


def test_a_request_with_model_and_serial_registers_the_unit(app, login_as):
    customer = login_as("customer")
    response = customer.post_form("/my/requests/new", request_data(
        product_model_id=model_id(app, "WM-800"), serial="wm800-new-77", purchase_date="2026-01-05",
        description="洗衣机底部漏水", service_mode="send_in"))
    assert response.status_code == 302
    with app.app_context():
        ticket = db.session.scalar(db.select(Ticket))
        assert ticket.serial == "WM800-NEW-77" and ticket.asset.customer.name == "华东精密制造有限公司"
        assert ticket.service_mode == "send_in" and ticket.asset.purchase_date.isoformat() == "2026-01-05"


def test_another_customers_serial_is_taken_without_telling_whose_it_is(app, login_as):
    customer = login_as("customer")
    response = customer.post_form("/my/requests/new", request_data(
        product_model_id=model_id(app, "WM-800"), serial=OTHERS, description="洗衣机底部漏水"), headers=EN)
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    page = customer.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "another customer" not in page and "周敏" not in page
    with app.app_context():
        ticket = db.session.scalar(db.select(Ticket))
        assert ticket.asset_id is None and ticket.serial == OTHERS
        assert db.session.scalar(db.select(Asset.customer_id).where(Asset.serial == OTHERS)) != ticket.customer_id
        note = db.session.scalar(db.select(TicketEvent).where(TicketEvent.kind == "serial_unverified"))
        assert note is not None and note.customer_visible is False


def test_bad_input_is_refused_with_422_and_keeps_what_was_typed(app, login_as):
    customer = login_as("customer")
    bad = customer.post_form("/my/requests/new", request_data(
        description="屏幕碎了,仍可开机", contact_phone="call me!", serial="<script>", purchase_date="2026-13-45"),
        htmx=True, headers=EN)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "屏幕碎了,仍可开机" in html and "call me!" in html
    assert "Choose one of your units, or the product model." in html and "<script>" not in html
    foreign = customer.post_form("/my/requests/new", request_data(asset_id=asset_id(app, OTHERS)), headers=EN)
    assert foreign.status_code == 422 and "Choose one of your registered units." in foreign.get_data(as_text=True)
    not_a_photo = request_data(asset_id=asset_id(app, OWN), description="开机黑屏,指示灯亮")
    not_a_photo["photos"] = (io.BytesIO(b"not an image"), "fault.jpg")
    response = customer.post_form("/my/requests/new", not_a_photo, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "开机黑屏,指示灯亮" in html and "not a photo" in html
    assert ticket_count(app) == 0


def test_a_double_submitted_request_makes_one_ticket(app, login_as):
    customer = login_as("customer")
    data = request_data(asset_id=asset_id(app, OWN))
    first = customer.post_form("/my/requests/new", dict(data))
    second = customer.post_form("/my/requests/new", dict(data))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    htmx = request_data(asset_id=asset_id(app, EXPIRED))
    one = customer.post_form("/my/requests/new", dict(htmx), htmx=True)
    two = customer.post_form("/my/requests/new", dict(htmx), htmx=True)
    assert one.status_code == two.status_code == 204 and one.headers["HX-Redirect"] == two.headers["HX-Redirect"]
    assert ticket_count(app) == 2


def suggestions(web, **form) -> str:
    return web.post_form("/my/requests/suggestions", form, htmx=True).get_data(as_text=True)


def test_knowledge_base_answers_follow_the_description_and_the_product(app, login_as):
    customer = login_as("customer")
    black = suggestions(customer, description="早上开机以后屏幕黑屏", asset_id=asset_id(app, OWN))
    assert "开机黑屏" in black and black.count("data-article=") <= 3 and "洗衣机" not in black
    leak = suggestions(customer, description="洗衣机底下有漏水", product_model_id=model_id(app, "WM-800"))
    assert "洗衣机漏水" in leak and "安全第一" in leak and "显示终端" not in leak
    breaker = suggestions(customer, description="一开机就跳闸", product_model_id=model_id(app, "WM-800"))
    assert "跳闸" in breaker.split("data-article")[1]  # the breaker article comes first
    assert "E21" in suggestions(customer, description="显示 E21 然后停了", product_model_id=model_id(app, "WM-800"))
    english = suggestions(customer, description="The screen stays black", asset_id=asset_id(app, OWN))
    assert "Display stays black" in english
    assert "data-article" not in suggestions(customer, description="你好")
    page = customer.post_form("/my/requests/new", request_data(description="屏幕黑屏", contact_phone="x"),
                              htmx=True).get_data(as_text=True)
    assert "开机黑屏" in page  # the answers stay after a refused submit


def test_the_timeline_shows_customer_events_in_plain_words_and_hides_internal_ones(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        engineer = ticket.assignee
        engineer.phone = "13600009999"
        db.session.add(TicketEvent(ticket=ticket, kind="note", body="INTERNAL-NOTE-XYZ", customer_visible=False))
        fieldwork.update_customer(ticket, engineer, message="Parts ordered, fitting tomorrow morning")
        db.session.commit()
        name = engineer.name
    page = login_as("customer").get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert "We received your request" in page and f"{name} is your engineer" in page
    assert "The engineer arrived" in page and "Parts ordered, fitting tomorrow morning" in page
    assert "INTERNAL-NOTE-XYZ" not in page and "production line stopped" not in page
    assert "主控板电容鼓包" not in page and "Inspection recorded" not in page and "13600009999" not in page
    assert '{% include' not in page  # the actions slot is an include, filled by its own template


def test_the_promise_in_plain_words_follows_the_clock(app, login_as):
    customer = login_as("customer")
    new_id = make_ticket(app, status="new")
    page = customer.get(f"/my/tickets/{new_id}", headers=EN).get_data(as_text=True)
    assert 'data-promise="contact"' in page and "We will contact you by" in page
    listed = customer.get("/my/tickets", headers=EN).get_data(as_text=True)
    assert "We will contact you by" in listed and "Received" in listed
    # The list reads the due time stored by the clock, the page reads the clock: the same time either way.
    assert PROMISE_RE.search(listed).group(1) == PROMISE_RE.search(page).group(1)
    with app.app_context():
        ticket = db.session.get(Ticket, new_id)
        ticket.first_response_at = datetime.now(UTC)
        from portal.services import sla
        sla.refresh(ticket)
        db.session.commit()
    assert "Next update by" in customer.get(f"/my/tickets/{new_id}", headers=EN).get_data(as_text=True)
    waiting_id = make_ticket(app, status="in_progress")
    with app.test_request_context():
        ticket = db.session.get(Ticket, waiting_id)
        fieldwork.start_waiting(ticket, ticket.assignee, waiting_for="parts", reason="主控板缺货")
        db.session.commit()
    page = customer.get(f"/my/tickets/{waiting_id}", headers=EN).get_data(as_text=True)
    assert "Paused while we wait for parts" in page and "Waiting for parts" in page
    assert "Paused while we wait for parts" in customer.get("/my/tickets", headers=EN).get_data(as_text=True)
    zh = customer.get(f"/my/tickets/{new_id}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert 'data-promise="update"' in zh


def test_due_times_read_as_people_say_them(app):
    from portal.customer.follow import when
    now = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
    with app.test_request_context(headers=EN):
        assert when(now + timedelta(hours=5), now) == "14:00"
        assert when(now + timedelta(days=1), now) == "tomorrow 09:00"
        assert when(now + timedelta(hours=15), now) == "tomorrow 00:00"  # the day turns in Shanghai, not UTC
        assert when(now + timedelta(days=2), now) == "Wed 09:00"
        assert when(now + timedelta(days=10), now) == "2026-12-10 09:00"


def test_documents_download_for_the_owner_and_are_refused_to_another_customer(app, login_as):
    ticket_id = make_closed_ticket(app)
    with app.app_context():
        document = db.session.scalar(db.select(Document).where(Document.ticket_id == ticket_id))
    owner = login_as("customer")
    page = owner.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert f"/files/documents/{document.id}" in page and f"/my/tickets/{ticket_id}/receipt.pdf" in page
    for url in (f"/files/documents/{document.id}", f"/my/tickets/{ticket_id}/receipt.pdf"):
        response = owner.get(url)
        data = response.get_data()
        response.close()
        assert response.status_code == 200 and data[:5] == b"%PDF-", url
    other = other_customer(app, login_as)
    for url in (f"/files/documents/{document.id}", f"/my/tickets/{ticket_id}/receipt.pdf", f"/my/tickets/{ticket_id}"):
        assert other.get(url).status_code in (403, 404), url
    assert other.get("/my/tickets/999999/receipt.pdf").status_code == 404
    listed = other.get("/my/tickets").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).number not in listed


def test_another_customer_cannot_see_suggest_or_use_someone_elses_units(app, login_as):
    other = other_customer(app, login_as)
    page = other.get("/my/requests/new").get_data(as_text=True)
    assert OWN not in page and OTHERS not in page
    body = other.get("/my/requests/warranty", query_string={"asset_id": asset_id(app, OWN)}).get_data(as_text=True)
    assert OWN not in body and "data-warranty" not in body
    assert other.post_form("/my/requests/new", request_data(asset_id=asset_id(app, OWN))).status_code == 422
    assert ticket_count(app) == 0


def test_request_pages_are_for_customers_only(app, login_as):
    agent = login_as("agent")
    assert agent.get("/my/requests/new").status_code == 403
    assert agent.post_form("/my/requests/suggestions", {"description": "黑屏"}).status_code == 403
    assert agent.get("/my/requests/warranty").status_code == 403
