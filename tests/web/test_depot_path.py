"""The depot path: the unit's way in (a tracking number that does not fit its carrier is questioned first), the
workshop's receipt with the serial checked, the bench repair with the on-site forms, the way back with a pick-up
code sent to the customer."""
from datetime import UTC, datetime

from portal.extensions import db
from portal.models import DepotReceipt, Notification, Parcel, Part, ServicePoint, Ticket, TicketEvent, User
from portal.services import fieldwork
from tests.web.factories import make_ticket, photo

EN = {"Accept-Language": "en"}


def depot_ticket(app, login_as):
    ticket_id = make_ticket(app, status="new", serial="DP-1001", priority="P3")
    agent = login_as("agent")
    agent.post_form(f"/desk/tickets/{ticket_id}/triage", {"category": "fault_repair", "priority": "P3",
                                                           "reason": "x", "mode": "depot", "version": "1"})
    with app.app_context():
        point = ServicePoint(name="上海浦东服务中心", address="上海市浦东新区张江路 100 号", phone="021-5000 0000")
        db.session.add(point)
        db.session.commit()
        return ticket_id, agent, point.id


def test_a_misfit_tracking_number_is_questioned_then_confirmable(app, login_as):
    ticket_id, agent, _point = depot_ticket(app, login_as)
    url = f"/desk/tickets/{ticket_id}/parcels/in"
    questioned = agent.post_form(url, {"method": "parcel", "carrier": "SF", "tracking_number": "1234567"},
                                 htmx=True, headers=EN)
    html = questioned.get_data(as_text=True)
    assert questioned.status_code == 422 and "does not look like a" in html and 'value="1234567"' in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Parcel.id))) == 0
    ok = agent.post_form(url, {"method": "parcel", "carrier": "SF", "tracking_number": "1234567",
                               "confirm_misfit": "y"}, htmx=True, headers=EN)
    assert ok.status_code == 200 and "confirmed though it does not fit the carrier" in ok.get_data(as_text=True)
    fits = agent.post_form(url, {"method": "parcel", "carrier": "SF", "tracking_number": "sf 1234 5678 901"},
                           htmx=True, headers=EN)
    assert fits.status_code == 200
    with app.app_context():
        numbers = db.session.scalars(db.select(Parcel.tracking_number).order_by(Parcel.id)).all()
        assert numbers == ["1234567", "SF12345678901"]


def test_from_the_parcel_to_the_pick_up_code(app, login_as):
    ticket_id, agent, point_id = depot_ticket(app, login_as)
    agent.post_form(f"/desk/tickets/{ticket_id}/parcels/in", {"method": "parcel", "carrier": "SF",
                                                               "tracking_number": "SF1234567890123"})
    with app.app_context():
        engineer_id = db.session.scalar(db.select(User.id).where(User.email == "engineer@example.com"))
        version = db.session.get(Ticket, ticket_id).version
    agent.post_form(f"/desk/tickets/{ticket_id}/assign", {"engineer_id": engineer_id, "version": version})
    engineer = login_as("engineer")
    job = engineer.get(f"/m/jobs/{ticket_id}", headers=EN).get_data(as_text=True)
    assert f"/m/jobs/{ticket_id}/receive" in job
    wrong = engineer.post_form(f"/m/jobs/{ticket_id}/receive", {"serial": "DP-9999", "condition": "外壳完好"},
                               headers=EN)
    assert wrong.status_code == 422 and "does not match the ticket" in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(DepotReceipt.id))) == 0
        assert db.session.get(Ticket, ticket_id).status == "assigned"
    ok = engineer.post_form(f"/m/jobs/{ticket_id}/receive", {"serial": "dp-1001", "condition": "外壳完好,附电源适配器",
                                                          "photos": (photo("unit.jpg"), "unit.jpg")})
    assert ok.status_code == 302
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.status == "in_progress"
        receipt = db.session.scalar(db.select(DepotReceipt))
        assert receipt.serial_matches and receipt.serial_read == "DP-1001"
        assert db.session.scalar(db.select(Parcel)).received_at is not None
        eng = db.session.get(User, engineer_id)
        fieldwork.record_inspection(ticket, eng, findings="电源板保险丝熔断")
        part = db.session.scalar(db.select(Part).order_by(Part.id))
        fieldwork.record_work(ticket, eng, work_done="更换电源板", labour_minutes=30,
                              parts=[{"part_id": part.id, "quantity": 1}], today=datetime.now(UTC).date())
        fieldwork.hand_over(ticket, eng)
        db.session.commit()
    out = agent.post_form(f"/desk/tickets/{ticket_id}/parcels/out", {"method": "service_point",
                                                                      "service_point_id": str(point_id)})
    assert out.status_code == 302
    with app.app_context():
        parcel = db.session.scalar(db.select(Parcel).where(Parcel.direction == "out"))
        assert parcel.pickup_code and len(parcel.pickup_code) == 6
        notices = db.session.scalars(db.select(Notification).where(Notification.ticket_id == ticket_id)).all()
        assert any(parcel.pickup_code in n.body for n in notices if n.kind == "pickup_ready")
        assert any(n.kind == "parcel_received" for n in notices)
    page = login_as("customer").get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert "Your unit arrived at our workshop" in page and "Your unit is ready for pick-up" in page


