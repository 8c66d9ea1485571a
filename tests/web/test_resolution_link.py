"""Confirming a resolution without a visit through the link of its message (issue 13 §3, issue 14 §2): a signed,
expiring, single-use link, without an account; the answer goes through the workflow table as the confirmer, and
the timeline says it came through the link. The token never shows at the desk nor in the access log."""
import re
from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Notification, OutboxMessage, ResolutionLink, Ticket, TicketEvent
from portal.services import resolution
from portal.web.accesslog import RedactingLogger
from tests.conftest import WebClient
from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}
SUMMARY = "电话指导客户恢复出厂设置,设备已正常开机"
LINK = re.compile(r"https?://\S+(/resolved/[A-Za-z0-9_-]{20,})")


def resolve(app, login_as, status="triaged") -> int:
    """The desk resolves a consultation; the customer's text message (the log provider) carries the link."""
    app.config.update(SMS_PROVIDER="log")
    ticket_id = make_ticket(app, status=status)
    with app.app_context():
        version = db.session.get(Ticket, ticket_id).version
    response = login_as("agent").post_form(f"/desk/tickets/{ticket_id}/resolve-without-visit", {
        "summary": SUMMARY, "version": version})
    assert response.status_code == 302
    return ticket_id


def link_of(app, ticket_id) -> str:
    with app.app_context():
        notice = db.session.scalar(db.select(Notification).where(
            Notification.ticket_id == ticket_id, Notification.kind == "resolved_remotely"))
        body = db.session.scalar(db.select(OutboxMessage.body).where(OutboxMessage.notification_id == notice.id))
    return LINK.search(body).group(1)


def opened(app, path) -> WebClient:
    web = WebClient(app.test_client())
    response = web.get(path)
    assert response.status_code == 302 and response.headers["Location"] == "/resolved/", "the token leaves the URL"
    return web


def status_of(app, ticket_id) -> str:
    with app.app_context():
        return db.session.get(Ticket, ticket_id).status


def events(app, ticket_id, kind):
    with app.app_context():
        return db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                               TicketEvent.kind == kind)).all()


def test_the_message_carries_the_link_and_the_desk_never_sees_its_token(app, login_as):
    ticket_id = resolve(app, login_as)
    path = link_of(app, ticket_id)
    token = path.rsplit("/", 1)[1]
    with app.app_context():
        notice = db.session.scalar(db.select(Notification).where(Notification.ticket_id == ticket_id,
                                                                 Notification.kind == "resolved_remotely"))
        assert notice.channel == "sms" and token not in notice.body and token not in str(notice.data)
        link = db.session.scalar(db.select(ResolutionLink).where(ResolutionLink.ticket_id == ticket_id))
        assert link.token_sha256 != token and token not in link.token_sha256 and link.channel == "sms"
        assert link.expires_at is not None and link.used_at is None
        # The timeline and the inbox keep the portal's link, not the token.
        assert all(token not in str(e.data) for e in db.session.scalars(db.select(TicketEvent)))
    desk = login_as("agent")
    for part in ("", "/part/records", "/part/history"):
        assert token not in desk.get(f"/desk/tickets/{ticket_id}{part}").get_data(as_text=True)
    assert "/resolved/[redacted]" in desk.get(f"/desk/tickets/{ticket_id}/part/records").get_data(as_text=True)


def test_the_page_shows_what_was_done_and_no_contact_data(app, login_as):
    ticket_id = resolve(app, login_as)
    web = opened(app, link_of(app, ticket_id))
    page = web.get("/resolved/", headers=EN)
    html = page.get_data(as_text=True)
    with app.app_context():
        number = db.session.get(Ticket, ticket_id).number
    assert page.status_code == 200 and number in html and SUMMARY in html
    assert 'id="confirm-resolved"' in html and 'id="not-solved"' in html
    assert "13812345678" not in html and "5678" not in html and "@example.com" not in html
    # In the customer's language (zh_Hans by default).
    assert "问题解决了吗" in web.get("/resolved/").get_data(as_text=True)


def test_confirm_closes_the_ticket_as_the_customer_through_the_link(app, login_as):
    ticket_id = resolve(app, login_as)
    path = link_of(app, ticket_id)
    web = opened(app, path)
    done = web.post_form("/resolved/confirm", {}, headers=EN)
    assert done.status_code == 200 and 'id="resolution-done"' in done.get_data(as_text=True)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.status == "closed" and ticket.closed_at is not None
        link = db.session.scalar(db.select(ResolutionLink).where(ResolutionLink.ticket_id == ticket_id))
        assert link.used_at is not None and link.outcome == "confirmed"
    (event,) = events(app, ticket_id, "resolution_confirmed")
    assert event.actor_id is None and event.data["via"] == "link" and event.customer_visible
    history = login_as("agent").get(f"/desk/tickets/{ticket_id}/part/history", headers=EN).get_data(as_text=True)
    assert "data-via-link" in history and "through the link" in history
    # Spent: the link and the page opened before no longer work.
    again = WebClient(app.test_client()).get(path, headers=EN)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    assert web.get("/resolved/").status_code == 410


def test_not_resolved_reopens_with_the_reason_and_the_reason_is_required(app, login_as):
    ticket_id = resolve(app, login_as)
    web = opened(app, link_of(app, ticket_id))
    empty = web.post_form("/resolved/not-solved", {"reason": ""}, headers=EN)
    assert empty.status_code == 422 and 'id="reason-error"' in empty.get_data(as_text=True)
    short = web.post_form("/resolved/not-solved", {"reason": "黑"}, headers=EN)
    html = short.get_data(as_text=True)
    assert short.status_code == 422 and "黑</textarea>" in html and "<details id=\"not-solved\" open" in html
    assert status_of(app, ticket_id) == "resolved"
    done = web.post_form("/resolved/not-solved", {"reason": "恢复出厂后还是黑屏"}, headers=EN)
    assert done.status_code == 200 and 'data-confirmed="no"' in done.get_data(as_text=True)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.status == "reopened" and ticket.reopen_count == 1 and ticket.resolved_at is None
    (event,) = events(app, ticket_id, "not_resolved")
    assert event.body == "恢复出厂后还是黑屏" and event.data["via"] == "link" and event.actor_id is None


