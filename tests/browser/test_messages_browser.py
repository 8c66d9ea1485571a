"""Messages followed in Chromium from the actions that cause them: the engineer taps "On my way" on the phone's
job page; the admin reads it on the outbox page of the log provider (what the text-message provider would have
been given); the customer's bell counts it and the inbox shows it, with the engineer's name. Then one ticket from
registration to the survey invitation: every message in order on the outbox page (with the admin's provider
template) and in the customer's inbox, and the customer's e-mail reply read from the mailbox onto the desk's list."""
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage

import pytest

from portal.domain.time import as_utc
from portal.extensions import db
from portal.models import Ticket, User
from portal.services import acceptance, callbacks, dispatch, fieldwork, mail_replies, tickets
from portal.tasks import replies as reply_task
from tests.browser.conftest import sign_in
from tests.conftest import signature_png
from tests.web.factories import make_ticket, photo
from tests.web.fake_imap import FakeImapServer, Mailbox
from tests.web.test_golden_path import register

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def test_on_my_way_reaches_the_outbox_and_the_customers_inbox(app, phone, artifacts):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    with app.app_context():
        number = db.session.get(Ticket, ticket_id).number
    engineer = sign_in(phone(), "engineer@example.com", "engineer-demo")
    engineer.goto(f"/m/jobs/{ticket_id}")
    engineer.locator("select[name=eta_minutes]").select_option("30")
    engineer.get_by_role("button", name="我已出发").click()
    expect(engineer.locator("#on-the-way")).to_contain_text("已出发")
    engineer.screenshot(path=artifacts / "job-on-my-way.png", full_page=True)

    admin = sign_in(phone(), "admin@example.com", "admin-demo")
    admin.goto("/desk/admin/outbox")
    body = admin.locator("main")
    expect(body).to_contain_text("engineer_on_the_way")
    expect(body).to_contain_text(number)
    expect(body).to_contain_text("陈工")
    admin.screenshot(path=artifacts / "outbox-on-my-way.png", full_page=True)

    customer = sign_in(phone(), "customer@example.com", "customer-demo")
    bell = customer.locator("#bell")
    expect(bell.locator("[data-unread]")).to_be_visible()
    before = int(bell.locator("[data-unread]").get_attribute("data-unread"))
    assert before >= 2  # registered, engineer assigned, on the way
    bell.click()
    inbox = customer.locator("main")
    expect(inbox).to_contain_text("已出发")
    expect(inbox).to_contain_text(number)
    first = inbox.locator("li, article").filter(has_text="已出发").first
    expect(first).to_contain_text("陈工")
    customer.screenshot(path=artifacts / "inbox-on-my-way.png", full_page=True)


# Every customer message of one ticket, in the order they are written (issue 12's "Done when").
IN_ORDER = ["ticket_registered", "engineer_assigned", "visit_booked", "engineer_on_the_way", "progress_update",
            "ticket_resolved", "ticket_closed", "survey_invitation"]


def _as(app, email):
    return db.session.scalar(db.select(User).where(User.email == email))


