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
