"""The security log (issue 10, point 9): sign-ins, failures, lockouts, sign-outs, links used, two-factor and
password changes, role changes, admins' edits of SLA policies and routing rules (before → after) and data
downloads, each with who, when and the address, on a page for admins only; never a password, token, TOTP
secret or full phone number."""
import json
import re

import pyotp

from portal.extensions import db
from portal.models import Contact, Department, SecurityEvent, SlaPolicy, User
from tests.conftest import WebClient
from tests.web.test_customer_account import link_in, open_link
from tests.web.test_two_factor import enrol

EN = {"Accept-Language": "en"}


def events(app, kind=None) -> list[SecurityEvent]:
    with app.app_context():
        query = db.select(SecurityEvent).order_by(SecurityEvent.id)
        if kind:
            query = query.where(SecurityEvent.kind == kind)
        found = db.session.scalars(query).all()
        db.session.expunge_all()
        return found


def sla_form(app) -> dict:
    with app.app_context():
        rows = db.session.scalars(db.select(SlaPolicy).order_by(SlaPolicy.priority)).all()
        data = {}
        for i, r in enumerate(rows):
            data.update({f"policies-{i}-response_minutes": r.response_minutes,
                         f"policies-{i}-update_minutes": r.update_minutes,
                         f"policies-{i}-resolution_minutes": r.resolution_minutes,
                         f"policies-{i}-weekdays": "".join(str(d + 1) for d in r.weekdays),
                         f"policies-{i}-opens": r.opens, f"policies-{i}-closes": r.closes,
                         f"policies-{i}-holidays": "\n".join(r.holidays),
                         f"policies-{i}-first_response_on": r.first_response_on})
            if r.around_the_clock:
                data[f"policies-{i}-around_the_clock"] = "y"
    return data


def test_sign_in_events_carry_who_when_and_the_address(app, login_as):
    web = WebClient(app.test_client())
    assert web.post_form("/login", {"email": "agent@example.com", "password": "wrong-one-1"}).status_code == 422
    web.login("agent@example.com")
    assert web.post_form("/logout", {}).status_code == 302
    found = [(e.kind, e.ip_address, (e.detail or {}).get("reason") or (e.detail or {}).get("method")
              or (e.detail or {}).get("scope")) for e in events(app) if e.kind in ("sign_in", "sign_in_failed",
                                                                                "sign_out")]
    assert found == [("sign_in_failed", "127.0.0.1", "password"), ("sign_in", "127.0.0.1", "password"),
                     ("sign_out", "127.0.0.1", "this_device")]
    with app.app_context():
        agent_id = db.session.scalar(db.select(User.id).where(User.email == "agent@example.com"))
    assert {e.user_id for e in events(app) if e.kind != "sign_in" or True} == {agent_id}
    assert all(e.created_at is not None for e in events(app))


def test_admin_edits_of_sla_policies_and_routing_are_logged_before_and_after(app, login_as):
    admin = login_as("admin")
    data = sla_form(app)
    data["policies-0-response_minutes"] = 20  # P1: 15 → 20
    assert admin.post_form("/desk/admin/sla", data).status_code == 302
    assert admin.post_form("/desk/admin/sla", data).status_code == 302  # nothing changed: nothing logged
    (sla,) = events(app, "sla_policies_changed")
    assert sla.detail == {"P1": {"response_minutes": [15, 20]}}
    with app.app_context():
        warehouse = db.session.scalar(db.select(Department.id).where(Department.code == "warehouse"))
        admin_id = db.session.scalar(db.select(User.id).where(User.email == "admin@example.com"))
    assert sla.user_id == admin_id
    assert admin.post_form("/desk/admin/routing", {"fault_repair": warehouse}).status_code == 302
    (routing,) = events(app, "routing_rules_changed")
    assert routing.detail == {"fault_repair": ["repair", "warehouse"]} and routing.user_id == admin_id
    page = admin.get("/desk/admin/security", headers=EN).get_data(as_text=True)
    assert "SLA policies changed" in page and "P1 · response_minutes: 15 → 20" in page
    assert "fault_repair: repair → warehouse" in page
    kinds = admin.get("/desk/admin/security?kind=routing_rules_changed", headers=EN).get_data(as_text=True)
    assert "fault_repair: repair → warehouse" in kinds and "response_minutes" not in kinds


