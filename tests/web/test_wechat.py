"""Linking WeChat once: the customer's QR code carries our state to the official account's authorisation; the
callback's code is exchanged (against a fake WeChat API served here) for the openid, and WeChat messages then go
to it instead of falling back to a text message."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from portal.extensions import db
from portal.models import Notification, OutboxMessage, User, WechatLink
from portal.services import mailer
from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}


class FakeWechat(BaseHTTPRequestHandler):
    """The code -> openid exchange: a known code answers an openid, any other WeChat's error."""

    codes = {"good-code": "oX1a2b3c4d5e6f7g8h9i"}
    asked: list = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        query = parse_qs(urlparse(self.path).query)
        FakeWechat.asked.append(query)
        openid = FakeWechat.codes.get(query.get("code", [""])[0])
        answer = {"openid": openid, "access_token": "x"} if openid and query.get("secret") == ["s3cret"] \
            else {"errcode": 40029, "errmsg": "invalid code"}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_wechat(app):
    FakeWechat.asked = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeWechat)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config.update(WECHAT_APP_ID="wx1234567890", WECHAT_APP_SECRET="s3cret", WECHAT_PROVIDER="log",
                      WECHAT_OPENID_URL=f"http://127.0.0.1:{server.server_port}/sns/oauth2/access_token",
                      CHANNEL_TIMEOUT=2)
    yield FakeWechat
    server.shutdown()
    server.server_close()


def state_from(page: str) -> str:
    start = page.index('id="wechat-link"')
    href = page[page.rindex('href="', 0, start) + 6:]
    href = href[:href.index('"')].replace("&amp;", "&")
    query = parse_qs(urlparse(href).query)
    assert query["appid"] == ["wx1234567890"] and query["scope"] == ["snsapi_base"]
    assert query["redirect_uri"][0].endswith("/wechat/callback")
    return query["state"][0]


def test_the_customer_links_wechat_and_messages_go_there(app, login_as, client, fake_wechat):
    customer = login_as("customer")
    page = customer.get("/my/wechat", headers=EN).get_data(as_text=True)
    assert 'id="wechat-qr"' in page and 'src="data:image/png;base64,' in page
    state = state_from(page)
    assert state_from(customer.get("/my/wechat").get_data(as_text=True)) == state  # the same code until used
    refused = client.get(f"/wechat/callback?state={state}&code=bad-code", headers=EN)
    assert refused.status_code == 400 and "WeChat refused the link" in refused.get_data(as_text=True)
    linked = client.get(f"/wechat/callback?state={state}&code=good-code", headers=EN)
    assert linked.status_code == 200 and "Your WeChat is linked" in linked.get_data(as_text=True)
    assert client.get(f"/wechat/callback?state={state}&code=good-code").status_code == 400  # used once
    with app.app_context():
        link = db.session.scalar(db.select(WechatLink))
        assert link.openid == "oX1a2b3c4d5e6f7g8h9i" and link.linked_at is not None
    assert "Unlink WeChat" in customer.get("/my/wechat", headers=EN).get_data(as_text=True)
    ticket_id = make_ticket(app)
    with app.app_context():
        notice = mailer.queue_notice(Notification(ticket_id=ticket_id, kind="ticket_closed", channel="wechat",
                                                  recipient="13812345678", body="您的服务请求已关闭",
                                                  data={"number": "SR-TEST"}, status="queued"))
        db.session.commit()
        notice = db.session.get(Notification, notice.id)
        assert (notice.status, notice.recipient) == ("logged", "oX1a2b3c4d5e6f7g8h9i")
        assert "fallback" not in (notice.data or {})
        logged = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.notification_id == notice.id))
        assert logged.channel == "wechat"
    assert customer.post_form("/my/wechat/unlink").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(WechatLink)) == 0


def test_a_forged_state_links_nothing(app, client, fake_wechat):
    response = client.get("/wechat/callback?state=forged&code=good-code", headers=EN)
    assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)
    assert fake_wechat.asked == []  # the API was never asked


def test_without_wechat_settings_the_page_says_so(app, login_as):
    page = login_as("customer").get("/my/wechat", headers=EN).get_data(as_text=True)
    assert "not set up" in page and 'id="wechat-qr"' not in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(WechatLink)) == 0
        assert db.session.scalar(db.select(User.id).where(User.email == "customer@example.com"))


