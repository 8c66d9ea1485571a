"""E-mail replies come back: customer e-mails carry the ticket's signed reply address, and the periodic task reads
the reply mailbox (a fake IMAP server started here, spoken to by imaplib) onto the ticket and the desk's list,
once per message; a forged or unknown address reaches no ticket and its sender is not logged."""
import logging
from email.message import EmailMessage

import pytest

from portal.extensions import db, huey
from portal.models import FollowUpTask, InboundMail, Notification, Ticket, TicketEvent
from portal.services import mail_replies, mailer
from portal.tasks import replies as reply_task
from tests.web.factories import make_ticket
from tests.web.fake_imap import FakeImapServer, Mailbox

EN = {"Accept-Language": "en"}


@pytest.fixture
def mailbox(app):
    box = Mailbox()
    server = FakeImapServer(box)
    app.config.update(REPLY_ADDRESS="replies@service.example.com", IMAP_HOST="127.0.0.1", IMAP_PORT=server.port,
                      IMAP_SSL=False, IMAP_USER=box.user, IMAP_PASSWORD=box.password, IMAP_TIMEOUT=5)
    yield box
    server.stop()


def address(app, ticket_id: int) -> str:
    with app.test_request_context():
        return mail_replies.reply_address(ticket_id)


def reply(to: str, text: str, message_id: str, sender="zhang@customer.example.com", html=False,
          attachment=False, **headers) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"张经理 <{sender}>"
    mail["To"] = to
    mail["Subject"] = "Re: 服务进展 / Progress on your service request"
    mail["Message-ID"] = message_id
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    if html:
        mail.set_content("plain part ignored when html only")
        mail.make_alternative()
        mail.clear_content()
        mail.set_content(text, subtype="html")
    else:
        mail.set_content(text)
    if attachment:
        mail.add_attachment(b"\x89PNG fake", maintype="image", subtype="png", filename="photo.png")
    return bytes(mail)


def read(app):
    with app.app_context():
        return reply_task.read_mailbox()


def test_customer_email_about_a_ticket_carries_its_signed_reply_address(app, mail):
    app.config["REPLY_ADDRESS"] = "replies@service.example.com"
    ticket_id = make_ticket(app)
    with app.app_context():
        mailer.queue_notice(Notification(ticket_id=ticket_id, kind="progress_update", channel="email",
                                         recipient="zhang@customer.example.com", body="进展", status="queued"))
        db.session.commit()
        mailer.queue_mail("login_link", "zhang@customer.example.com", "link")  # no ticket: no reply address
        db.session.commit()
    progress, sign_in = mail.sent[-2:]
    expected = address(app, ticket_id)
    assert progress["Reply-To"] == expected and expected.startswith(f"replies+t{ticket_id}-")
    assert expected.endswith("@service.example.com") and sign_in["Reply-To"] is None
    with app.test_request_context():
        assert mail_replies.ticket_id_from([expected]) == ticket_id
        assert mail_replies.ticket_id_from([expected.upper()]) == ticket_id  # servers may fold the case
        forged = expected.replace(f"+t{ticket_id}-", f"+t{ticket_id + 1}-")
        assert mail_replies.ticket_id_from([forged]) is None
        assert mail_replies.ticket_id_from(["replies@service.example.com", "x+t1-zz@y"]) is None


def test_without_a_reply_address_setting_no_reply_to(app, mail):
    ticket_id = make_ticket(app)
    with app.app_context():
        mailer.queue_notice(Notification(ticket_id=ticket_id, kind="progress_update", channel="email",
                                         recipient="zhang@customer.example.com", body="进展", status="queued"))
        db.session.commit()
    assert mail.sent[-1]["Reply-To"] is None


