"""QR labels on devices: the sheet, the public page with its phone check, the request it registers, the owner's
service life, a retired unit."""
import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from portal.extensions import db
from portal.models import Asset, Attachment, Notification, OutboxMessage, PhoneCheck, Ticket
from portal.services import device_labels
from tests.conftest import jpeg_bytes

EN = {"Accept-Language": "en"}
CODE = re.compile(r"(\d{6})")


def unit(app, serial="ABC2000-SN0001") -> tuple[int, str, int]:
    with app.test_request_context():
        asset = db.session.scalar(db.select(Asset).where(Asset.serial == serial))
        return asset.id, device_labels.reference(asset), asset.customer_id


def last_code(app) -> str:
    with app.app_context():
        body = db.session.scalar(db.select(OutboxMessage.body).order_by(OutboxMessage.id.desc()))
    return CODE.search(body).group(1)


def confirm_phone(web, app, ref, phone="13912340000", name="王师傅"):
    response = web.post_form(f"/u/{ref}/code", {"name": name, "phone": phone})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    response = web.post_form(f"/u/{ref}/confirm", {"code": last_code(app)})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]


def test_label_sheet_for_a_whole_customer_and_for_ticked_units(app, login_as):
    asset_id, _ref, customer_id = unit(app)
    agent = login_as("agent")
    page = agent.get(f"/desk/customers/{customer_id}", headers=EN).get_data(as_text=True)
    assert "Print labels of all units" in page and f'name="unit" value="{asset_id}"' in page
    whole = agent.get(f"/desk/customers/{customer_id}/labels.pdf")
    assert whole.status_code == 200 and whole.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(whole.data)).pages[0].extract_text()
    assert "ABC2000-SN0001" in text and "PX50-SN1001" in text and "400-000-0000" in text
    one = agent.get(f"/desk/customers/{customer_id}/labels.pdf?unit={asset_id}&skip=5")
    text = PdfReader(io.BytesIO(one.data)).pages[0].extract_text()
    assert "ABC2000-SN0001" in text and "PX50-SN1001" not in text
    with app.app_context():
        other = db.session.scalar(db.select(Asset.id).where(Asset.customer_id != customer_id))
    assert agent.get(f"/desk/customers/{customer_id}/labels.pdf?unit={other}").status_code == 404
    assert login_as("customer").get(f"/desk/customers/{customer_id}/labels.pdf").status_code == 403


def test_a_label_url_opens_the_unit_and_a_forged_one_is_404(app, client):
    _id, ref, _c = unit(app)
    page = client.get(f"/u/{ref}", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "ABC2000-SN0001" in html and "ABC-2000" in html and "Service life" not in html
    number, sig = ref.split("-")
    assert client.get(f"/u/{number}-{'a' * len(sig)}").status_code == 404
    assert client.get(f"/u/{int(number) + 1}-{sig}").status_code == 404


def test_scan_confirm_the_phone_and_register_a_request(app, client):
    _id, ref, customer_id = unit(app)
    response = client.post_form(f"/u/{ref}/report", {"description": "屏幕不亮，开机无反应"})
    assert response.status_code == 409  # not before the phone is confirmed
    response = client.post_form(f"/u/{ref}/code", {"name": "王师傅", "phone": "139-1234-0000"})
    assert response.status_code == 302
    with app.app_context():
        notice = db.session.scalar(db.select(Notification).where(Notification.kind == "phone_code"))
        assert (notice.channel, notice.status, notice.recipient) == ("sms", "logged", "139 1234 0000")
        assert notice.data is None  # the code does not outlive the message
    wrong = client.post_form(f"/u/{ref}/confirm", {"code": "000000" if last_code(app) != "000000" else "111111"},
                             headers=EN)
    assert wrong.status_code == 422 and "This code is not right" in wrong.get_data(as_text=True)
    assert client.post_form(f"/u/{ref}/confirm", {"code": last_code(app)}).status_code == 302
    page = client.get(f"/u/{ref}", headers=EN).get_data(as_text=True)
    assert "What is wrong?" in page and "Service life" not in page  # not a phone of the owner's
    response = client.post_form(f"/u/{ref}/report", {"description": "屏幕不亮，开机无反应",
                                                    "photos": (io.BytesIO(jpeg_bytes()), "fault.jpg")})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    with app.app_context():
        ticket = db.session.scalar(db.select(Ticket).order_by(Ticket.id.desc()))
        assert (ticket.serial, ticket.product_model.code, ticket.customer_id) == ("ABC2000-SN0001", "ABC-2000",
                                                                                  customer_id)
        assert (ticket.channel, ticket.contact_name, ticket.contact_phone) == ("label", "王师傅", "139 1234 0000")
        assert ticket.created_by_id is None
        assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)
                                 .where(Attachment.ticket_id == ticket.id)) == 1
        number = ticket.number
    page = client.get(f"/u/{ref}", headers=EN).get_data(as_text=True)
    assert number in page
    again = client.post_form(f"/u/{ref}/report", {"description": "再报一次同样的问题"})
    assert again.status_code == 409  # one request per confirmed phone


