"""Customer tiers at the desk: the admin's benefits, priority and SLA following the tier, upgrade proposals a
person confirms, and the account manager's check-in calls."""
from datetime import timedelta

from portal.extensions import db
from portal.models import Customer, CustomerCheckIn, CustomerTier, InboxItem, SecurityEvent, Ticket, User
from portal.services import checkins
from portal.services import tickets as ticket_service
from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}


def _company(app):
    with app.app_context():
        return db.session.scalar(db.select(Customer.id).where(Customer.kind == "company"))


def _set_tier(app, customer_id, code, manager=None):
    with app.app_context():
        customer = db.session.get(Customer, customer_id)
        customer.tier = code
        if manager:
            customer.account_manager_id = db.session.scalar(db.select(User.id).where(User.email == manager))
        db.session.commit()


def test_the_admin_changes_a_tiers_benefits_and_the_change_is_logged(app, login_as):
    with app.app_context():
        gold = db.session.scalar(db.select(CustomerTier).where(CustomerTier.code == "gold"))
        gold_id = gold.id
    admin = login_as("admin")
    page = admin.get("/desk/admin/tiers", headers=EN).get_data(as_text=True)
    assert all(name in page for name in ("Standard", "Silver", "Gold", "VIP"))
    data = {"name_zh": "金卡", "name_en": "Gold", "rank": 2, "priority_boost": 1, "response_minutes": 180,
            "free_callout": "y", "points_percent": 150, "account_manager": "y", "checkin_days": 60,
            "upgrade_tickets_12m": 6, "active": "y"}
    assert admin.post_form(f"/desk/admin/tiers/{gold_id}/edit", data).status_code == 302
    bad = admin.post_form(f"/desk/admin/tiers/{gold_id}/edit", {**data, "priority_boost": 9}, headers=EN)
    assert bad.status_code == 422 and 'value="9"' in bad.get_data(as_text=True)
    with app.app_context():
        gold = db.session.get(CustomerTier, gold_id)
        assert (gold.priority_boost, gold.response_minutes, gold.checkin_days) == (1, 180, 60)
        logged = db.session.scalars(db.select(SecurityEvent.detail)).all()
        assert any("customer tier gold" in (d or {}) for d in logged)
    assert login_as("supervisor").post_form(f"/desk/admin/tiers/{gold_id}/edit", data).status_code == 403
    new = admin.post_form("/desk/admin/tiers/new", {**data, "code": "platinum", "name_zh": "白金",
                                                    "name_en": "Platinum", "rank": 4})
    assert new.status_code == 302
    form = admin.get(f"/desk/customers/{_company(app)}/edit", headers=EN).get_data(as_text=True)
    assert 'value="platinum"' in form


def test_the_vip_tier_still_raises_priority_and_gold_shortens_the_response(app):
    customer_id = _company(app)
    _set_tier(app, customer_id, "vip")
    ticket_id = make_ticket(app, description="偶尔有轻微异响")
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        suggestion = ticket_service.suggest_priority(ticket)
        assert (suggestion.priority, suggestion.reasons) == ("P2", ("minor", "tier"))
    _set_tier(app, customer_id, "standard")
    plain_id = make_ticket(app, status="triaged", priority="P3", description="偶尔有轻微异响")
    _set_tier(app, customer_id, "gold")  # gold: first response within 240 minutes
    gold_id = make_ticket(app, status="triaged", priority="P3", description="偶尔有轻微异响")
    with app.app_context():
        plain, gold = db.session.get(Ticket, plain_id), db.session.get(Ticket, gold_id)
        assert plain.response_due_at is not None and gold.response_due_at is not None
        assert gold.response_due_at - gold.created_at < plain.response_due_at - plain.created_at


