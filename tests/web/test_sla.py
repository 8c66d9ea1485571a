"""Priority suggestion on triage, SLA clocks on tickets, the sweep, the admin's policies, and the desk's
update to the customer."""
from datetime import date, timedelta

from portal.domain.time import as_utc
from portal.extensions import db
from portal.models import SlaPolicy, Ticket, TicketEvent
from portal.services import sla
from portal.tasks.sla import sweep
from tests.web.factories import make_ticket
from tests.web.pages import whole_page


def ticket_of(app, ticket_id):
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        db.session.expunge(ticket)
        return ticket


def kinds(app, ticket_id):
    with app.app_context():
        return [e.kind for e in db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
                                                   .order_by(TicketEvent.id))]


def test_a_new_ticket_has_its_response_clock_running(app):
    ticket = ticket_of(app, make_ticket(app, status="new"))
    assert ticket.response_due_at is not None and ticket.sla_due_at == ticket.response_due_at
    assert ticket.sla_state == "ok" and ticket.sla_next_check_at is not None


def test_safety_words_lock_p1(app, login_as):
    ticket_id = make_ticket(app, status="new", description="插座附近漏电,有焦味")
    agent = login_as("agent")
    page = whole_page(agent, f"/desk/tickets/{ticket_id}", {"Accept-Language": "en"})
    assert "Suggested: P1" in page and "safety risk" in page and "漏电" in page
    lowered = agent.post_form(f"/desk/tickets/{ticket_id}/triage", {
        "category": "fault_repair", "priority": "P3", "reason": "客户说不急", "version": 1}, htmx=True)
    assert lowered.status_code == 422
    assert ticket_of(app, ticket_id).priority is None
    ok = agent.post_form(f"/desk/tickets/{ticket_id}/triage", {
        "category": "fault_repair", "priority": "P1", "version": 1}, htmx=True)
    assert ok.status_code == 200
    ticket = ticket_of(app, ticket_id)
    assert ticket.priority == "P1" and ticket.safety_locked
    # P1 runs around the clock with a 15-minute first response, counted from registration; time before the
    # triage counts as spent only if the earlier policy's hours were running (so at most from the triage on).
    with app.app_context():
        triaged_at = db.session.scalar(db.select(TicketEvent.created_at).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "triaged"))
    assert ticket.created_at + timedelta(minutes=15, seconds=-1) <= ticket.response_due_at
    assert ticket.response_due_at <= triaged_at + timedelta(minutes=15, seconds=1)


def test_overriding_the_suggestion_needs_a_reason_which_is_recorded(app, login_as):
    ticket_id = make_ticket(app, status="new", description="请问如何设置定时洗涤")
    agent = login_as("agent")
    # Suggested P2 (how-to P3, VIP customer one level up); P4 without a reason is refused.
    refused = agent.post_form(f"/desk/tickets/{ticket_id}/triage",
                              {"category": "consultation", "priority": "P4", "version": 1}, htmx=True)
    assert refused.status_code == 422
    ok = agent.post_form(f"/desk/tickets/{ticket_id}/triage",
                         {"category": "consultation", "priority": "P4", "reason": "客户只是咨询", "version": 1},
                         htmx=True)
    assert ok.status_code == 200
    with app.app_context():
        event = db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                                TicketEvent.kind == "triaged")).one()
        assert event.data["override"] and event.data["suggested"] == "P2" and event.body == "客户只是咨询"


def test_waiting_pauses_and_resuming_restarts_the_clock(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    engineer = login_as("engineer")
    waiting = engineer.post_form(f"/m/jobs/{ticket_id}/wait", {"waiting_for": "parts", "reason": "等主板"})
    assert waiting.status_code == 302
    paused = ticket_of(app, ticket_id)
    assert paused.sla_state == "paused" and paused.resolution_due_at is None and paused.sla_next_check_at is None
    assert engineer.post_form(f"/m/jobs/{ticket_id}/resume", {}).status_code == 302
    resumed = ticket_of(app, ticket_id)
    assert resumed.sla_state in ("ok", "at_risk") and resumed.resolution_due_at is not None


def test_the_sweep_marks_at_risk_then_breached_escalates_and_does_nothing_twice(app):
    # A standard-tier customer: the policy's own targets (a tier's shorter target is tested in test_tiers).
    ticket_id = make_ticket(app, status="new", customer_kind="individual")
    with app.app_context():
        # 85 % of the way to the first-response target, in business time.
        ticket = db.session.get(Ticket, ticket_id)
        limit = sla.reading(ticket).response.limit
        calendar = sla.policies()["P3"].calendar
        risk_moment = calendar.add(as_utc(ticket.created_at), 0.85 * limit)
        first = sweep(now=risk_moment)
        again = sweep(now=risk_moment + timedelta(seconds=1))
    assert first["sla_at_risk"] == 1 and again["sla_at_risk"] == 0
    with app.app_context():
        late = as_utc(db.session.get(Ticket, ticket_id).response_due_at) + timedelta(minutes=5)
        breach = sweep(now=late)
        twice = sweep(now=late + timedelta(minutes=1))
    assert breach["sla_breached"] == 1 and breach["escalated"] == 1
    assert twice["sla_breached"] == 0 and twice["escalated"] == 0
    ticket = ticket_of(app, ticket_id)
    assert ticket.sla_state == "breached" and ticket.escalation_level == 1
    assert kinds(app, ticket_id).count("sla_breached") == 1
    with app.app_context():
        escalated = db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                                    TicketEvent.kind == "escalated")).one()
        # Not assigned yet: the first level goes to the supervisors, and the VIP's account manager if any.
        assert escalated.data["level"] == 1 and escalated.data["names"]


