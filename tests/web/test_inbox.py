"""The in-app inbox: ticket events reach the customer's accounts and the staff concerned, the bell counts unread
messages in one cheap request, and messages are marked read by their reader only."""
from datetime import timedelta

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import InboxItem, Notification, Ticket, User, UserSession
from portal.tasks.sla import sweep
from tests.conftest import count_queries
from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}


def inbox_of(app, email):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        return [(i.kind, i.text, i.read_at is None) for i in
                db.session.scalars(db.select(InboxItem).where(InboxItem.user_id == user.id).order_by(InboxItem.id))]


def test_an_assignment_reaches_the_engineer_and_the_customer_in_their_languages(app):
    ticket_id = make_ticket(app, status="assigned")
    with app.app_context():
        number = db.session.get(Ticket, ticket_id).number
    kinds = [kind for kind, _text, _unread in inbox_of(app, "customer@example.com")]
    assert kinds == ["ticket_registered", "engineer_assigned"]
    engineer = inbox_of(app, "engineer@example.com")
    assert [kind for kind, _t, _u in engineer] == ["new_assignment"] and number in engineer[0][1]
    assert inbox_of(app, "zhou.min@example.com") == []  # another customer
    with app.app_context():
        notice = db.session.scalar(db.select(Notification).where(Notification.kind == "engineer_assigned"))
        assert (notice.channel, notice.status, notice.recipient) == ("sms", "logged", "13812345678")
        assert number in notice.body


def test_the_closing_confirmation_and_the_customer_timeline_of_messages(app):
    make_ticket(app, status="closed")
    kinds = [kind for kind, _t, _u in inbox_of(app, "customer@example.com")]
    assert kinds[0] == "ticket_registered" and kinds[-1] == "ticket_closed" and "engineer_assigned" in kinds


def test_a_breach_reaches_the_assignee_and_the_supervisors(app):
    make_ticket(app, status="assigned", priority="P1")
    with app.app_context():
        sweep(utcnow() + timedelta(days=3))
    assert "sla_breached" in [kind for kind, _t, _u in inbox_of(app, "engineer@example.com")]
    assert "sla_breached" in [kind for kind, _t, _u in inbox_of(app, "supervisor@example.com")]


def test_the_bell_counts_unread_in_one_cheap_request(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    engineer = login_as("engineer")
    bell = engineer.get("/inbox/count", headers={**EN, "HX-Request": "true"})
    assert bell.status_code == 200 and 'data-unread="1"' in bell.get_data(as_text=True)
    # SQLite's BEGIN, the sign-in session with its user, and the count.
    assert count_queries(app, engineer, "/inbox/count") <= 3
    page = engineer.get("/inbox", headers=EN).get_data(as_text=True)
    assert 'id="bell"' in page and 'hx-trigger="load, every 30s"' in page and "您有新工单" in page  # his language
    assert f'href="/m/jobs/{ticket_id}"' in page


def test_marking_read_is_for_the_reader_only(app, login_as):
    make_ticket(app, status="assigned")
    with app.app_context():
        item_id = db.session.scalar(db.select(InboxItem.id).where(InboxItem.kind == "new_assignment"))
    assert login_as("engineer2").post_form(f"/inbox/{item_id}/read").status_code == 404
    assert login_as("customer").post_form(f"/inbox/{item_id}/read").status_code == 404
    engineer = login_as("engineer")
    assert engineer.post_form(f"/inbox/{item_id}/read").status_code == 302
    assert inbox_of(app, "engineer@example.com")[0][2] is False
    assert 'data-unread' not in engineer.get("/inbox/count").get_data(as_text=True)
    customer = login_as("customer")
    assert customer.post_form("/inbox/read").status_code == 302
    assert all(not unread for _k, _t, unread in inbox_of(app, "customer@example.com"))


def test_the_bell_polling_is_not_activity(app, login_as):
    """An open tab polls the bell every 30 s; that must not keep an office session from its idle timeout."""
    agent = login_as("agent")
    with app.app_context():
        db.session.execute(db.update(UserSession).values(last_seen_at=utcnow() - timedelta(hours=2)))
        db.session.commit()
    agent.get("/inbox/count")
    with app.app_context():
        seen = db.session.scalar(db.select(UserSession.last_seen_at))
        assert utcnow() - (seen if seen.tzinfo else seen.replace(tzinfo=utcnow().tzinfo)) > timedelta(hours=1)