def test_replies_land_on_their_ticket_and_the_desks_list_once(app, mailbox, login_as, caplog):
    ticket_id = make_ticket(app, status="in_progress")
    to = address(app, ticket_id)
    quoted = ("明天上午有人在，请九点后来。\n\nOn Mon, 30 Nov 2026 at 10:00, Service <replies@service.example.com>\n"
              "wrote:\n> 服务进展：主控板已订货\n")
    mailbox.add(reply(to, quoted, "<r1@customer.example.com>", attachment=True))
    mailbox.add(reply(to, quoted, "<r1@customer.example.com>"))  # the same message delivered twice
    forged = f"replies+t{ticket_id}-{'0' * 20}@service.example.com"  # a guessed hash
    mailbox.add(reply(forged, "伪造的回复", "<f1@evil.example.com>", sender="mallory@evil.example.com"))
    mailbox.add(reply("replies@service.example.com", "没有工单号", "<n1@x.example.com>",
                      sender="stranger@elsewhere.example.com"))
    mailbox.add(reply(to, "I am out of the office", "<auto@customer.example.com>", Auto_Submitted="auto-replied"))
    with caplog.at_level(logging.WARNING):
        counts = read(app)
    assert counts == {"recorded": 1, "seen": 1, "unknown": 2, "automatic": 1}
    assert sorted(mailbox.seen()) == [mail.uid for mail in mailbox.mails]  # every message marked \Seen
    assert "mallory" not in caplog.text and "stranger" not in caplog.text and "伪造" not in caplog.text
    assert "without a valid reply address" in caplog.text
    with app.app_context():
        events = db.session.scalars(db.select(TicketEvent).where(TicketEvent.kind == "customer_message")).all()
        assert [(e.ticket_id, e.body, e.data["via"], e.data.get("attachments_ignored")) for e in events] == [
            (ticket_id, "明天上午有人在，请九点后来。", "email", 1)]
        assert events[0].actor_id is None and events[0].customer_visible  # a contact without an account
        task = db.session.scalar(db.select(FollowUpTask).where(FollowUpTask.kind == "reply"))
        assert task.ticket_id == ticket_id and task.note == "明天上午有人在，请九点后来。"
        outcomes = db.session.scalars(db.select(InboundMail.outcome).order_by(InboundMail.id)).all()
        assert outcomes == ["recorded", "unknown", "unknown", "automatic"]
    # Read again (a new message arrives meanwhile; the old ones are \Seen): only the new one.
    mailbox.mails[0].flags.clear()  # even a message someone marked unread again is not recorded twice
    mailbox.add(reply(to, "<p>好的，<b>谢谢</b></p><blockquote>quoted</blockquote>", "<r2@customer.example.com>",
                      html=True))
    assert read(app) == {"seen": 1, "recorded": 1}
    with app.app_context():
        bodies = db.session.scalars(db.select(TicketEvent.body).where(TicketEvent.kind == "customer_message")
                                    .order_by(TicketEvent.id)).all()
        assert bodies == ["明天上午有人在，请九点后来。", "好的，谢谢"]
    desk = login_as("supervisor")
    page = desk.client.get("/desk/tasks", headers=EN).get_data(as_text=True)
    assert "明天上午有人在" in page and "好的，谢谢" in page and "伪造" not in page


def test_a_reply_from_the_customers_account_is_theirs_and_answers_the_open_question(app, mailbox):
    from portal.models import User
    from portal.services import selfservice
    ticket_id = make_ticket(app, status="in_progress")
    with app.test_request_context():
        user = db.session.scalar(db.select(User).where(User.email == "customer@example.com"))
        ticket = db.session.get(Ticket, ticket_id)
        engineer = db.session.scalar(db.select(User).where(User.email == "agent@example.com"))
        selfservice.ask_customer(ticket, engineer, question="机器序列号是多少？")
        db.session.commit()
        customer_email, user_id = user.email, user.id
    mailbox.add(reply(address(app, ticket_id), "SN-778899\n\n-- \n张经理\n13812345678", "<q1@c.example.com>",
                      sender=customer_email.upper()))
    assert read(app) == {"recorded": 1}
    with app.app_context():
        answer = db.session.scalar(db.select(TicketEvent).where(TicketEvent.kind == selfservice.ANSWER))
        assert answer.body == "SN-778899" and answer.actor_id == user_id and answer.data["via"] == "email"


def test_a_mailbox_that_refuses_or_is_not_there_loses_nothing(app, mailbox, caplog):
    ticket_id = make_ticket(app)
    mailbox.add(reply(address(app, ticket_id), "你好", "<w1@c.example.com>"))
    app.config["IMAP_PASSWORD"] = "wrong"  # noqa: S105
    assert read(app) is None and mailbox.seen() == []
    app.config["IMAP_PASSWORD"] = mailbox.password
    app.config["IMAP_PORT"] = 1  # nothing listens there
    assert read(app) is None and mailbox.seen() == []
    app.config["IMAP_HOST"] = None  # off: not even tried
    assert read(app) is None
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(InboundMail)) == 0


def test_the_mailbox_is_read_by_a_periodic_task():
    assert "read_mailbox_every_minute" in {task.__name__ for task in huey._registry._periodic_tasks}


@pytest.mark.parametrize(("text", "kept"), [
    ("好的\n\n在 2026年11月30日 10:00，服务中心 写道：\n> 进展", "好的"),
    ("OK then\n\n-----Original Message-----\nFrom: Service\nSent: Monday", "OK then"),
    ("Fine\nFrom: Service <replies@x>\nSent: today", "Fine"),
    ("line one\n> quoted\nline two", "line one\nline two"),
    ("Thanks\n-- \nZhang\n138 1234 5678", "Thanks"),
    ("On Monday the machine stopped again.", "On Monday the machine stopped again."),
])
def test_quoted_text_and_signatures_are_cut(text, kept):
    assert mail_replies.strip_quoted(text) == kept
