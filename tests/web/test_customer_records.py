"""Customer master data at the desk: list with search and pages, create, edit, deactivate (never delete),
contacts and sites; every change in the security log with before → after; a customer never gets here."""
import re

import pytest

from portal.extensions import db
from portal.models import Contact, Customer, CustomerAddress, SecurityEvent

EN = {"Accept-Language": "en"}
COMPANY = "华东精密制造有限公司"


def customer_id(app, name=COMPANY) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Customer.id).where(Customer.name == name))


def audit_details(app) -> list[dict]:
    with app.app_context():
        return [e.detail for e in db.session.scalars(db.select(SecurityEvent).where(
            SecurityEvent.kind == "master_data_changed").order_by(SecurityEvent.id))]


def test_the_list_searches_and_pages(app, login_as):
    with app.app_context():
        db.session.add_all([Customer(name=f"测试客户{i:02d}", kind="company") for i in range(30)])
        db.session.commit()
    agent = login_as("agent")
    first = agent.get("/desk/customers").get_data(as_text=True)
    assert first.count('href="/desk/customers/') >= 25 and "page=2" in first
    second = agent.get("/desk/customers?page=2").get_data(as_text=True)
    assert "page=1" in second and "page=3" not in second
    found = agent.get("/desk/customers?q=5678", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert COMPANY in found and "周敏" not in found and "<html" not in found
    assert agent.get("/desk/customers?page=abc&q=" + "x" * 500).status_code == 200


def test_create_edit_and_the_audit_log(app, login_as):
    agent = login_as("agent")
    response = agent.post_form("/desk/customers/new", {
        "kind": "company", "name": "深圳蓝海物流有限公司", "tier": "vip", "region": "华南",
        "address": "深圳市南山区科技园 1 号"})
    assert response.status_code == 302
    new_id = customer_id(app, "深圳蓝海物流有限公司")
    response = agent.post_form(f"/desk/customers/{new_id}/edit", {
        "kind": "company", "name": "深圳蓝海物流有限公司", "tier": "standard", "region": "华南", "address": ""})
    assert response.status_code == 302
    details = audit_details(app)
    assert details[0][f"customer #{new_id}"]["tier"] == [None, "vip"]
    assert details[1][f"customer #{new_id}"] == {"tier": ["vip", "standard"],
                                                  "address": ["深圳市南山区科技园 1 号", None]}
    admin = login_as("admin")
    log = admin.get("/desk/admin/security?kind=master_data_changed", headers=EN).get_data(as_text=True)
    assert "tier: vip → standard" in log


def test_bad_input_keeps_what_was_typed(app, login_as):
    response = login_as("agent").post_form("/desk/customers/new", {"kind": "company", "name": "x",
                                                                   "tier": "gold", "region": "华南"}, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="name-error"' in html and 'value="华南"' in html


def test_contacts_are_normalised_audited_masked_and_deactivated(app, login_as):
    cid = customer_id(app)
    agent = login_as("agent")
    response = agent.post_form(f"/desk/customers/{cid}/contacts/new",
                               {"name": "钱工", "phone": "+86 150-1234-9876", "email": "Qian@Example.com"})
    assert response.status_code == 302
    with app.app_context():
        contact = db.session.scalar(db.select(Contact).where(Contact.name == "钱工"))
        assert (contact.phone, contact.email) == ("150 1234 9876", "qian@example.com")
        contact_id = contact.id
    detail = audit_details(app)[-1]
    assert "150****9876" in str(detail) and "150 1234 9876" not in str(detail)
    bad = agent.post_form(f"/desk/customers/{cid}/contacts/{contact_id}/edit",
                          {"name": "钱工", "phone": "12345"}, headers=EN)
    assert bad.status_code == 422 and "Enter a mainland mobile" in bad.get_data(as_text=True)
    # Found at intake by the new phone; deactivated, no longer offered.
    assert "钱工" in agent.get("/desk/intake/customers?customer_q=1234 9876").get_data(as_text=True)
    assert agent.post_form(f"/desk/customers/{cid}/contacts/{contact_id}/active", {"active": "0"}).status_code == 302
    assert "钱工" not in agent.get(f"/desk/intake/contacts?customer_id={cid}").get_data(as_text=True)


def test_deactivated_customers_are_kept_but_not_found_at_intake(app, login_as):
    cid = customer_id(app)
    supervisor = login_as("supervisor")
    assert supervisor.post_form(f"/desk/customers/{cid}/active", {"active": "0"}).status_code == 302
    assert COMPANY not in supervisor.get("/desk/intake/customers?customer_q=华东").get_data(as_text=True)
    assert COMPANY not in supervisor.get("/desk/customers?q=华东").get_data(as_text=True)
    assert COMPANY in supervisor.get("/desk/customers?q=华东&inactive=1").get_data(as_text=True)
    assert supervisor.post_form(f"/desk/customers/{cid}/active", {"active": "1"}).status_code == 302
    assert COMPANY in supervisor.get("/desk/intake/customers?customer_q=华东").get_data(as_text=True)
    assert audit_details(app)[0][f"customer #{cid} {COMPANY}"] == {"active": [True, False]}


def test_sites_add_and_the_default_moves(app, login_as):
    cid = customer_id(app)
    agent = login_as("agent")
    response = agent.post_form(f"/desk/customers/{cid}/sites/new",
                               {"label": "二号工厂", "address": "苏州市吴中区东方大道 88 号", "is_default": "y"})
    assert response.status_code == 302
    with app.app_context():
        sites = db.session.scalars(db.select(CustomerAddress).where(CustomerAddress.customer_id == cid)
                                   .order_by(CustomerAddress.id)).all()
        assert [s.is_default for s in sites] == [False, True]
        assert db.session.get(Customer, cid).address == "苏州市吴中区东方大道 88 号"
    page = agent.get(f"/desk/customers/{cid}").get_data(as_text=True)
    assert "二号工厂" in page and re.search(r"/sites/\d+/edit", page)


@pytest.mark.parametrize("role", ["engineer", "customer"])
def test_engineers_and_customers_never_reach_master_data(app, login_as, role):
    web = login_as(role)
    cid = customer_id(app)
    for url in ("/desk/customers", "/desk/customers/new", f"/desk/customers/{cid}/edit",
                f"/desk/customers/{cid}/contacts/new", f"/desk/customers/{cid}/sites/new"):
        assert web.get(url).status_code == 403, url


def test_agents_cannot_deactivate_customers_and_backoffice_only_reads(app, login_as):
    cid = customer_id(app)
    assert login_as("agent").post_form(f"/desk/customers/{cid}/active", {"active": "0"}).status_code == 403
    backoffice = login_as("backoffice")
    assert backoffice.get("/desk/customers").status_code == 200
    assert backoffice.get(f"/desk/customers/{cid}/edit").status_code == 403
    assert "/edit" not in backoffice.get(f"/desk/customers/{cid}").get_data(as_text=True)


def test_nul_and_control_characters_never_reach_the_database(app, login_as):
    """A NUL ends an FTS5 string and PostgreSQL text cannot hold one: searches and forms drop it."""
    agent, supervisor = login_as("agent"), login_as("supervisor")
    for web, url in ((agent, "/desk/intake?caller=%00%ff"), (agent, "/desk/intake/customers?customer_q=%00华东"),
                     (agent, "/desk/customers?q=%22%00ab"), (agent, "/desk/units?q=AB%00"),
                     (supervisor, "/desk/admin/knowledge?q=%00"), (supervisor, "/desk/admin/catalogue/parts?q=%00%25")):
        assert web.get(url).status_code == 200, url
    response = agent.post_form("/desk/customers/new", {"kind": "company", "name": "零\x00字节公司", "tier": "standard"})
    assert response.status_code == 302
    assert customer_id(app, "零字节公司") is not None


SEEN = re.compile(r'id="seen" name="seen" type="hidden" value="([0-9a-f]+)"'
                  r'|name="seen" type="hidden" value="([0-9a-f]+)"')


def test_a_stale_customer_edit_shows_both_and_loses_nothing(app, login_as):
    cid = customer_id(app)
    agent = login_as("agent")
    page = agent.get(f"/desk/customers/{cid}/edit").get_data(as_text=True)
    seen = next(g for g in SEEN.search(page).groups() if g)
    with app.app_context():  # meanwhile a colleague moves the customer
        db.session.get(Customer, cid).address = "苏州工业园区新地址 1 号"
        db.session.commit()
    typed = {"kind": "company", "name": COMPANY, "tier": "vip", "region": "华东", "address": "我输入的地址 9 号",
             "account_manager_id": "", "seen": seen}
    response = agent.post_form(f"/desk/customers/{cid}/edit", typed, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Changed since you opened this page" in html
    assert "苏州工业园区新地址 1 号" in html and "我输入的地址 9 号" in html
    with app.app_context():
        assert db.session.get(Customer, cid).address == "苏州工业园区新地址 1 号"
    typed["seen"] = next(g for g in SEEN.search(html).groups() if g)
    assert agent.post_form(f"/desk/customers/{cid}/edit", typed).status_code == 302
    with app.app_context():
        assert db.session.get(Customer, cid).address == "我输入的地址 9 号"