def test_the_wechat_page_is_for_customers(app, login_as):
    for role in ("agent", "engineer"):
        assert login_as(role).get("/my/wechat").status_code == 403


# ---- Replies through the official account's webhook ----------------------------------------------------

TOKEN = "wx-callback-token"


def signed(now=None, token=TOKEN):
    import hashlib
    import time as clock
    timestamp, nonce = str(int(now if now is not None else clock.time())), "n0nce123"
    signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()  # noqa: S324
    return f"signature={signature}&timestamp={timestamp}&nonce={nonce}"


def reply_xml(openid, text, msg_id="6001"):
    return (f"<xml><ToUserName><![CDATA[gh_portal]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>1764500000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>").encode()


def link_customer(app, openid="oX1a2b3c4d5e6f7g8h9i"):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "customer@example.com"))
        db.session.add(WechatLink(user_id=user.id, state="used-state", openid=openid))
        db.session.commit()


def test_a_signed_reply_lands_on_the_ticket_and_the_desks_list_once(app, client):
    from portal.models import FollowUpTask, TicketEvent
    app.config["WECHAT_CALLBACK_TOKEN"] = TOKEN
    ticket_id = make_ticket(app, status="in_progress")
    link_customer(app)
    check = client.get(f"/wechat/inbound?{signed()}&echostr=hello123")
    assert check.status_code == 200 and check.get_data(as_text=True) == "hello123"
    for _ in range(2):  # WeChat resends when it is not sure: recorded once
        answer = client.post(f"/wechat/inbound?{signed()}", data=reply_xml("oX1a2b3c4d5e6f7g8h9i", "明天上午有人在"),
                             content_type="text/xml")
        assert answer.status_code == 200 and answer.get_data(as_text=True) == "success"
    with app.app_context():
        events = db.session.scalars(db.select(TicketEvent).where(TicketEvent.kind == "customer_message")).all()
        assert [(e.ticket_id, e.body, e.data["via"]) for e in events] == [(ticket_id, "明天上午有人在", "wechat")]
        task = db.session.scalar(db.select(FollowUpTask).where(FollowUpTask.kind == "reply"))
        assert task.ticket_id == ticket_id and task.note == "明天上午有人在"


def test_unsigned_stale_or_unknown_replies_change_nothing(app, client):
    from portal.models import TicketEvent
    app.config["WECHAT_CALLBACK_TOKEN"] = TOKEN
    make_ticket(app, status="in_progress")
    link_customer(app)
    body = reply_xml("oX1a2b3c4d5e6f7g8h9i", "伪造")
    assert client.post("/wechat/inbound", data=body, content_type="text/xml").status_code == 403
    assert client.post(f"/wechat/inbound?{signed(token='wrong')}", data=body,
                       content_type="text/xml").status_code == 403
    assert client.post(f"/wechat/inbound?{signed(now=1_000_000_000)}", data=body,
                       content_type="text/xml").status_code == 403  # an old, replayed signature
    stranger = client.post(f"/wechat/inbound?{signed()}", data=reply_xml("oSomeoneElse00000", "你好"),
                           content_type="text/xml")
    assert stranger.status_code == 200
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Content>&a;</Content></xml>'
    assert client.post(f"/wechat/inbound?{signed()}", data=bomb, content_type="text/xml").status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(TicketEvent).where(
            TicketEvent.kind == "customer_message")) == 0


def test_a_reply_answers_the_open_question(app, client):
    from portal.models import Ticket, TicketEvent
    from portal.services import selfservice
    app.config["WECHAT_CALLBACK_TOKEN"] = TOKEN
    ticket_id = make_ticket(app, status="in_progress")
    link_customer(app)
    with app.test_request_context():
        agent = db.session.scalar(db.select(User).where(User.email == "agent@example.com"))
        question = selfservice.ask_customer(db.session.get(Ticket, ticket_id), agent, question="设备序列号是多少？")
        db.session.commit()
        question_id = question.id
    client.post(f"/wechat/inbound?{signed()}", data=reply_xml("oX1a2b3c4d5e6f7g8h9i", "SN-778899"),
                content_type="text/xml")
    with app.app_context():
        answer = db.session.scalar(db.select(TicketEvent).where(TicketEvent.kind == selfservice.ANSWER))
        assert answer.body == "SN-778899" and answer.data["question_id"] == question_id
        assert answer.data["via"] == "wechat"