def test_a_serial_mismatch_is_received_only_with_a_note_and_flagged(app, login_as):
    ticket_id, agent, _point = depot_ticket(app, login_as)
    with app.app_context():
        engineer_id = db.session.scalar(db.select(User.id).where(User.email == "engineer@example.com"))
        version = db.session.get(Ticket, ticket_id).version
    agent.post_form(f"/desk/tickets/{ticket_id}/assign", {"engineer_id": engineer_id, "version": version})
    engineer = login_as("engineer")
    engineer.post_form(f"/m/jobs/{ticket_id}/receive", {"serial": "DP-2002", "condition": "外壳完好",
                                                        "mismatch_note": "客户寄来另一台同型号设备,已电话确认"})
    with app.app_context():
        receipt = db.session.scalar(db.select(DepotReceipt))
        assert not receipt.serial_matches and "已电话确认" in receipt.mismatch_note
        assert db.session.scalar(db.select(TicketEvent).where(TicketEvent.kind == "serial_mismatch")) is not None
    html = agent.get(f"/desk/tickets/{ticket_id}/part/depot", headers=EN).get_data(as_text=True)
    assert 'data-serial-matches="no"' in html


def test_parcels_are_for_depot_tickets_only(app, login_as):
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    response = login_as("agent").post_form(f"/desk/tickets/{ticket_id}/parcels/in", {
        "method": "parcel", "carrier": "SF", "tracking_number": "SF1234567890"}, htmx=True, headers=EN)
    assert response.status_code == 409


def test_the_customer_records_their_parcel_and_sees_where_to_send_it(app, login_as, client):
    from tests.web.factories import make_other_customer_login
    ticket_id, _agent, _point = depot_ticket(app, login_as)
    customer = login_as("customer")
    page = customer.get(f"/my/tickets/{ticket_id}/parcels", headers={**EN, "HX-Request": "true"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "上海市浦东新区张江路 100 号" in html and "I have sent the unit" in html
    questioned = customer.post_form(f"/my/tickets/{ticket_id}/parcels", {"carrier": "JD", "tracking_number": "123"},
                                    headers=EN)
    assert questioned.status_code == 422
    doubtful = customer.post_form(f"/my/tickets/{ticket_id}/parcels",
                                  {"carrier": "JD", "tracking_number": "SF1234567890"}, headers=EN)
    assert doubtful.status_code == 422 and "does not look like a" in doubtful.get_data(as_text=True)
    ok = customer.post_form(f"/my/tickets/{ticket_id}/parcels", {"carrier": "JD", "tracking_number": "JDVA0012345678"})
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Parcel.tracking_number)) == "JDVA0012345678"
    client.login(*make_other_customer_login(app))
    assert client.get(f"/my/tickets/{ticket_id}/parcels").status_code == 403


def test_track_shows_the_parcels_with_the_carriers_link(app, login_as):
    from tests.web.test_customer_account import anonymous, track
    ticket_id, agent, point_id = depot_ticket(app, login_as)
    agent.post_form(f"/desk/tickets/{ticket_id}/parcels/in", {"method": "parcel", "carrier": "SF",
                                                               "tracking_number": "SF1234567890123"})
    with app.app_context():
        number = db.session.get(Ticket, ticket_id).number
    text = track(anonymous(app), number, "5678").get_data(as_text=True)
    assert 'data-parcel="in"' in text and "SF1234567890123" in text and "sf-express.com" in text