def test_bad_input_stays_on_the_form(app, client):
    _id, ref, _c = unit(app)
    response = client.post_form(f"/u/{ref}/code", {"name": "王师傅", "phone": "021-6234 5678"}, headers=EN)
    assert response.status_code == 422 and "Enter a mobile number" in response.get_data(as_text=True)
    assert "021-6234 5678" in response.get_data(as_text=True)
    confirm_phone(client, app, ref)
    response = client.post_form(f"/u/{ref}/report", {"description": "坏"}, headers=EN)
    assert response.status_code == 422
    response = client.post_form(f"/u/{ref}/report", {"description": "屏幕不亮，开机无反应",
                                                    "photos": (io.BytesIO(b"not an image"), "x.jpg")}, headers=EN)
    assert response.status_code == 422 and "屏幕不亮，开机无反应" in response.get_data(as_text=True)


def test_codes_are_limited_per_number(app, client):
    _id, ref, _c = unit(app)
    assert client.post_form(f"/u/{ref}/code", {"name": "王", "phone": "13912340000"}).status_code == 302
    second = client.post_form(f"/u/{ref}/code", {"name": "王", "phone": "13912340000"}, headers=EN)
    assert second.status_code == 429 and "less than a minute ago" in second.get_data(as_text=True)


def test_the_page_is_rate_limited(app, client):
    _id, ref, _c = unit(app)
    statuses = [client.post_form(f"/u/{ref}/code", {"name": "王", "phone": f"1391234{i:04d}"}).status_code
                for i in range(6)]
    assert statuses[:5] == [302] * 5 and statuses[5] == 429


def test_the_owner_sees_the_service_life(app, client, login_as):
    from tests.web.factories import make_ticket
    make_ticket(app, status="closed", serial="ABC2000-SN0001")
    _id, ref, _c = unit(app)
    owner = login_as("customer").get(f"/u/{ref}", headers=EN).get_data(as_text=True)
    assert "Service life of this unit" in owner and "Parts replaced" in owner and "NEW-1" in owner
    confirm_phone(client, app, ref, phone="13812345678", name="张经理")  # a contact of the owner
    page = client.get(f"/u/{ref}", headers=EN).get_data(as_text=True)
    assert "Service life of this unit" in page and "NEW-1" in page
    stranger = login_as("customer").get(f"/u/{unit(app, 'WM800-SN5001')[1]}", headers=EN).get_data(as_text=True)
    assert "Service life of this unit" not in stranger


def test_a_retired_unit_says_so_and_takes_no_request(app, client):
    asset_id, ref, _c = unit(app)
    with app.app_context():
        db.session.get(Asset, asset_id).retired_on = date.today() - timedelta(days=1)
        db.session.commit()
    page = client.get(f"/u/{ref}", headers=EN).get_data(as_text=True)
    assert "This unit was retired" in page and "Send me the code" not in page
    response = client.post_form(f"/u/{ref}/code", {"name": "王", "phone": "13912340000"})
    assert response.status_code == 410
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(PhoneCheck)) == 0


