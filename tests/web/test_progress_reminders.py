"""Progress updates every 12 h (P1-P2) / 24 h (P3-P4), seed 000: the periodic task reminds the assignee when the
update clock runs out (not a second earlier), passes the latest update on to the customer, reminds the desk later,
and does each once however often it runs."""
from datetime import timedelta

import pytest

from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import InboxItem, Notification, Ticket, TicketEvent, User
from portal.services import fieldwork
from portal.tasks.progress import remind
from tests.web.factories import make_ticket


def inbox_kinds(app, email):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        return [i.kind for i in db.session.scalars(db.select(InboxItem).where(InboxItem.user_id == user.id)
                                                   .order_by(InboxItem.id))]


def due_of(app, ticket_id):
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        return as_utc(ticket.update_due_at), as_utc(ticket.created_at)


def run(app, at):
    with app.app_context():
        return remind(at)


@pytest.mark.parametrize(("priority", "hours"), [("P1", 12), ("P2", 12), ("P3", 24), ("P4", 24)])
def test_the_update_clock_follows_seed_000(app, priority, hours):
    ticket_id = make_ticket(app, status="assigned", priority=priority)
    due, _created = due_of(app, ticket_id)
    assert due is not None
    with app.app_context():
        policy_minutes = db.session.execute(db.text("SELECT update_minutes FROM sla_policy WHERE priority = :p"),
                                            {"p": priority}).scalar()
    assert policy_minutes == hours * 60


def test_the_assignee_is_reminded_at_the_boundary_then_the_desk_each_once(app):
    ticket_id = make_ticket(app, status="in_progress", priority="P2")
    due, _created = due_of(app, ticket_id)
    assert run(app, due - timedelta(seconds=1)) == {"update_due": 0, "update_overdue": 0}
    assert "progress_due" not in inbox_kinds(app, "engineer@example.com")
    assert run(app, due) == {"update_due": 1, "update_overdue": 0}
    assert run(app, due + timedelta(minutes=5)) == {"update_due": 0, "update_overdue": 0}  # once
    assert inbox_kinds(app, "engineer@example.com").count("progress_due") == 1
    assert "progress_due" not in inbox_kinds(app, "supervisor@example.com")
    # No update was written yet: the customer gets nothing in its name.
    assert "progress_latest" not in inbox_kinds(app, "customer@example.com")
    desk_at = due + timedelta(minutes=app.config["PROGRESS_DESK_AFTER_MINUTES"])
    assert run(app, desk_at - timedelta(seconds=1))["update_overdue"] == 0
    assert run(app, desk_at) == {"update_due": 0, "update_overdue": 1}
    assert run(app, desk_at + timedelta(hours=1)) == {"update_due": 0, "update_overdue": 0}
    assert inbox_kinds(app, "supervisor@example.com").count("progress_overdue") == 1
    with app.app_context():
        kinds = db.session.scalars(db.select(TicketEvent.kind).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind.in_(("update_due", "update_overdue")))).all()
    assert kinds == ["update_due", "update_overdue"]


def test_the_customer_gets_the_latest_update_and_an_update_restarts_the_clock(app):
    ticket_id = make_ticket(app, status="in_progress", priority="P3")
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        engineer = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        fieldwork.update_customer(ticket, engineer, message="主板已寄回厂家检测")
        db.session.commit()
    due, _created = due_of(app, ticket_id)
    assert run(app, due)["update_due"] == 1
    with app.app_context():
        [notice] = db.session.scalars(db.select(Notification).where(Notification.kind == "progress_latest")).all()
        assert "主板已寄回厂家检测" in notice.body and notice.status == "logged"
    assert "progress_latest" in inbox_kinds(app, "customer@example.com")
    # An update written later moves the due time (the SLA clock restarts on it): the next reminder comes for
    # the new due time, once.
    new_due = due + timedelta(hours=24)
    with app.app_context():
        db.session.get(Ticket, ticket_id).update_due_at = new_due
        db.session.commit()
    assert run(app, new_due - timedelta(seconds=1)) == {"update_due": 0, "update_overdue": 0}
    assert run(app, new_due)["update_due"] == 1
    assert run(app, new_due)["update_due"] == 0
    assert inbox_kinds(app, "engineer@example.com").count("progress_due") == 2


def test_closed_or_waiting_tickets_get_no_reminder(app):
    closed = make_ticket(app, status="closed")
    with app.app_context():
        assert db.session.get(Ticket, closed).update_due_at is None
    far = run(app, utcnow() + timedelta(days=30))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(TicketEvent).where(
            TicketEvent.ticket_id == closed, TicketEvent.kind == "update_due")) == 0
    assert far["update_overdue"] == 0
