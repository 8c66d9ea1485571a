"""Customer accounts: invitations, passwordless links, the e-mail sender, tracking a ticket, the profile."""
import json
import re
import smtplib
from datetime import UTC, timedelta

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import (
    AccessToken,
    Contact,
    Customer,
    CustomerAddress,
    Notification,
    OutgoingMail,
    QueuedTask,
    Ticket,
    User,
)
from portal.services import mailer
from portal.tasks import queue
from tests.conftest import WebClient
from tests.web.factories import make_closed_ticket, make_ticket

EN = {"Accept-Language": "en"}
LINK_RE = re.compile(r"/account/(invite|login)/([A-Za-z0-9_\-]+)")


def link_in(message) -> str:
    match = LINK_RE.search(message.get_content())
    assert match, message.get_content()
    return match.group(0)


def open_link(web, link) -> str:
    """Open an e-mailed link: the token is exchanged for a session marker and the browser moves on to a URL
    without it, which is returned."""
    response = web.get(link)
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def _customer(name):
    return db.session.scalar(db.select(Customer).where(Customer.name == name))


def _contact(name):
    return db.session.scalar(db.select(Contact).where(Contact.name == name))


def _user(email):
    return db.session.scalar(db.select(User).where(User.email == email))


def anonymous(app) -> WebClient:
    return WebClient(app.test_client())


# --- invitations -----------------------------------------------------------------------------------------------

def invite(app, login_as, contact_name="孙工"):
    with app.app_context():
        contact = _contact(contact_name)
        url = f"/desk/customers/{contact.customer_id}/contacts/{contact.id}/invite"
    response = login_as("agent").post_form(url, {})
    response.close()
    return response


def test_desk_customer_page_lists_contacts_with_an_invite_button(app, login_as):
    with app.app_context():
        company_id = _customer("华东精密制造有限公司").id
    page = login_as("backoffice").get(f"/desk/customers/{company_id}", headers=EN).get_data(as_text=True)
    assert "孙工" in page and "张经理" in page and page.count("Invite") >= 1
    assert login_as("customer").get(f"/desk/customers/{company_id}").status_code == 403
    assert login_as("agent").get("/desk/customers/999999").status_code == 404