@pytest.mark.parametrize("text", ["http://127.0.0.1:5000/u/{ref}", "https://portal.example.cn/u/{ref}?x=1", "{ref}"])
def test_a_scanned_label_is_read_back(app, text):
    asset_id, ref, _c = unit(app)
    with app.app_context():
        found = device_labels.find_scanned(text.format(ref=ref) if "/u/" in text else f"/u/{ref}")
        assert found is not None and found.id == asset_id
        assert device_labels.find_scanned("https://example.com/u/1-aaaaaaaaaa") is None


def test_the_engineer_confirms_the_serial_by_label_or_typed(app, login_as):
    from tests.web.factories import make_ticket
    ticket_id = make_ticket(app, status="in_progress", serial="ABC2000-SN0001")
    _id, ref, _c = unit(app)
    _other, other_ref, _c2 = unit(app, "PX50-SN1001")
    engineer = login_as("engineer")
    page = engineer.get(f"/m/jobs/{ticket_id}", headers=EN).get_data(as_text=True)
    assert "Scan the unit" in page and "jsQR.js" in page
    wrong = engineer.post_form(f"/m/jobs/{ticket_id}/serial", {"scanned": f"http://127.0.0.1:5000/u/{other_ref}"},
                               headers=EN)
    assert wrong.status_code == 422 and "PX50-SN1001" in wrong.get_data(as_text=True)
    forged = engineer.post_form(f"/m/jobs/{ticket_id}/serial", {"scanned": "https://evil.example/u/1-aaaaaaaaaa"},
                                headers=EN)
    assert forged.status_code == 422 and "not one of our device labels" in forged.get_data(as_text=True)
    assert engineer.post_form(f"/m/jobs/{ticket_id}/serial", {}, headers=EN).status_code == 422
    ok = engineer.post_form(f"/m/jobs/{ticket_id}/serial", {"scanned": f"http://127.0.0.1:5000/u/{ref}"})
    assert ok.status_code == 302
    typed = engineer.post_form(f"/m/jobs/{ticket_id}/serial", {"serial": "abc2000-sn0001"})
    assert typed.status_code == 302
    with app.app_context():
        from portal.models import TicketEvent
        events = db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                                 TicketEvent.kind == "serial_confirmed")).all()
        assert [e.data["method"] for e in events] == ["label", "typed"]
    assert login_as("engineer2").post_form(f"/m/jobs/{ticket_id}/serial", {"serial": "X"}).status_code == 403


def test_a_job_without_a_serial_takes_the_one_scanned(app, login_as):
    from tests.web.factories import make_ticket
    ticket_id = make_ticket(app, status="in_progress")
    asset_id, ref, _c = unit(app)
    assert login_as("engineer").post_form(f"/m/jobs/{ticket_id}/serial", {"scanned": f"/u/{ref}"}).status_code == 302
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert (ticket.serial, ticket.asset_id) == ("ABC2000-SN0001", asset_id)


def test_the_service_life_shows_the_next_maintenance(app, login_as):
    from datetime import date

    from portal.models import MaintenancePlan
    asset_id, ref, _c = unit(app)
    with app.app_context():
        db.session.add(MaintenancePlan(asset_id=asset_id, every_months=6, lead_days=14, next_due=date(2027, 3, 1)))
        db.session.commit()
    page = login_as("customer").get(f"/u/{ref}", headers=EN).get_data(as_text=True)
    assert "2027-03-01" in page


def test_the_redrawn_job_says_the_serial_was_confirmed(app, login_as):
    from tests.web.factories import make_ticket
    ticket_id = make_ticket(app, status="in_progress", serial="ABC2000-SN0001")
    response = login_as("engineer").post_form(f"/m/jobs/{ticket_id}/serial", {"serial": "ABC2000-SN0001"},
                                              htmx=True, headers=EN)
    assert response.status_code == 200 and 'id="serial-confirmed"' in response.get_data(as_text=True)
