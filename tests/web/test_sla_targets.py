"""One decision for a ticket's SLA targets (portal.services.sla.targets): the priority's policy, the customer
tier's and the service contract's first-response overrides, the shortest applying; the stored due and check
times, the sweep and the ticket page all follow it, on SQLite and PostgreSQL alike."""
from datetime import UTC, timedelta

import pytest

from portal.domain.time import as_utc
from portal.extensions import db
from portal.models import Customer, CustomerTier, ServiceContract, Ticket, TicketEvent
from portal.services import price_lists, sla, tiers
from portal.services.localtime import local_today
from portal.tasks.sla import sweep
from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}
P3_RESPONSE = 8 * 60  # the default P3 policy's first response, business minutes


def _company(app, tier_minutes):
    """The demo company on a tier of its own whose first-response override is `tier_minutes` (None: none)."""
    with app.app_context():
        db.session.add(CustomerTier(code="t-sla", name_zh="测试", name_en="Test", rank=9,
                                    response_minutes=tier_minutes))
        customer = db.session.scalar(db.select(Customer).where(Customer.kind == "company"))
        customer.tier = "t-sla"
        db.session.commit()
        return customer.id


def _contract(app, customer_id, hours, *, expired=False, serials=None):
    with app.app_context():
        today = local_today()
        db.session.add(ServiceContract(
            number="SC-SLA-1", customer_id=customer_id, scope="list" if serials else "all", serials=serials or [],
            covers=["labour"], valid_from=today - timedelta(days=400),
            valid_to=today - timedelta(days=1) if expired else today + timedelta(days=30), response_hours=hours))
        db.session.commit()


CASES = {
    # name: (tier minutes, contract hours, contract expired, expected first-response minutes)
    "neither": (None, None, False, P3_RESPONSE),
    "tier shorter": (240, 6, False, 240),
    "contract shorter": (300, 2, False, 120),
    "contract only": (None, 3, False, 180),
    "tier only": (240, None, False, 240),
    "contract expired": (300, 2, True, 300),
    "contract longer than the policy": (None, 12, False, P3_RESPONSE),
}


@pytest.mark.parametrize("name", CASES)
def test_the_shortest_target_decides_due_check_and_sweep(app, name):
    tier_minutes, contract_hours, expired, expected = CASES[name]
    customer_id = _company(app, tier_minutes)
    if contract_hours:
        _contract(app, customer_id, contract_hours, expired=expired)
    ticket_id = make_ticket(app, status="triaged", priority="P3", description="偶尔有轻微异响")
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        decided = sla.targets(ticket)
        assert decided.policies["P3"].response_minutes == expected
        reading = sla.reading(ticket)
        assert reading.response.limit == expected * 60
        # The stored due time (what the queue sorts on) is the reading's, from the same targets.
        calendar = decided.policies["P3"].calendar
        created = as_utc(ticket.created_at)
        assert as_utc(ticket.response_due_at) == as_utc(reading.response.due_at)
        assert as_utc(ticket.response_due_at) == calendar.add(created, expected * 60)
        at_risk = calendar.add(created, 0.85 * expected * 60).astimezone(UTC)
        assert as_utc(ticket.sla_next_check_at) <= at_risk
        before = calendar.add(created, 0.5 * expected * 60).astimezone(UTC)
        late = (calendar.add(created, expected * 60) + timedelta(minutes=1)).astimezone(UTC)
    # The sweep finds the ticket at its own 85 % and its own breach, not the plain policy's.
    with app.app_context():
        sweep(now=before)
        sweep(now=at_risk)
        sweep(now=late)
        events = db.session.scalars(db.select(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind.in_(("sla_at_risk", "sla_breached")))
            .order_by(TicketEvent.id)).all()
        response = [(e.kind, e.created_at) for e in events if e.data.get("target") == "response"]
        assert [k for k, _at in response] == ["sla_at_risk", "sla_breached"]
        assert as_utc(response[0][1]) == at_risk


def test_a_contract_for_another_unit_does_not_shorten(app):
    customer_id = _company(app, None)
    _contract(app, customer_id, 2, serials=["OTHER-1"])
    covered = make_ticket(app, status="triaged", priority="P3", serial="OTHER-1")
    other = make_ticket(app, status="triaged", priority="P3", serial="MINE-1")
    with app.app_context():
        assert sla.reading(db.session.get(Ticket, covered)).response.limit == 120 * 60
        assert sla.reading(db.session.get(Ticket, other)).response.limit == P3_RESPONSE * 60


def test_a_safety_issue_stays_p1_with_its_own_shorter_target(app, login_as):
    customer_id = _company(app, 240)
    _contract(app, customer_id, 2)
    ticket_id = make_ticket(app, status="new", description="插座附近漏电,有焦味")
    with app.test_request_context():
        from portal.services import tickets as ticket_service
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket_service.suggest_priority(ticket).priority == "P1"
        decided = sla.targets(ticket)
        # P1's 15 minutes are shorter than both overrides: they never lengthen a target.
        assert decided.policies["P1"].response_minutes == 15
        assert decided.policies["P3"].response_minutes == 120


def test_the_ticket_page_says_what_shortened_the_target(app, login_as):
    customer_id = _company(app, 240)
    _contract(app, customer_id, 2)
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    page = login_as("agent").get(f"/desk/tickets/{ticket_id}/part/sla", headers=EN).get_data(as_text=True)
    assert "Service contract SC-SLA-1: first response within 2 business hours" in page
    assert "Customer tier t-sla: first response within 240 business minutes" in page
    assert "120 business minutes" in page  # the limit in force: "… of 120 business minutes used"


def test_open_tickets_follow_a_contract_or_tier_saved_after_they_were_made(app):
    customer_id = _company(app, None)
    ticket_id = make_ticket(app, status="triaged", priority="P3")

    def limit_and_due():
        with app.app_context():
            ticket = db.session.get(Ticket, ticket_id)
            created = as_utc(ticket.created_at)
            return (as_utc(ticket.response_due_at) - created, as_utc(ticket.sla_next_check_at))

    plain_due, plain_check = limit_and_due()
    with app.test_request_context():
        today = local_today()
        price_lists.save_contract(None, {
            "number": "sc-late", "customer_id": customer_id, "scope": "all", "serials": [], "product_model_ids": [],
            "covers": ["labour"], "valid_from": today - timedelta(days=1), "valid_to": today + timedelta(days=1),
            "response_hours": 4, "visits_per_year": None, "note": None, "active": True}, None)
        db.session.commit()
    contract_due, contract_check = limit_and_due()
    assert contract_due < plain_due and contract_check < plain_check
    with app.test_request_context():
        tier = db.session.scalar(db.select(CustomerTier).where(CustomerTier.code == "t-sla"))
        data = {name: getattr(tier, name) for name in tiers.FIELDS}
        tiers.save_tier(tier, {**data, "response_minutes": 60}, None)
        db.session.commit()
    tier_due, tier_check = limit_and_due()
    assert tier_due < contract_due and tier_check < contract_check
    with app.app_context():
        assert sla.reading(db.session.get(Ticket, ticket_id)).response.limit == 60 * 60
