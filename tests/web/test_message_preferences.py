"""The customer's message preferences: a channel per kind, opting out, quiet hours (held until they end, except
P1 / safety and "On my way"), saved in the security log, refused clearly when incomplete."""
from datetime import UTC, datetime, timedelta

from portal.extensions import db
from portal.models import MessagePreference, Notification, QueuedTask, SecurityEvent, Ticket, User
from portal.services import fieldwork
from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}


def customer_id(app):
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == "customer@example.com"))


def notices(app, kind):
    with app.app_context():
        return [(n.channel, n.status, n.held_until) for n in db.session.scalars(
            db.select(Notification).where(Notification.kind == kind).order_by(Notification.id))]


def update(app, ticket_id, text="备件已到货"):
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        engineer = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        fieldwork.update_customer(ticket, engineer, message=text)
        db.session.commit()


def all_day_quiet(app):
    """Quiet hours that hold whatever the hour the suite runs: from one minute after now (local) to now."""
    tz = __import__("zoneinfo").ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    now = datetime.now(tz)
    start = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    return f"{start.strftime('%H:%M')}-{end.strftime('%H:%M')}"


def test_the_customer_saves_channels_opt_out_and_quiet_hours(app, login_as):
    customer = login_as("customer")
    page = customer.get("/my/messages", headers=EN).get_data(as_text=True)
    assert "Where each message goes" in page and "Portal inbox only" in page
    assert 'href="/my/messages"' in customer.get("/my/profile", headers=EN).get_data(as_text=True)
    incomplete = customer.post_form("/my/messages", {"quiet": "own", "quiet_from": "21:30",
                                                     "channels-progress_update": "email"}, headers=EN)
    assert incomplete.status_code == 422
    html = incomplete.get_data(as_text=True)
    assert "Give the start and the end of your quiet hours." in html and 'value="21:30"' in html
    ok = customer.post_form("/my/messages", {"quiet": "own", "quiet_from": "21:30", "quiet_until": "07:00",
                                             "channels-progress_update": "inbox", "channels-visit_booked": "email"})
    assert ok.status_code == 302
    uid = customer_id(app)
    with app.app_context():
        row = db.session.get(MessagePreference, uid)
        assert row.quiet_hours == "21:30-07:00" and row.channels == {"progress_update": "inbox",
                                                                      "visit_booked": "email"}
        assert not row.opted_out
        event = db.session.scalar(db.select(SecurityEvent).where(SecurityEvent.kind == "message_preferences_changed"))
        assert event is not None and event.user_id == uid
    again = customer.get("/my/messages").get_data(as_text=True)
    assert 'value="21:30"' in again and 'value="07:00"' in again


def test_preferences_are_for_customers(app, login_as):
    for role in ("agent", "engineer", "supervisor"):
        assert login_as(role).get("/my/messages").status_code == 403


def test_inbox_only_and_opting_out_send_nothing_outside_the_portal(app):
    ticket_id = make_ticket(app, status="in_progress", priority="P3")
    uid = customer_id(app)
    with app.app_context():
        db.session.add(MessagePreference(user_id=uid, channels={"progress_update": "inbox"}))
        db.session.commit()
    update(app, ticket_id)
    assert notices(app, "progress_update") == []
    with app.app_context():
        db.session.get(MessagePreference, uid).opted_out = True
        db.session.commit()
    with app.test_request_context():
        from portal.services import fieldwork as fw
        ticket = db.session.get(Ticket, ticket_id)
        engineer = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        fw.start_waiting(ticket, engineer, waiting_for="parts", reason="等待主板")
        db.session.commit()
    update(app, ticket_id, "仍在等待")
    assert notices(app, "progress_update") == []


def test_a_message_in_quiet_hours_waits_for_their_end(app):
    ticket_id = make_ticket(app, status="in_progress", priority="P3")
    uid = customer_id(app)
    with app.app_context():
        db.session.add(MessagePreference(user_id=uid, quiet_hours=all_day_quiet(app)))
        db.session.commit()
    update(app, ticket_id)
    [(channel, status, held)] = notices(app, "progress_update")
    assert channel == "sms" and status == "queued" and held is not None
    held = held if held.tzinfo else held.replace(tzinfo=UTC)
    assert timedelta(0) < held - datetime.now(UTC) <= timedelta(hours=1, minutes=1)
    with app.app_context():
        task = db.session.scalar(db.select(QueuedTask).where(QueuedTask.kind == "deliver_message")
                                 .order_by(QueuedTask.id.desc()))
        assert task.state == "pending" and task.run_after is not None
        # When the quiet hours are over the queue sends it.
        from portal.tasks.queue import run
        task.run_after = datetime.now(UTC) - timedelta(seconds=5)
        db.session.commit()
        assert run(task.id) is True
    assert notices(app, "progress_update")[0][1] == "logged"


def test_p1_and_on_my_way_are_never_held(app, login_as):
    p1 = make_ticket(app, status="in_progress", priority="P1")
    uid = customer_id(app)
    with app.app_context():
        db.session.add(MessagePreference(user_id=uid, quiet_hours=all_day_quiet(app)))
        db.session.commit()
    update(app, p1)
    assert notices(app, "progress_update")[0][:2] == ("sms", "logged")
    p3 = make_ticket(app, status="assigned", priority="P3")
    assert login_as("engineer").post_form(f"/m/jobs/{p3}/on-my-way", {}, headers={
        "Accept": "application/json", "Idempotency-Key": "omw-quiet-0001-abcdef"}).status_code == 200
    assert notices(app, "engineer_on_the_way")[0][:2] == ("sms", "logged")


def test_the_chosen_channel_replaces_the_requests_channel(app):
    ticket_id = make_ticket(app, status="in_progress", priority="P3")
    uid = customer_id(app)
    with app.app_context():
        from portal.models import Contact
        ticket = db.session.get(Ticket, ticket_id)
        ticket.contact = Contact(customer_id=ticket.customer_id, name="张经理", email="zhang@example.com")
        db.session.add(MessagePreference(user_id=uid, channels={"progress_update": "email"}))
        db.session.commit()
    update(app, ticket_id)
    assert [n[:2] for n in notices(app, "progress_update")] == [("email", "kept")]


def test_no_quiet_hours_can_be_chosen(app, login_as):
    """"No quiet hours" is saved as none (it was taken for own hours without times and refused)."""
    customer = login_as("customer")
    assert customer.post_form("/my/messages", {"quiet": "none"}).status_code == 302
    with app.app_context():
        assert db.session.get(MessagePreference, customer_id(app)).quiet_hours == ""
