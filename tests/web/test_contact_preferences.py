"""Message preferences of a contact without a portal account: set by the desk on the customer's page, or by the
contact through the signed link at the end of each ticket e-mail (no sign-in, the token swapped for a session
mark); delivery to that contact follows them."""

from portal.extensions import db
from portal.models import Contact, ContactPreference, Notification, SecurityEvent, Ticket, User
from portal.services import fieldwork, mailer, preferences
from tests.conftest import WebClient
from tests.web.factories import make_ticket
from tests.web.test_message_preferences import all_day_quiet

EN = {"Accept-Language": "en"}


def contact_on_ticket(app, ticket_id) -> tuple[int, int]:
    """A new contact without an account, made the ticket's contact: (customer id, contact id)."""
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        contact = Contact(customer_id=ticket.customer_id, name="李工", phone="13900001111",
                          email="li.gong@customer.example.com")
        db.session.add(contact)
        db.session.flush()
        ticket.contact_id, ticket.contact_phone = contact.id, contact.phone
        db.session.commit()
        return ticket.customer_id, contact.id


def update(app, ticket_id, text="备件已到货"):
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        engineer = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        fieldwork.update_customer(ticket, engineer, message=text)
        db.session.commit()


def progress_notices(app):
    with app.app_context():
        return [(n.channel, n.recipient, n.held_until is not None) for n in db.session.scalars(
            db.select(Notification).where(Notification.kind == "progress_update").order_by(Notification.id))]


def test_the_desk_sets_a_contacts_preferences_and_delivery_follows_them(app, login_as):
    ticket_id = make_ticket(app, status="in_progress", priority="P3")
    customer_id, contact_id = contact_on_ticket(app, ticket_id)
    agent = login_as("agent")
    page = agent.get(f"/desk/customers/{customer_id}", headers=EN).get_data(as_text=True)
    url = f"/desk/customers/{customer_id}/contacts/{contact_id}/messages"
    assert f'href="{url}"' in page
    form = agent.get(url, headers=EN).get_data(as_text=True)
    assert "李工" in form and "Where each message goes" in form
    incomplete = agent.post_form(url, {"quiet": "own", "quiet_from": "21:00"}, headers=EN)
    assert incomplete.status_code == 422 and "Give the start and the end" in incomplete.get_data(as_text=True)
    assert agent.post_form(url, {"quiet": "default", "channels-progress_update": "email"}).status_code == 302
    desk_id = agent_id(app)
    with app.app_context():
        row = db.session.get(ContactPreference, contact_id)
        assert row.channels == {"progress_update": "email"} and not row.opted_out
        event = db.session.scalar(db.select(SecurityEvent).where(SecurityEvent.kind == "message_preferences_changed"))
        assert event.actor_id == desk_id and event.detail["contact"] == contact_id
        assert event.detail["via"] == "desk"
    update(app, ticket_id)
    assert progress_notices(app) == [("email", "li.gong@customer.example.com", False)]
    # Opted out: nothing outside the portal. Quiet hours: held.
    assert agent.post_form(url, {"quiet": "default", "opted_out": "y"}).status_code == 302
    update(app, ticket_id, "第二次进展")
    assert len(progress_notices(app)) == 1
    start, end = all_day_quiet(app).split("-")
    assert agent.post_form(url, {"quiet": "own", "quiet_from": start, "quiet_until": end}).status_code == 302
    update(app, ticket_id, "第三次进展")
    assert progress_notices(app)[-1] == ("sms", "13900001111", True)


def agent_id(app):
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == "agent@example.com"))


def test_contact_pages_are_for_the_desk_and_the_contact_of_the_customer(app, login_as):
    ticket_id = make_ticket(app)
    customer_id, contact_id = contact_on_ticket(app, ticket_id)
    url = f"/desk/customers/{customer_id}/contacts/{contact_id}/messages"
    for role in ("engineer", "customer", "backoffice"):
        assert login_as(role).get(url).status_code == 403
    assert login_as("agent").get(f"/desk/customers/{customer_id + 1000}/contacts/{contact_id}/messages"
                                 ).status_code == 404


def test_ticket_emails_carry_the_contacts_link_which_opens_without_signing_in(app, mail):
    ticket_id = make_ticket(app, status="in_progress")
    _customer_id, contact_id = contact_on_ticket(app, ticket_id)
    with app.app_context():
        mailer.queue_notice(Notification(ticket_id=ticket_id, kind="progress_update", channel="email",
                                         recipient="li.gong@customer.example.com", body="进展", status="queued"))
        db.session.commit()
    sent = mail.sent[-1]
    link = sent["List-Unsubscribe"].strip("<>")
    assert link in sent.get_content() and "Message preferences or unsubscribe" in sent.get_content()
    path = link[link.index("/messages/p/"):]
    visitor = WebClient(app.test_client())
    opened = visitor.client.get(path)
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/messages/preferences")
    page = visitor.client.get("/messages/preferences", headers=EN).get_data(as_text=True)
    assert "李工" in page and "Where each message goes" in page
    token = page[page.index('name="csrf_token"'):].split('value="', 1)[1].split('"', 1)[0]
    saved = visitor.client.post("/messages/preferences", data={"csrf_token": token, "quiet": "none",
                                                               "opted_out": "y"})
    assert saved.status_code == 302, saved.get_data(as_text=True)[-3000:]
    with app.app_context():
        row = db.session.get(ContactPreference, contact_id)
        assert row.opted_out and row.quiet_hours == ""
        event = db.session.scalar(db.select(SecurityEvent).where(SecurityEvent.kind == "message_preferences_changed"))
        assert event.detail["via"] == "link" and event.actor_id is None and event.user_id is None
    # A link never leads to another contact's page; no link, no page.
    assert visitor.client.get(path[:-2] + "xx").status_code == 410
    assert WebClient(app.test_client()).client.get("/messages/preferences").status_code == 410
    with app.test_request_context():
        other = preferences.contact_token(contact_id + 1)
    assert other != path.rsplit("/", 1)[1]


def test_a_deactivated_contacts_link_is_gone_and_sign_in_mail_has_no_link(app, mail):
    ticket_id = make_ticket(app)
    _customer_id, contact_id = contact_on_ticket(app, ticket_id)
    with app.test_request_context():
        link = preferences.contact_link(contact_id)
        db.session.get(Contact, contact_id).active = False
        db.session.commit()
        mailer.queue_mail("login_link", "li.gong@customer.example.com", "link")
        db.session.commit()
    assert mail.sent[-1]["List-Unsubscribe"] is None
    assert WebClient(app.test_client()).client.get(link[link.index("/messages/p/"):]).status_code == 410