def test_an_upgrade_is_proposed_from_the_volume_and_confirmed_by_a_person(app, login_as):
    customer_id = _company(app)
    _set_tier(app, customer_id, "standard")  # the demo company is VIP
    for _ in range(3):
        make_ticket(app)
    supervisor = login_as("supervisor")
    page = supervisor.get("/desk/admin/tiers", headers=EN).get_data(as_text=True)
    assert f'data-proposal="{customer_id}"' in page and "Upgrade to Silver" in page
    with app.app_context():
        assert db.session.get(Customer, customer_id).tier == "standard"  # nothing until confirmed
    stale = supervisor.post_form(f"/desk/admin/tiers/proposals/{customer_id}", {"tier": "vip"})
    assert stale.status_code == 409
    assert supervisor.post_form(f"/desk/admin/tiers/proposals/{customer_id}", {"tier": "silver"}).status_code == 302
    with app.app_context():
        assert db.session.get(Customer, customer_id).tier == "silver"
    after = supervisor.get("/desk/admin/tiers", headers=EN).get_data(as_text=True)
    assert f'data-proposal="{customer_id}"' not in after
    assert login_as("agent").post_form(f"/desk/admin/tiers/proposals/{customer_id}",
                                       {"tier": "gold"}).status_code == 403


def test_check_in_calls_open_once_and_close_with_notes(app, login_as):
    customer_id = _company(app)
    _set_tier(app, customer_id, "vip", manager="agent@example.com")
    with app.test_request_context():
        assert checkins.open_due() == 1
        assert checkins.open_due() == 0  # one open at a time
        db.session.commit()
        check_in = db.session.scalar(db.select(CustomerCheckIn))
        agent_id = db.session.scalar(db.select(User.id).where(User.email == "agent@example.com"))
        assert check_in.manager_id == agent_id
        assert db.session.scalar(db.select(InboxItem).where(InboxItem.kind == "check_in_due",
                                                            InboxItem.user_id == agent_id)) is not None
        check_in_id = check_in.id
    agent = login_as("agent")
    page = agent.get("/desk/my-customers", headers=EN).get_data(as_text=True)
    assert f"check-in-{check_in_id}" in page
    empty = agent.post_form(f"/desk/check-ins/{check_in_id}", {"note": ""}, headers=EN)
    assert empty.status_code == 422
    done = agent.post_form(f"/desk/check-ins/{check_in_id}", {"note": "设备运行正常，客户考虑再采购两台"})
    assert done.status_code == 302
    customer_page = agent.get(f"/desk/customers/{customer_id}").get_data(as_text=True)
    assert "客户考虑再采购两台" in customer_page
    with app.test_request_context():
        check_in = db.session.get(CustomerCheckIn, check_in_id)
        assert check_in.done_at is not None
        later = check_in.done_at.date() + timedelta(days=30)
        assert checkins.open_due(later - timedelta(days=1)) == 0
        assert checkins.open_due(later) == 1
    assert login_as("backoffice").post_form(f"/desk/check-ins/{check_in_id}", {"note": "x"}).status_code == 403


def test_a_customers_escalation_reaches_the_account_manager(app, login_as):
    from portal.models import Notification
    customer_id = _company(app)
    _set_tier(app, customer_id, "gold", manager="agent@example.com")
    ticket_id = make_ticket(app, status="assigned")
    response = login_as("customer").post_form(f"/my/tickets/{ticket_id}/escalate",
                                              {"kind": "escalation", "reason": "三天了还没有人上门"})
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:300]
    with app.app_context():
        to = db.session.scalars(db.select(Notification.recipient).where(Notification.kind == "escalation")).all()
    assert "agent@example.com" in to and "supervisor@example.com" in to


def test_the_desk_sees_the_tier_and_its_free_call_out(app, login_as):
    customer_id = _company(app)
    _set_tier(app, customer_id, "gold")
    ticket_id = make_ticket(app)
    agent = login_as("agent")
    page = agent.get(f"/desk/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert "<mark>Gold</mark>" in page and "data-free-callout" in page
    listing = agent.get("/desk/customers", headers=EN).get_data(as_text=True)
    assert "Gold" in listing
