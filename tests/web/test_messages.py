"""The events that reach people: the engineer's "On my way" (offline-safe, once), the booked visit with its
calendar file, the hand-over and signing link, and the staff's messages of a booking and a signing link."""
from datetime import UTC, date, time, timedelta

import icalendar

from portal.extensions import db
from portal.models import (
    Contact,
    InboxItem,
    Notification,
    OutboxMessage,
    OutgoingMail,
    Ticket,
    TicketEvent,
    User,
    Visit,
)
from portal.services import dispatch, fieldwork
from tests.web.factories import make_ticket

JSON = {"Accept": "application/json"}


def inbox_kinds(app, email):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        return [i.kind for i in db.session.scalars(db.select(InboxItem).where(InboxItem.user_id == user.id)
                                                   .order_by(InboxItem.id))]


def notices(app, kind):
    with app.app_context():
        return [(n.channel, n.status, n.recipient, n.body, n.data) for n in db.session.scalars(
            db.select(Notification).where(Notification.kind == kind).order_by(Notification.id))]


def test_on_my_way_records_the_time_and_tells_the_customer_once(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    engineer = login_as("engineer")
    page = engineer.get(f"/m/jobs/{ticket_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'action="/m/jobs/{ticket_id}/on-my-way"' in page and "data-outbox" in page
    with app.app_context():
        version = db.session.get(Ticket, ticket_id).version
    headers = {**JSON, "Idempotency-Key": "on-my-way-0001-abcdef"}
    first = engineer.post_form(f"/m/jobs/{ticket_id}/on-my-way", {"version": version, "eta_minutes": "30"},
                               headers=dict(headers))
    replay = engineer.post_form(f"/m/jobs/{ticket_id}/on-my-way", {"version": version, "eta_minutes": "30"},
                                headers=dict(headers))
    other_copy = engineer.post_form(f"/m/jobs/{ticket_id}/on-my-way", {"version": version},
                                    headers={**JSON, "Idempotency-Key": "on-my-way-0002-abcdef"})
    assert first.status_code == replay.status_code == other_copy.status_code == 200 and first.json["ok"]
    with app.app_context():
        visit = db.session.scalar(db.select(Visit).where(Visit.ticket_id == ticket_id))
        assert visit.on_the_way_at is not None and visit.arrived_at is None
        assert abs((visit.expected_arrival_at - visit.on_the_way_at) - timedelta(minutes=30)) < timedelta(seconds=1)
        assert db.session.scalar(db.select(db.func.count()).select_from(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "on_the_way")) == 1
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.status == "assigned"
    sent = notices(app, "engineer_on_the_way")
    assert len(sent) == 1
    channel, status, recipient, body, data = sent[0]
    assert (channel, status, recipient) == ("sms", "logged", "13812345678")
    assert "王工" in body or data["engineer"] in body
    assert data["engineer"] and data["number"] == ticket.number and data["eta"]
    assert inbox_kinds(app, "customer@example.com").count("engineer_on_the_way") == 1
    page = engineer.get(f"/m/jobs/{ticket_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'id="on-the-way"' in page and f'/m/jobs/{ticket_id}/on-my-way"' not in page
    # Then the arrival goes on in the same visit.
    assert engineer.post_form(f"/m/jobs/{ticket_id}/arrive", {}, headers={
        **JSON, "Idempotency-Key": "arrive-0001-abcdefgh"}).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Visit)
                                 .where(Visit.ticket_id == ticket_id)) == 1


def test_on_my_way_is_for_the_assigned_engineer_only(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    assert login_as("engineer2").post_form(f"/m/jobs/{ticket_id}/on-my-way", {}).status_code == 403
    assert login_as("customer").post_form(f"/m/jobs/{ticket_id}/on-my-way", {}).status_code == 403
    on_site = make_ticket(app, status="in_progress")
    refused = login_as("engineer").post_form(f"/m/jobs/{on_site}/on-my-way", {}, headers=JSON)
    assert refused.status_code == 409
    assert notices(app, "engineer_on_the_way") == []


def test_a_booked_visit_tells_the_engineer_and_mails_the_customer_a_calendar_file(app, mail):
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    day = date.today() + timedelta(days=3)
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        contact = Contact(customer_id=ticket.customer_id, name="张经理", phone="13812345678",
                          email="zhang@example.com")
        db.session.add(contact)
        ticket.contact = contact
        supervisor = db.session.scalar(db.select(User).where(User.email == "supervisor@example.com"))
        engineer = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        visit = dispatch.assign_slot(ticket, supervisor, engineer=engineer, day=day, slot=time(14), version=None)
        db.session.commit()
        at, visit_id, number = visit.scheduled_at, visit.id, ticket.number
    assert "visit_booked_staff" in inbox_kinds(app, "engineer@example.com")
    assert "visit_booked" in inbox_kinds(app, "customer@example.com")
    channels = sorted(channel for channel, *_ in notices(app, "visit_booked"))
    assert channels == ["email", "sms"]
    [message] = [m for m in mail.sent if m["To"] == "zhang@example.com"]
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar" and attachment.get_filename() == f"{number}.ics"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.astimezone(UTC) == (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)
    assert event.decoded("dtend") - start == timedelta(hours=2)
    assert str(event["uid"]).startswith(f"visit-{visit_id}-") and number in str(event["summary"])


def test_without_a_mail_server_the_calendar_file_is_named_on_the_page_of_unsent_mail(app):
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        ticket.contact = Contact(customer_id=ticket.customer_id, name="张经理", email="zhang@example.com")
        supervisor = db.session.scalar(db.select(User).where(User.email == "supervisor@example.com"))
        engineer = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        dispatch.assign_slot(ticket, supervisor, engineer=engineer, day=date.today() + timedelta(days=2),
                             slot=time(9), version=None)
        db.session.commit()
    with app.app_context():
        kept = db.session.scalar(db.select(OutgoingMail).where(OutgoingMail.kind == "visit_booked"))
        assert kept.recipient == "zhang@example.com" and ".ics]" in kept.body


def test_hand_over_and_signing_link_reach_the_customer_and_the_engineer(app):
    ticket_id = make_ticket(app, status="resolved")
    assert "ticket_resolved" in inbox_kinds(app, "customer@example.com")
    assert [c for c, *_ in notices(app, "ticket_resolved")] == ["sms"]
    with app.test_request_context():
        from portal.services import remote_signing
        ticket = db.session.get(Ticket, ticket_id)
        ticket.contact = Contact(customer_id=ticket.customer_id, name="张经理", email="zhang@example.com")
        agent = db.session.scalar(db.select(User).where(User.email == "agent@example.com"))
        remote_signing.create_link(ticket, agent)
        db.session.commit()
    assert "signing_link_staff" in inbox_kinds(app, "engineer@example.com")
    assert "signing_link_sent" in inbox_kinds(app, "customer@example.com")


def test_a_progress_update_goes_to_the_customer_with_its_text(app):
    ticket_id = make_ticket(app, status="in_progress")
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        engineer = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        fieldwork.update_customer(ticket, engineer, message="主控板已订货,预计周三到货")
        db.session.commit()
    [(channel, status, _to, body, data)] = notices(app, "progress_update")
    assert channel == "sms" and status == "logged" and "主控板已订货" in body and data["text"] in body
    with app.app_context():
        logged = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "progress_update"))
        assert "主控板已订货" in logged.body