def test_role_changes_links_two_factor_passwords_and_downloads_are_logged(app, login_as, mail):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["user", "set-role", "engineer2@example.com", "supervisor"]).exit_code == 0
    (role,) = events(app, "role_changed")
    assert role.detail == {"role": ["engineer", "supervisor"]}
    # A customer signs in by link, downloads their data, sets up two-factor sign-in and changes the password.
    WebClient(app.test_client()).post_form("/account/login-link", {"email": "zhou.min@example.com"}).close()
    web = WebClient(app.test_client())
    form = open_link(web, link_in(mail.sent[0]))
    assert web.post_form(form, {}).status_code == 302
    web._token = None
    assert web.post_form("/my/profile/my-data.json", {}).status_code == 200
    enrol(web)
    assert web.post_form("/account/password", {"current_password": "zhou-demo", "new_password": "another-good-one",
                                               "confirm": "another-good-one"}).status_code == 302
    kinds = [e.kind for e in events(app)]
    for kind in ("link_used", "sign_in", "data_downloaded", "two_factor_enabled", "password_changed"):
        assert kind in kinds, kind
    assert [e.detail["link"] for e in events(app, "link_used")] == ["login"]
    assert [e.detail["method"] for e in events(app, "sign_in")] == ["link", "password_change"]


def test_the_log_holds_no_password_token_secret_or_phone(app, login_as, mail):
    agent = login_as("agent")
    secret, codes = enrol(agent)
    agent.post_form("/account/password", {"current_password": "agent-demo", "new_password": "brand-new-secret-9",
                                          "confirm": "brand-new-secret-9"})
    WebClient(app.test_client()).post_form("/login", {"email": "agent@example.com",
                                                      "password": "typed-by-mistake-77"})
    WebClient(app.test_client()).post_form("/login", {"email": "13812345678@example.com",
                                                      "password": "hunter2hunter2"})
    with app.app_context():
        contact = db.session.scalar(db.select(Contact).where(Contact.name == "孙工"))
        phone = contact.phone
        invite = f"/desk/customers/{contact.customer_id}/contacts/{contact.id}/invite"
    agent._token = None  # the password change started a new session for this device
    invited = agent.post_form(invite, {})
    invited.close()  # the e-mail goes out once the response is closed
    assert invited.status_code == 302
    token = link_in(mail.sent[-1]).rsplit("/", 1)[1]
    WebClient(app.test_client()).get(link_in(mail.sent[-1]))
    web = WebClient(app.test_client())
    web.post_form("/login", {"email": "agent@example.com", "password": "brand-new-secret-9"})
    web._token = None
    web.post_form("/login/two-factor", {"code": pyotp.TOTP(secret).now()})
    dump = json.dumps([{"account": e.account, "agent": e.user_agent, "ip": e.ip_address, "detail": e.detail}
                       for e in events(app)], ensure_ascii=False)
    assert len(events(app)) >= 6
    for secret_text in ("agent-demo", "brand-new-secret-9", "typed-by-mistake-77", "hunter2hunter2", secret, token,
                        *codes, "13812345678"):
        assert secret_text not in dump, secret_text
    digits = re.sub(r"\D", "", phone or "")
    assert not digits or digits not in re.sub(r"\D", "", dump)


def test_the_page_is_for_admins_and_survives_odd_filters(app, login_as):
    admin = login_as("admin")
    odd = admin.get("/desk/admin/security?kind=<script>&before=abc", headers=EN)
    assert odd.status_code == 422 and "Unknown kind of event" in odd.get_data(as_text=True)
    assert admin.get("/desk/admin/security?before=99999999999999999999").status_code == 200
    for role in ("supervisor", "agent", "backoffice", "engineer", "customer"):
        assert login_as(role).get("/desk/admin/security").status_code == 403
    assert 'href="/desk/admin/security"' in admin.get("/desk/tickets").get_data(as_text=True)