def test_the_packing_note_has_the_service_points_address(app, login_as):
    import io

    from pypdf import PdfReader
    ticket_id, _agent, _point = depot_ticket(app, login_as)
    response = login_as("customer").get(f"/my/tickets/{ticket_id}/packing-note.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "张江路" in text and "Packing Note" in text


def ready_for_pickup(app, login_as):
    """A depot repair received, repaired on the bench and handed over to acceptance, waiting at the service point."""
    ticket_id, agent, point_id = depot_ticket(app, login_as)
    with app.app_context():
        engineer_id = db.session.scalar(db.select(User.id).where(User.email == "engineer@example.com"))
        version = db.session.get(Ticket, ticket_id).version
    agent.post_form(f"/desk/tickets/{ticket_id}/assign", {"engineer_id": engineer_id, "version": version})
    login_as("engineer").post_form(f"/m/jobs/{ticket_id}/receive", {"serial": "DP-1001", "condition": "外壳完好"})
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        eng = db.session.get(User, engineer_id)
        fieldwork.record_inspection(ticket, eng, findings="电源板保险丝熔断")
        fieldwork.record_work(ticket, eng, work_done="更换保险丝", labour_minutes=20, parts=[],
                              today=datetime.now(UTC).date())
        fieldwork.hand_over(ticket, eng)
        db.session.commit()
    agent = login_as("agent")
    agent.post_form(f"/desk/tickets/{ticket_id}/parcels/out", {"method": "service_point",
                                                                "service_point_id": str(point_id)})
    with app.app_context():
        code = db.session.scalar(db.select(Parcel.pickup_code).where(Parcel.direction == "out"))
    return ticket_id, agent, code


def _picked_up(app, ticket_id):
    with app.app_context():
        return db.session.scalar(db.select(Parcel.received_at).where(Parcel.ticket_id == ticket_id,
                                                                     Parcel.direction == "out"))


def test_the_pick_up_code_is_checked_at_the_hand_over_then_the_customer_signs(app, login_as, client):
    from tests.web.test_remote_acceptance import create_link, link_path, sign
    ticket_id, agent, code = ready_for_pickup(app, login_as)
    panel = agent.get(f"/desk/tickets/{ticket_id}/part/depot", headers=EN).get_data(as_text=True)
    assert 'id="pickup-form"' in panel and "Record the way back" not in panel
    wrong_code = "000000" if code != "000000" else "111111"
    wrong = agent.post_form(f"/desk/tickets/{ticket_id}/pickup", {"code": wrong_code}, htmx=True, headers=EN)
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "does not match" in html and "4 tries left" in html
    assert f'value="{wrong_code}"' in html  # kept as typed
    assert _picked_up(app, ticket_id) is None
    with app.app_context():
        assert not db.session.scalars(db.select(TicketEvent).where(TicketEvent.kind == "picked_up")).all()
    ok = agent.post_form(f"/desk/tickets/{ticket_id}/pickup", {"code": f" {code[:3]} {code[3:]} "}, htmx=True,
                         headers=EN)
    assert ok.status_code == 200 and 'data-pickup="done"' in ok.get_data(as_text=True)
    assert _picked_up(app, ticket_id) is not None
    # Once only: nothing waits for pick-up any more.
    assert agent.post_form(f"/desk/tickets/{ticket_id}/pickup", {"code": code}, htmx=True).status_code == 409
    # The customer signs the acceptance through the link, on their phone at the counter or later.
    done = sign(client, link_path(create_link(agent, ticket_id)))
    assert done.status_code == 200
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).status == "closed"
    page = login_as("customer").get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert "You picked your unit up" in page


def test_wrong_pick_up_codes_are_limited(app, login_as):
    app.config["PICKUP_CODE_TRIES"] = 3
    ticket_id, agent, code = ready_for_pickup(app, login_as)
    wrong_code = "000000" if code != "000000" else "111111"
    for left in (2, 1, 0):
        wrong = agent.post_form(f"/desk/tickets/{ticket_id}/pickup", {"code": wrong_code}, htmx=True, headers=EN)
        assert wrong.status_code == 422 and f"{left} tr" in wrong.get_data(as_text=True)
    locked = agent.post_form(f"/desk/tickets/{ticket_id}/pickup", {"code": code}, htmx=True, headers=EN)
    assert locked.status_code == 429 and "locked" in locked.get_data(as_text=True)
    assert _picked_up(app, ticket_id) is None


def test_no_hand_over_before_the_repair_is_finished(app, login_as):
    ticket_id, agent, _point = depot_ticket(app, login_as)
    assert agent.post_form(f"/desk/tickets/{ticket_id}/pickup", {"code": "123456"}, htmx=True).status_code == 409


def test_only_the_desk_hands_over(app, login_as):
    ticket_id, _agent, code = ready_for_pickup(app, login_as)
    for role in ("engineer", "customer", "backoffice"):
        response = login_as(role).post_form(f"/desk/tickets/{ticket_id}/pickup", {"code": code})
        assert response.status_code in (302, 403)
    assert _picked_up(app, ticket_id) is None