def test_the_desk_update_stops_the_first_response_clock_and_resets_the_update_clock(app, login_as):
    ticket_id = make_ticket(app, status="new")
    agent = login_as("agent")
    response = agent.post_form(f"/desk/tickets/{ticket_id}/update-customer", {"message": "已收到,今天下午回电"},
                               htmx=True)
    assert response.status_code == 200
    ticket = ticket_of(app, ticket_id)
    assert ticket.first_response_at is not None and ticket.response_due_at is None
    assert ticket.update_due_at is not None
    page = login_as("customer").get(f"/my/tickets/{ticket_id}").get_data(as_text=True)
    assert "已收到,今天下午回电" in page
    empty = agent.post_form(f"/desk/tickets/{ticket_id}/update-customer", {"message": ""}, htmx=True)
    assert empty.status_code == 422


def test_the_ticket_page_explains_the_clock(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    html = whole_page(login_as("supervisor"), f"/desk/tickets/{ticket_id}", {"Accept-Language": "en"})
    assert "Why the clock reads this" in html and "Clock started" in html and "Priority set to" in html


def test_the_admin_edits_policies_and_open_tickets_follow(app, login_as):
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    before = ticket_of(app, ticket_id).response_due_at
    admin = login_as("admin")
    page = admin.get("/desk/admin/sla")
    assert page.status_code == 200
    with app.app_context():
        rows = db.session.scalars(db.select(SlaPolicy).order_by(SlaPolicy.priority)).all()
        data = {}
        for i, r in enumerate(rows):
            data.update({f"policies-{i}-response_minutes": r.response_minutes,
                         f"policies-{i}-update_minutes": r.update_minutes,
                         f"policies-{i}-resolution_minutes": r.resolution_minutes,
                         f"policies-{i}-weekdays": "12345", f"policies-{i}-opens": "09:00",
                         f"policies-{i}-closes": "18:00", f"policies-{i}-holidays": "",
                         f"policies-{i}-first_response_on": r.first_response_on})
            if r.around_the_clock:
                data[f"policies-{i}-around_the_clock"] = "y"
    data["policies-2-around_the_clock"] = "y"  # P3 around the clock now
    data["policies-2-response_minutes"] = 60
    data["policies-3-first_response_on"] = "contact"
    assert admin.post_form("/desk/admin/sla", data).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(SlaPolicy.first_response_on).where(SlaPolicy.priority == "P4")) == "contact"
    assert admin.post_form("/desk/admin/sla", dict(data, **{"policies-0-first_response_on": "never"})
                           ).status_code == 422
    after = ticket_of(app, ticket_id)
    assert after.response_due_at != before
    assert after.response_due_at - after.created_at <= timedelta(minutes=61)
    bad = dict(data, **{"policies-1-closes": "08:00"})
    assert admin.post_form("/desk/admin/sla", bad).status_code == 422
    # Impossible values are refused with a message and the typed values stay on the page.
    negative = dict(data, **{"policies-3-response_minutes": -5})
    response = admin.post_form("/desk/admin/sla", negative)
    assert response.status_code == 422 and 'value="-5"' in response.get_data(as_text=True)
    every_day = "\n".join((date(2027, 1, 1) + timedelta(days=n)).isoformat() for n in range(60))
    response = admin.post_form("/desk/admin/sla", dict(data, **{"policies-1-holidays": every_day}),
                               headers={"Accept-Language": "en"})
    assert response.status_code == 422 and "closed for more than 31 days" in response.get_data(as_text=True)
    spring = "\n".join((date(2027, 2, 10) + timedelta(days=n)).isoformat() for n in range(7))
    assert admin.post_form("/desk/admin/sla", dict(data, **{"policies-1-holidays": spring})).status_code == 302
    assert login_as("agent").get("/desk/admin/sla").status_code == 403
