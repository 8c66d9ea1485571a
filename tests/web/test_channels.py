"""Channels: text messages and WeChat through the generic HTTP provider, tested against a fake provider served
here (success, 4xx, 5xx, timeout), and through the log provider onto the admin's outbox page."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.extensions import db
from portal.models import Notification, OutboxMessage, QueuedTask
from portal.services import mailer
from tests.web.factories import make_ticket
from tests.web.test_golden_path import intake_data

EN = {"Accept-Language": "en"}


class FakeProvider(BaseHTTPRequestHandler):
    """Answers with the status the test sets; `slow` seconds of silence first to make the client time out."""

    answer, slow, received = 200, 0.0, []

    def do_POST(self):  # noqa: N802 - the name http.server calls
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeProvider.received.append({"body": body, "auth": self.headers.get("Authorization")})
        if FakeProvider.slow:
            threading.Event().wait(FakeProvider.slow)
        self.send_response(FakeProvider.answer)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "provider-1"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(app):
    FakeProvider.answer, FakeProvider.slow, FakeProvider.received = 200, 0.0, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(SMS_PROVIDER="http", SMS_URL=f"http://127.0.0.1:{server.server_port}/sms", SMS_TOKEN="t0ken",
                      SMS_TEMPLATES="ticket_registered=SMS_100", CHANNEL_TIMEOUT=0.5, TASKS_MAX_ATTEMPTS=3)
    yield FakeProvider
    server.shutdown()
    server.server_close()


def queue(app, channel="sms", recipient="13812345678", kind="ticket_registered"):
    ticket_id = make_ticket(app)  # its own registration message goes out first
    FakeProvider.received = []
    with app.app_context():
        notice = mailer.queue_notice(Notification(ticket_id=ticket_id, kind=kind, channel=channel,
                                                  recipient=recipient, body="您的服务请求已登记 SR-TEST",
                                                  data={"number": "SR-TEST"}, status="queued"))
        db.session.commit()
        return notice.id


def outcome(app, notice_id):
    with app.app_context():
        notice = db.session.get(Notification, notice_id)
        task = db.session.scalar(db.select(QueuedTask).where(QueuedTask.ref_id == notice_id,
                                                             QueuedTask.kind == "deliver_message"))
        return notice.status, task.state, task.attempts


def test_the_http_provider_gets_the_template_its_variables_and_the_message_id(app, provider):
    notice_id = queue(app)
    assert outcome(app, notice_id) == ("sent", "done", 1)
    [call] = provider.received
    assert call["auth"] == "Bearer t0ken"
    assert call["body"] == {"message_id": f"portal-{notice_id}", "channel": "sms", "to": "13812345678",
                            "template_id": "SMS_100", "variables": {"number": "SR-TEST"},
                            "text": "您的服务请求已登记 SR-TEST"}


def test_a_refusal_4xx_fails_the_message_at_once(app, provider):
    provider.answer = 400
    assert outcome(app, queue(app)) == ("failed", "done", 1)


@pytest.mark.parametrize("answer", [500, 503, 429])
def test_a_5xx_or_429_is_tried_again_later(app, provider, answer):
    provider.answer = answer
    status, state, attempts = outcome(app, queue(app))
    assert (status, state, attempts) == ("queued", "pending", 1)


def test_a_provider_that_does_not_answer_in_time_is_tried_again_later(app, provider):
    provider.slow = 2.0
    notice_id = queue(app)
    assert outcome(app, notice_id) == ("queued", "pending", 1)
    with app.app_context():
        assert "TemporaryFailure" in db.session.scalar(db.select(QueuedTask.last_error))


def test_a_kind_without_a_template_id_is_refused_without_calling(app, provider):
    assert outcome(app, queue(app, kind="escalation")) == ("failed", "done", 1)
    assert provider.received == []


def test_wechat_goes_as_a_text_message_until_the_customer_links_wechat(app, provider):
    notice_id = queue(app, channel="wechat")
    assert outcome(app, notice_id)[0] == "sent"
    assert provider.received[0]["body"]["channel"] == "sms"
    with app.app_context():
        assert db.session.get(Notification, notice_id).data["fallback"] == "sms"


def test_without_a_provider_the_message_reads_not_sent(app):
    app.config.update(SMS_PROVIDER="")
    assert outcome(app, queue(app))[0] == "unsent"


def test_the_log_provider_puts_messages_on_the_admins_outbox_page(app, login_as):
    app.config.update(SMS_PROVIDER="log", SMS_TEMPLATES="ticket_registered=SMS_100")
    notice_id = queue(app)
    assert outcome(app, notice_id) == ("logged", "done", 1)
    with app.app_context():
        logged = db.session.scalar(db.select(OutboxMessage))
        assert (logged.notification_id, logged.channel, logged.template_id) == (notice_id, "sms", "SMS_100")
    page = login_as("admin").get("/desk/admin/outbox", headers=EN).get_data(as_text=True)
    assert "您的服务请求已登记 SR-TEST" in page and "SMS_100" in page and "number" in page
    assert "13812345678" not in page and "138****5678" in page
    for role in ("supervisor", "agent", "customer"):
        assert login_as(role).get("/desk/admin/outbox").status_code == 403


def test_a_walk_in_request_reaches_the_outbox_on_registration(app, login_as):
    """The demo's default: the text message telling the number is on the outbox page, not "queued" forever."""
    data = intake_data(app)
    data.update(channel="walk_in")
    response = login_as("agent").post_form("/desk/tickets/new", data)
    assert response.status_code == 302
    ticket_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        notice = db.session.scalar(db.select(Notification).where(Notification.ticket_id == ticket_id))
        assert (notice.channel, notice.status) == ("sms", "logged")
        assert notice.data["number"] in db.session.scalar(db.select(OutboxMessage.body))