def test_invitation_end_to_end(app, login_as, mail):
    response = invite(app, login_as)
    assert response.status_code == 302
    assert len(mail.sent) == 1 and mail.sent[0]["To"] == "sun@example.com"
    link = link_in(mail.sent[0])
    with app.app_context():
        user, contact = _user("sun@example.com"), _contact("孙工")
        assert user.role == "customer" and user.customer_id == contact.customer_id and user.contact_id == contact.id
        token = db.session.scalar(db.select(AccessToken).where(AccessToken.user_id == user.id))
        assert token.kind == "invite" and token.token_sha256 not in link
        assert timedelta(days=6) < token.expires_at.replace(tzinfo=UTC) - utcnow() <= timedelta(days=7)
    # Nobody can sign in meanwhile: the login has no usable password.
    with app.app_context():
        hash_ = _user("sun@example.com").password_hash
        assert hash_.startswith("!") and not _user("sun@example.com").check_password(hash_)
    web = anonymous(app)
    form = open_link(web, link)
    assert form == "/account/invite/continue" and web.get(form).status_code == 200
    short = web.post_form(form, {"password": "short", "confirm": "short"}, headers=EN)
    assert short.status_code == 422 and "at least 10" in short.get_data(as_text=True)
    differ = web.post_form(form, {"password": "long-enough-1", "confirm": "long-enough-2"})
    assert differ.status_code == 422
    done = web.post_form(form, {"password": "long-enough-1", "confirm": "long-enough-1"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/my/tickets")
    assert web.get("/my/tickets").status_code == 200
    # The link works once; the password works for the normal sign-in.
    again = anonymous(app)
    assert again.get(link).status_code == 410
    again.login("sun@example.com", "long-enough-1")
    assert again.get("/my/profile").status_code == 200


def test_invitation_link_expires_and_a_new_one_replaces_the_old(app, login_as, mail):
    invite(app, login_as)
    first = link_in(mail.sent[0])
    invite(app, login_as)
    second = link_in(mail.sent[1])
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id)).where(User.email == "sun@example.com")) == 1
    web = anonymous(app)
    assert web.get(first).status_code == 410
    form = open_link(web, second)  # opened in time, sent too late
    with app.app_context():
        db.session.execute(db.update(AccessToken).where(AccessToken.used_at.is_(None))
                           .values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    assert web.get(second).status_code == 410
    assert web.get(form).status_code == 410
    assert web.post_form(form, {"password": "long-enough-1", "confirm": "long-enough-1"}).status_code == 410


def test_invitation_refused_for_a_staff_address_and_a_contact_of_another_customer(app, login_as, mail):
    with app.app_context():
        company = _customer("华东精密制造有限公司")
        staff_contact = Contact(customer_id=company.id, name="Agent twin", email="agent@example.com")
        db.session.add(staff_contact)
        db.session.commit()
        zhou = _contact("周敏")
        url = f"/desk/customers/{company.id}/contacts/{staff_contact.id}/invite"
        foreign = f"/desk/customers/{company.id}/contacts/{zhou.id}/invite"
    agent = login_as("agent")
    assert agent.post_form(url, {}).status_code == 409
    assert agent.post_form(foreign, {}).status_code == 404
    assert mail.sent == []
    with app.app_context():
        assert _user("agent@example.com").role == "agent"


# --- passwordless sign-in ----------------------------------------------------------------------------------------

def ask_link(app, email):
    web = anonymous(app)
    response = web.post_form("/account/login-link", {"email": email}, headers=EN)
    response.close()
    assert response.status_code == 302
    return web.get("/login", headers=EN).get_data(as_text=True)


def _flash(page):
    return re.search(r'<p class="flash[^>]*>(.*?)</p>', page, re.S).group(1)


def test_login_link_same_answer_for_known_unknown_and_staff(app, mail):
    known = ask_link(app, "zhou.min@example.com")
    unknown = ask_link(app, "nobody@example.com")
    staff = ask_link(app, "agent@example.com")
    assert "sign-in link is on its way" in _flash(known)
    assert _flash(known) == _flash(unknown) == _flash(staff)
    assert [m["To"] for m in mail.sent] == ["zhou.min@example.com"]
    with app.app_context():
        staff_id = _user("agent@example.com").id
        assert not db.session.scalar(db.select(AccessToken.id).where(AccessToken.user_id == staff_id))
        assert _user("nobody@example.com") is None


def test_login_link_signs_in_once(app, mail):
    ask_link(app, "zhou.min@example.com")
    link = link_in(mail.sent[0])
    assert "/account/login/" in link
    web = anonymous(app)
    form = open_link(web, link)
    assert form == "/account/login/continue"
    assert web.get(form).status_code == 200  # a page with a button: mail scanners do not spend the link
    signed = web.post_form(form, {})
    assert signed.status_code == 302 and signed.headers["Location"].endswith("/my/tickets")
    assert web.get("/my/profile").status_code == 200
    other = anonymous(app)
    assert other.get(link).status_code == 410
    assert other.get(form).status_code == 410 and other.post_form(form, {}).status_code == 410
    assert other.get("/my/profile").status_code == 302


def test_login_link_for_a_contact_without_account_creates_the_customer_login(app, mail):
    ask_link(app, "SUN@example.com")
    assert [m["To"] for m in mail.sent] == ["sun@example.com"]
    with app.app_context():
        user, contact = _user("sun@example.com"), _contact("孙工")
        assert user.role == "customer" and user.customer_id == contact.customer_id and user.contact_id == contact.id


def test_expired_login_link_is_refused(app, mail):
    ask_link(app, "zhou.min@example.com")
    link = link_in(mail.sent[0])
    with app.app_context():
        token = db.session.scalar(db.select(AccessToken).where(AccessToken.kind == "login"))
        assert token.expires_at.replace(tzinfo=UTC) - utcnow() <= timedelta(minutes=30)
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    web = anonymous(app)
    assert web.get(link).status_code == 410
    assert web.post_form("/account/login/continue", {}).status_code == 410


def test_login_link_requests_are_rate_limited(app, mail):
    web = anonymous(app)
    for _ in range(5):
        assert web.post_form("/account/login-link", {"email": "nobody@example.com"}).status_code == 302
    limited = web.post_form("/account/login-link", {"email": "zhou.min@example.com"}, headers=EN)
    limited.close()
    assert limited.status_code == 429 and "Too many tries" in limited.get_data(as_text=True)
    assert mail.sent == []


def test_login_link_requests_are_rate_limited_per_email_address(app, mail):
    web = anonymous(app)

    def ask(email, ip):
        response = web.post_form("/account/login-link", {"email": email}, headers=EN,
                                 environ_base={"REMOTE_ADDR": ip})
        response.close()
        return response

    # From five addresses, in any spelling of the same address: then that mailbox gets no more for now.
    for i, spelling in enumerate(["zhou.min@example.com", " Zhou.Min@example.com", "ZHOU.MIN@EXAMPLE.COM ",
                                  "zhou.min@example.com", "zhou.min@example.com"]):
        assert ask(spelling, f"10.4.0.{i}").status_code == 302
    limited = ask("zhou.min@example.com", "10.5.0.1")
    assert limited.status_code == 429 and "Too many tries" in limited.get_data(as_text=True)
    assert len(mail.sent) == 5
    assert ask("customer@example.com", "10.5.0.2").status_code == 302


def test_without_mail_server_the_answer_is_the_same_and_nothing_breaks(app):
    page = ask_link(app, "zhou.min@example.com")
    assert "sign-in link is on its way" in _flash(page)


# --- the e-mail sender -------------------------------------------------------------------------------------------

def _queue(app, channel="email", recipient="zhang@example.com", body="您的服务请求已登记 SR-TEST", ticket_id=None,
           kind="ticket_registered"):
    """A message queued the way the services queue it: its task runs once the transaction commits."""
    ticket_id = ticket_id or make_ticket(app)
    with app.app_context():
        notice = mailer.queue_notice(Notification(ticket_id=ticket_id, kind=kind, channel=channel,
                                                  recipient=recipient, body=body, status="queued"))
        db.session.commit()
        return notice.id


def _status(app, notice_id):
    with app.app_context():
        return db.session.get(Notification, notice_id).status


def test_without_mail_server_a_message_is_kept_on_the_page_of_unsent_mail(app):
    notice_id = _queue(app)
    assert _status(app, notice_id) == "kept"
    with app.app_context():
        assert db.session.scalar(db.select(OutgoingMail.body).order_by(OutgoingMail.id.desc())) == \
            "您的服务请求已登记 SR-TEST"


def test_the_queue_delivers_email_once_and_marks_it(app, mail, caplog):
    sent_id = _queue(app)
    ticket_id = _ticket_of(app, sent_id)
    mail.refuse = {"gone@example.com"}
    refused_id = _queue(app, recipient="gone@example.com", body="秘密 body", ticket_id=ticket_id)
    assert [m["To"] for m in mail.sent] == ["zhang@example.com"]
    assert "SR-TEST" in mail.sent[0].get_content() and mail.sent[0]["From"] == "service@example.com"
    with app.app_context():
        assert db.session.get(Notification, sent_id).status == "sent"
        assert db.session.get(Notification, sent_id).sent_at is not None
        assert db.session.get(Notification, refused_id).status == "failed"
        tasks = db.session.scalars(db.select(QueuedTask).order_by(QueuedTask.id)).all()
        assert [(t.kind, t.state) for t in tasks] == [("deliver_message", "done")] * 2
        # Running the task again sends nothing again.
        assert queue.run(tasks[0].id) is False
        queue.HANDLERS["deliver_message"](sent_id)
    assert "gone@example.com" not in caplog.text and "秘密" not in caplog.text
    assert len(mail.sent) == 1


def test_a_mail_server_that_does_not_answer_is_tried_again_later(app, mail, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(smtplib, "SMTP", down)
    notice_id = _queue(app)
    assert _status(app, notice_id) == "queued"
    with app.app_context():
        task = db.session.scalar(db.select(QueuedTask))
        assert (task.state, task.attempts) == ("pending", 1) and "ConnectionRefusedError" in task.last_error
        monkeypatch.setattr(smtplib, "SMTP", mail)
        task.run_after = None
        db.session.commit()
        assert queue.run(task.id) is True
    assert _status(app, notice_id) == "sent" and len(mail.sent) == 1


def test_sign_in_links_are_wiped_from_the_row_once_sent(app, mail):
    ask_link(app, "zhou.min@example.com")
    assert len(mail.sent) == 1 and "/account/login/" in mail.sent[0].get_content()
    with app.app_context():
        notice = db.session.scalar(db.select(Notification).where(Notification.kind == "login_link"))
        assert (notice.status, notice.ticket_id, notice.body) == ("sent", None, "—")


def _ticket_of(app, notice_id):
    with app.app_context():
        return db.session.get(Notification, notice_id).ticket_id


# --- track a ticket ----------------------------------------------------------------------------------------------

def _number(app, ticket_id):
    with app.app_context():
        return db.session.get(Ticket, ticket_id).number


def track(web, number, digits, ip="10.0.0.1"):
    return web.post_form("/track", {"number": number, "phone_last4": digits}, headers=EN,
                         environ_base={"REMOTE_ADDR": ip})


def test_track_a_ticket_shows_status_and_visible_timeline_only(app):
    ticket_id = make_ticket(app, status="in_progress")
    number = _number(app, ticket_id)
    web = anonymous(app)
    assert web.get("/track").status_code == 200
    page = track(web, number.lower(), "5678")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and number in text
    assert "138****5678" in text and "13812345678" not in text
    assert "production line stopped" not in text and "主控板电容鼓包" not in text  # internal
    assert "张经理" not in text and "黑屏" not in text  # no other data


def test_track_mismatch_and_unknown_number_get_the_same_neutral_answer(app):
    number = _number(app, make_ticket(app))
    web = anonymous(app)
    wrong = track(web, number, "0000")
    unknown = track(web, "SR209901010001", "5678")
    assert wrong.status_code == unknown.status_code == 404
    message = "No ticket matches this number and these digits."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert number not in wrong.get_data(as_text=True).replace(f'value="{number}"', "")
    bad = track(web, number, "12a")
    assert bad.status_code == 422 and f'value="{number}"' in bad.get_data(as_text=True)


def test_track_is_rate_limited_per_address_and_per_ticket_number(app):
    number = _number(app, make_ticket(app))
    web = anonymous(app)
    for i in range(5):
        assert track(web, f"SR20990101000{i}", "1111").status_code == 404
    limited = track(web, number, "5678")
    assert limited.status_code == 429 and "Too many tries" in limited.get_data(as_text=True)
    # The same number from many addresses is limited too.
    second = _number(app, make_ticket(app))
    for i in range(5):
        assert track(web, second, "0000", ip=f"10.1.0.{i}").status_code == 404
    assert track(web, second, "5678", ip="10.2.0.1").status_code == 429
    assert track(web, _number(app, make_ticket(app)), "5678", ip="10.3.0.1").status_code == 200


# --- profile and privacy ----------------------------------------------------------------------------------------

def test_profile_masks_other_contacts_and_lists_addresses_and_products(app, login_as):
    page = login_as("customer").get("/my/profile", headers=EN).get_data(as_text=True)
    assert "13812345678" in page and "zhang@example.com" in page  # their own contact
    assert "13987654321" not in page and "sun@example.com" not in page
    assert "139****4321" in page and "s***@example.com" in page
    assert "ABC2000-SN0001" in page and "苏州工业园区星湖街 328 号" in page
    assert "WM800-SN5001" not in page and "漕溪北路" not in page  # 周敏's
    assert 'href="/my/profile"' in page


def test_address_add_edit_default_delete(app, login_as):
    web = login_as("customer")
    empty = web.post_form("/my/profile/addresses", {"label": "二号工厂", "address": ""})
    assert empty.status_code == 422 and 'value="二号工厂"' in empty.get_data(as_text=True)
    added = web.post_form("/my/profile/addresses", {"label": "二号工厂", "address": "苏州市吴中区 1 号"})
    assert added.status_code == 302
    with app.app_context():
        company_id = _customer("华东精密制造有限公司").id
        new = db.session.scalar(db.select(CustomerAddress).where(CustomerAddress.label == "二号工厂"))
        assert new.customer_id == company_id and not new.is_default
        new_id = new.id
    assert web.get(f"/my/profile/addresses/{new_id}").status_code == 200
    assert web.post_form(f"/my/profile/addresses/{new_id}",
                         {"label": "二号工厂", "address": "苏州市吴中区 2 号"}).status_code == 302
    assert web.post_form(f"/my/profile/addresses/{new_id}/default", {}).status_code == 302
    with app.app_context():
        rows = db.session.scalars(db.select(CustomerAddress).where(CustomerAddress.customer_id == company_id)).all()
        assert [(a.address, a.is_default) for a in rows if a.id == new_id] == [("苏州市吴中区 2 号", True)]
        assert sum(a.is_default for a in rows) == 1
    assert web.post_form(f"/my/profile/addresses/{new_id}/delete", {}).status_code == 302
    with app.app_context():
        rows = db.session.scalars(db.select(CustomerAddress).where(CustomerAddress.customer_id == company_id)).all()
        assert len(rows) == 1 and rows[0].is_default


def test_customer_cannot_touch_another_customers_address(app, login_as):
    with app.app_context():
        theirs = db.session.scalar(db.select(CustomerAddress).where(
            CustomerAddress.customer_id == _customer("华东精密制造有限公司").id))
        theirs_id, before = theirs.id, (theirs.label, theirs.address, theirs.is_default)
    zhou = login_as("zhou.min@example.com")
    assert zhou.get(f"/my/profile/addresses/{theirs_id}").status_code == 403
    assert zhou.post_form(f"/my/profile/addresses/{theirs_id}", {"label": "x", "address": "y"}).status_code == 403
    assert zhou.post_form(f"/my/profile/addresses/{theirs_id}/default", {}).status_code == 403
    assert zhou.post_form(f"/my/profile/addresses/{theirs_id}/delete", {}).status_code == 403
    assert zhou.get("/my/profile/addresses/999999").status_code == 404
    with app.app_context():
        row = db.session.get(CustomerAddress, theirs_id)
        assert (row.label, row.address, row.is_default) == before


def test_data_download_holds_only_own_data_and_no_internal_notes(app, login_as):
    ticket_id = make_closed_ticket(app)
    number = _number(app, ticket_id)
    response = login_as("customer").post_form("/my/profile/my-data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    raw = response.get_data(as_text=True)
    data = json.loads(raw)
    assert data["customer"]["name"] == "华东精密制造有限公司"
    assert [t["number"] for t in data["tickets"]] == [number]
    ticket = data["tickets"][0]
    assert ticket["acceptances"][0]["signer_name"] == "张伟"
    assert len(ticket["documents"][0]["sha256"]) == 64
    assert {"kind", "at", "text"} <= set(ticket["events"][0])
    assert "production line stopped" not in raw and "主控板电容鼓包" not in raw
    assert "13987654321" not in raw and "sun@example.com" not in raw
    assert "周敏" not in raw and "WM800-SN5001" not in raw
    assert {a["serial"] for a in data["assets"]} == {"ABC2000-SN0001", "PX50-SN1001"}
    other = json.loads(login_as("zhou.min@example.com").post_form("/my/profile/my-data.json").get_data(as_text=True))
    assert other["tickets"] == [] and other["customer"]["name"] == "周敏"
    assert {a["serial"] for a in other["assets"]} == {"WM800-SN5001"}


def test_state_changes_without_csrf_token_are_refused(app, login_as, mail):
    web = login_as("customer")
    assert web.client.post("/my/profile/addresses", data={"label": "x", "address": "y"}).status_code == 400
    assert anonymous(app).client.post("/account/login-link", data={"email": "zhou.min@example.com"}).status_code == 400
    assert anonymous(app).client.post("/track", data={"number": "SR1", "phone_last4": "1234"}).status_code == 400
    with app.app_context():
        contact = _contact("孙工")
        url = f"/desk/customers/{contact.customer_id}/contacts/{contact.id}/invite"
    assert login_as("agent").client.post(url, data={}).status_code == 400
    assert mail.sent == []
    with app.app_context():
        assert not db.session.scalar(db.select(CustomerAddress.id).where(CustomerAddress.label == "x"))


def test_demo_seed_twice_changes_nothing(app):
    from portal.seed import demo
    with app.app_context():
        assert demo.seed(with_tickets=False) is False
        zhou, zhang = _user("zhou.min@example.com"), _user("customer@example.com")
        assert zhou.customer_id == _customer("周敏").id and zhou.contact_id == _contact("周敏").id
        assert zhang.contact_id == _contact("张经理").id
        assert db.session.scalar(db.select(db.func.count(CustomerAddress.id))) == 2


