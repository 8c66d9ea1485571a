"""Who may open what: every route declares its roles, and records are checked against the signed-in user."""
import pytest

from portal.domain.roles import Role
from portal.extensions import db
from portal.models import Document, Ticket
from portal.web.access import ANYONE
from tests.web.factories import make_closed_ticket, make_other_customer_login, make_ticket

ID_ARGS = {"ticket_id": 1, "attachment_id": 1, "document_id": 1, "conflict_id": 1, "code": "NOSUCHCODE",
           "token": "no-such-token", "job_id": 1, "quote_id": 1, "task_id": 1, "customer_id": 1, "contact_id": 1,
           "address_id": 1, "request_id": 1, "bill_id": 1, "session_id": "no-such-session", "part": "history",
           "site_id": 1, "kind": "parts", "record_id": 1, "template_id": 1, "flag_id": 1, "report_id": 1,
           "point_id": 1, "department_id": 1, "user_id": 1, "unit_id": 1, "article_id": 1, "fmt": "csv", "item_id": 1,
           "redemption_id": 1, "reward_id": 1, "day_id": 1, "tier_id": 1, "check_in_id": 1, "campaign_id": 1,
           "plan_id": 1, "channel": "sms", "run_id": 1, "visit_id": 1,
           "direction": "in", "step": "request"}


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule


def test_every_view_declares_who_may_use_it(app):
    missing = [r.endpoint for r in routes(app)
               if not getattr(app.view_functions[r.endpoint], "allowed_roles", None)]
    assert missing == []


def test_protected_routes_send_anonymous_users_to_sign_in(app, client):
    for rule in routes(app):
        if ANYONE in app.view_functions[rule.endpoint].allowed_roles:
            continue
        url = rule.build({k: v for k, v in ID_ARGS.items() if k in rule.arguments})[1]
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method, data={"csrf_token": client.token()})
        assert response.status_code == 302 and "/login" in response.headers["Location"], rule.endpoint


@pytest.mark.parametrize("role", list(Role))
def test_roles_outside_a_view_get_403(app, login_as, role):
    web = login_as(role.value)
    for rule in routes(app):
        roles = app.view_functions[rule.endpoint].allowed_roles
        if ANYONE in roles or role in roles:
            continue
        url = rule.build({k: v for k, v in ID_ARGS.items() if k in rule.arguments})[1]
        method = "GET" if "GET" in rule.methods else "POST"
        response = web.open(url, method=method, data={"csrf_token": web.token()})
        assert response.status_code == 403, (role, rule.endpoint)


def test_customer_and_other_engineer_cannot_reach_someone_elses_ticket_photo_or_pdf(app, login_as, client):
    ticket_id = make_closed_ticket(app)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        document = db.session.scalar(db.select(Document).where(Document.ticket_id == ticket_id))
        photo_ids = [a.id for a in ticket_attachments(ticket_id)]
    assert photo_ids and document

    own_customer = login_as("customer")
    assert own_customer.get(f"/my/tickets/{ticket_id}").status_code == 200
    ok = own_customer.get(f"/files/documents/{document.id}")
    ok.close()
    assert ok.status_code == 200

    client.login(*make_other_customer_login(app))
    other_engineer = login_as("engineer2")
    for web in (client, other_engineer):
        urls = [f"/files/documents/{document.id}"] + [f"/files/attachments/{pid}" for pid in photo_ids]
        urls += [f"/files/attachments/{pid}/thumb" for pid in photo_ids]
        urls += [f"/my/tickets/{ticket_id}"] if web is client else [f"/m/jobs/{ticket_id}"]
        for url in urls:
            assert web.get(url).status_code == 403, url
    assert client.get("/my/tickets").get_data(as_text=True).count(ticket.number) == 0


def ticket_attachments(ticket_id):
    from portal.models import Attachment
    return db.session.scalars(db.select(Attachment).where(Attachment.ticket_id == ticket_id)).all()


def test_unknown_records_are_404(login_as):
    agent = login_as("agent")
    for url in ("/desk/tickets/999999", "/files/documents/999999", "/files/attachments/999999",
                "/files/attachments/999999/thumb", "/nowhere"):
        assert agent.get(url).status_code == 404, url


def test_engineer_cannot_act_on_a_job_assigned_to_someone_else(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    response = login_as("engineer2").post_form(f"/m/jobs/{ticket_id}/arrive", {})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).status == "assigned"


def test_post_without_csrf_token_is_refused(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    engineer = login_as("engineer")
    response = engineer.client.post(f"/m/jobs/{ticket_id}/arrive", data={})
    assert response.status_code == 400
    assert engineer.post_form(f"/m/jobs/{ticket_id}/arrive", {"csrf_token": "forged"}).status_code == 400
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).status == "assigned"


def test_customer_sees_only_customer_visible_events(app, login_as):
    ticket_id = make_closed_ticket(app)
    page = login_as("customer").get(f"/my/tickets/{ticket_id}").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).number in page
    assert "production line stopped" not in page  # the internal triage reason
    assert "主控板电容鼓包" not in page  # inspection findings are internal


def test_photo_download_is_the_reencoded_jpeg(app, login_as):
    ticket_id = make_closed_ticket(app)
    with app.app_context():
        photo = next(a for a in ticket_attachments(ticket_id) if a.purpose == "inspection")
    response = login_as("agent").get(f"/files/attachments/{photo.id}")
    data = response.get_data()
    response.close()
    assert response.mimetype == "image/jpeg" and data[:3] == b"\xff\xd8\xff"
    assert b"Exif" not in data[:200] and b"PhoneMaker" not in data


@pytest.mark.parametrize("role", [None, *Role])
def test_the_resolution_link_pages_are_public_and_need_a_link_opened_in_this_browser(app, login_as, client, role):
    """The link of a resolution's message (issue 13 §3) needs no account, and no account (staff or customer) gets
    anything from it without having opened a valid link: a clear 4xx, never 500, nothing changed."""
    from tests.web.test_resolution_link import resolve
    ticket_id = resolve(app, login_as)
    web = client if role is None else login_as(role.value)
    assert web.get("/resolved/").status_code == 404
    assert web.get("/resolved/no-such-token").status_code == 404
    assert web.post_form("/resolved/confirm", {}).status_code == 404
    assert web.post_form("/resolved/not-solved", {"reason": "还是不行"}).status_code == 404
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).status == "resolved"