def test_one_ticket_s_messages_in_order_on_the_outbox_and_in_the_inbox_and_a_reply_comes_back(app, phone, artifacts,
                                                                                            login_as):
    admin = sign_in(phone(), "admin@example.com", "admin-demo")
    # The provider's approved template for "engineer assigned", mapped by the admin.
    admin.goto("/desk/admin/provider-templates/sms/engineer_assigned")
    admin.locator("[name=template_id]").fill("SMS_ASSIGN_1")
    admin.locator("[name=variables]").fill("name={engineer}\nno={number}")
    admin.locator("main form button[type=submit]").click()
    expect(admin.locator("#provider-templates")).to_contain_text("SMS_ASSIGN_1")

    ticket_id = register(app, login_as("agent"), channel="walk_in").id  # the desk's intake form
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        number = ticket.number
        tickets.triage(ticket, _as(app, "agent@example.com"), category="fault_repair", priority="P3",
                       reason="屏幕黑屏", version=None)
        dispatch.assign_slot(ticket, _as(app, "supervisor@example.com"), engineer=_as(app, "engineer@example.com"),
                             day=date.today() + timedelta(days=1), slot=time(14, 0), version=None)
        db.session.commit()
    engineer = sign_in(phone(), "engineer@example.com", "engineer-demo")
    engineer.goto(f"/m/jobs/{ticket_id}")
    engineer.locator("select[name=eta_minutes]").select_option("30")
    engineer.get_by_role("button", name="我已出发").click()
    expect(engineer.locator("#on-the-way")).to_contain_text("已出发")
    with app.test_request_context():
        ticket, eng = db.session.get(Ticket, ticket_id), _as(app, "engineer@example.com")
        fieldwork.update_customer(ticket, eng, message="主控板已订货，预计周三到货")
        db.session.commit()
        fieldwork.record_arrival(ticket, eng)
        fieldwork.record_inspection(ticket, eng, findings="主控板电容鼓包", photos=[photo("board.jpg")])
        fieldwork.record_work(ticket, eng, work_done="更换主控板", labour_minutes=40, parts=[],
                              today=datetime.now(UTC).date())
        fieldwork.hand_over(ticket, eng)
        db.session.commit()
        acceptance.accept_work(ticket, eng, acceptance.Signing(
            signer_name="张伟", signature_png=signature_png(), client_signed_at=datetime.now(UTC),
            shown_summary_sha256=acceptance.summary_hash(ticket), functional_check="开机测试正常",
            customer_verification="观察一小时无故障", rating=5, user_agent="pytest", ip_address="127.0.0.1"))
        db.session.commit()
        assert callbacks.follow_up(ticket, None, as_utc(ticket.closed_at) + timedelta(minutes=5)) == "invite"
        db.session.commit()

    admin.goto("/desk/admin/outbox")
    mine = admin.locator("article.mail").filter(has_text=number)
    kinds = [kind for kind in mine.evaluate_all("nodes => nodes.map(n => n.dataset.kind)")]
    assert list(reversed(kinds)) == IN_ORDER, kinds  # the page shows the newest first
    assigned = admin.locator("article.mail[data-kind=engineer_assigned]").filter(has_text=number)
    expect(assigned).to_contain_text("SMS_ASSIGN_1")
    expect(assigned).to_contain_text("name = 陈工")
    admin.screenshot(path=artifacts / "outbox-one-ticket.png", full_page=True)

    customer = sign_in(phone(), "customer@example.com", "customer-demo")
    customer.locator("#bell").click()
    items = customer.locator("#inbox li").filter(has_text=number)
    kinds = items.evaluate_all("nodes => nodes.map(n => n.dataset.kind)")
    assert list(reversed(kinds)) == IN_ORDER
    expect(items.filter(has_text="主控板已订货").first).to_be_visible()
    customer.screenshot(path=artifacts / "inbox-one-ticket.png", full_page=True)

    # The customer answers the progress e-mail: the reply is read from the mailbox onto the desk's list.
    box = Mailbox()
    server = FakeImapServer(box)
    try:
        app.config.update(REPLY_ADDRESS="replies@service.example.com", IMAP_HOST="127.0.0.1", IMAP_PORT=server.port,
                          IMAP_SSL=False, IMAP_USER=box.user, IMAP_PASSWORD=box.password)
        with app.test_request_context():
            to = mail_replies.reply_address(ticket_id)
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Message-ID"] = "zhang@customer.example.com", to, "<r@customer.example.com>"
        mail["Subject"] = "Re: 服务进展"
        mail.set_content("周三上午有人在，谢谢。\n\n> 主控板已订货，预计周三到货\n")
        box.add(bytes(mail))
        with app.app_context():
            assert reply_task.read_mailbox() == {"recorded": 1}
    finally:
        server.stop()
        app.config.update(REPLY_ADDRESS=None, IMAP_HOST=None)
    supervisor = sign_in(phone(), "supervisor@example.com", "supervisor-demo")
    supervisor.goto("/desk/tasks")
    expect(supervisor.locator("main")).to_contain_text("周三上午有人在，谢谢。")
    expect(supervisor.locator("main")).not_to_contain_text("> 主控板已订货")
    supervisor.screenshot(path=artifacts / "desk-email-reply.png", full_page=True)