def test_an_expired_link_gets_a_clear_page(app, login_as):
    ticket_id = resolve(app, login_as)
    path = link_of(app, ticket_id)
    with app.app_context():
        link = db.session.scalar(db.select(ResolutionLink))
        link.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = WebClient(app.test_client()).get(path, headers=EN)
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert status_of(app, ticket_id) == "resolved"


def test_a_wrong_token_or_no_link_opened_gets_a_clear_page(app, client):
    assert client.get("/resolved/no-such-token-0123456789", headers=EN).status_code == 404
    page = client.get("/resolved/", headers=EN)
    assert page.status_code == 404 and "not valid" in page.get_data(as_text=True)
    assert client.post_form("/resolved/confirm", {}).status_code == 404


def test_a_ticket_no_longer_resolved_gets_a_clear_message(app, login_as):
    ticket_id = resolve(app, login_as)
    path = link_of(app, ticket_id)
    web = opened(app, path)
    with app.app_context():  # it closed by itself meanwhile
        resolution.close_unanswered(now=utcnow() + timedelta(days=30))
        db.session.commit()
    assert status_of(app, ticket_id) == "closed"
    answer = web.post_form("/resolved/confirm", {}, headers=EN)
    assert answer.status_code == 410 and "already closed" in answer.get_data(as_text=True)
    assert WebClient(app.test_client()).get(path).status_code == 410


def test_the_customer_answered_on_the_portal_first(app, login_as):
    ticket_id = resolve(app, login_as)
    path = link_of(app, ticket_id)
    assert login_as("customer").post_form(f"/my/tickets/{ticket_id}/not-resolved",
                                          {"reason": "还是不行"}).status_code == 302
    response = WebClient(app.test_client()).get(path, headers=EN)
    assert response.status_code == 410 and "no longer waiting" in response.get_data(as_text=True)


def test_a_new_resolution_replaces_the_link_of_the_earlier_one(app, login_as):
    ticket_id = resolve(app, login_as)
    first = link_of(app, ticket_id)
    assert login_as("customer").post_form(f"/my/tickets/{ticket_id}/not-resolved",
                                          {"reason": "还是不行"}).status_code == 302
    with app.app_context():
        version = db.session.get(Ticket, ticket_id).version
    assert login_as("agent").post_form(f"/desk/tickets/{ticket_id}/resolve-without-visit", {
        "summary": "远程升级固件后正常", "version": version}).status_code == 302
    with app.app_context():
        links = db.session.scalars(db.select(ResolutionLink).order_by(ResolutionLink.id)).all()
        assert len(links) == 2 and links[0].revoked_at is not None and links[1].revoked_at is None
    stale = WebClient(app.test_client()).get(first, headers=EN)
    assert stale.status_code == 410 and "newer one" in stale.get_data(as_text=True)


def test_the_answers_need_the_csrf_token(app, login_as):
    ticket_id = resolve(app, login_as)
    web = opened(app, link_of(app, ticket_id))
    for url, data in (("/resolved/confirm", {}), ("/resolved/not-solved", {"reason": "还是黑屏"})):
        assert web.client.post(url, data=data).status_code == 400
    assert status_of(app, ticket_id) == "resolved"


def test_a_resolution_after_a_visit_carries_no_link(app, login_as):
    """After a visit the customer signs (the signing link); the resolution link is only for resolutions without
    a visit."""
    make_ticket(app, status="resolved")
    with app.app_context():
        assert db.session.scalar(db.select(ResolutionLink)) is None


def _atoms(path: str, referer: str = "-") -> dict:
    logger = RedactingLogger(Config())
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": path.split("?")[0], "QUERY_STRING": "", "REMOTE_ADDR": "10.1.2.3",
               "HTTP_REFERER": referer}
    response = SimpleNamespace(status="302 FOUND", sent=0, headers=[])
    request = SimpleNamespace(headers=[("REFERER", referer)])
    return logger.atoms(response, request, environ, timedelta(milliseconds=12))


def test_the_token_is_not_in_the_access_log(app, login_as):
    ticket_id = resolve(app, login_as)
    path = link_of(app, ticket_id)
    token = path.rsplit("/", 1)[1]
    atoms = _atoms(path, referer=f"https://portal.example{path}")
    assert token not in " ".join(str(v) for v in atoms.values())
    assert atoms["U"] == "/resolved/[redacted]" and atoms["r"] == "GET /resolved/[redacted] HTTP/1.1"
    for page in ("/resolved/", "/resolved/confirm", "/resolved/not-solved"):
        assert _atoms(page)["U"] == page


def test_the_answers_are_rate_limited_per_link(app, login_as):
    """As on the signing page: 10 answers per 15 minutes for one link, then 429; another link is not held up."""
    ticket_id = resolve(app, login_as)
    web = opened(app, link_of(app, ticket_id))
    answers = [web.post_form("/resolved/not-solved", {"reason": ""}).status_code for _ in range(11)]
    assert answers[:10] == [422] * 10 and answers[10] == 429
    other = opened(app, link_of(app, resolve(app, login_as)))
    assert other.post_form("/resolved/not-solved", {"reason": ""}).status_code == 422
    assert status_of(app, ticket_id) == "resolved"
