"""Dispatch: routing rules at triage, engineer suggestions, reassignment, receipt, the board and its slots."""
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.extensions import db
from portal.models import Department, RoutingRule, SlaPolicy, Ticket, TicketEvent, User, Visit
from portal.services.localtime import local_today
from tests.conftest import count_queries, user_id
from tests.web.factories import make_ticket
from tests.web.pages import whole_page

EN = {"Accept-Language": "en"}


def ticket_of(app, ticket_id) -> Ticket:
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        db.session.expunge(ticket)
        return ticket


def last_event(app, ticket_id, kind) -> TicketEvent:
    with app.app_context():
        found = db.session.scalar(db.select(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind == kind).order_by(TicketEvent.id.desc()))
        db.session.expunge(found)
        return found


def department_id(app, code) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Department.id).where(Department.code == code))


def set_user(app, email, **values):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        for name, value in values.items():
            setattr(user, name, value)
        db.session.commit()


# ---- Routing -----------------------------------------------------------------------------------------

def test_triage_applies_the_routing_rule_of_the_category(app, login_as):
    ticket_id = make_ticket(app, status="new")
    agent = login_as("agent")
    response = agent.post_form(f"/desk/tickets/{ticket_id}/triage",
                               {"category": "consultation", "priority": "P2", "reason": "x", "version": 1}, htmx=True)
    assert response.status_code == 200
    support = department_id(app, "tech_support")
    assert ticket_of(app, ticket_id).department_id == support
    assert last_event(app, ticket_id, "triaged").data["department"] == support


def test_retriage_of_an_assigned_ticket_keeps_the_engineers_department(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    repair = department_id(app, "repair")
    assert ticket_of(app, ticket_id).department_id == repair
    response = login_as("agent").post_form(f"/desk/tickets/{ticket_id}/triage", {
        "category": "consultation", "priority": "P3", "reason": "x", "version": ticket_of(app, ticket_id).version},
        htmx=True)
    assert response.status_code == 200 and ticket_of(app, ticket_id).category == "consultation"
    assert ticket_of(app, ticket_id).department_id == repair


def test_triage_without_a_rule_leaves_the_department(app, login_as):
    with app.app_context():
        db.session.execute(db.delete(RoutingRule))
        db.session.commit()
    ticket_id = make_ticket(app, status="triaged")
    assert ticket_of(app, ticket_id).department_id is None
    assert "department" not in last_event(app, ticket_id, "triaged").data


def test_the_admin_edits_routing_rules(app, login_as):
    admin = login_as("admin")
    page = admin.get("/desk/admin/routing", headers=EN).get_data(as_text=True)
    assert 'name="fault_repair"' in page and "Routing rules" in page
    warehouse, repair = department_id(app, "warehouse"), department_id(app, "repair")
    form = {"fault_repair": warehouse, "consultation": "", "complaint": repair}
    assert admin.post_form("/desk/admin/routing", form).status_code == 302
    with app.app_context():
        rules = dict(db.session.execute(db.select(RoutingRule.category, RoutingRule.department_id)).all())
    assert rules["fault_repair"] == warehouse and rules["complaint"] == repair
    assert "consultation" not in rules  # chosen "no rule"
    assert rules["other"] == department_id(app, "customer_service")  # not sent: unchanged
    bad = admin.post_form("/desk/admin/routing", {"fault_repair": "9999", "other": "abc"}, headers=EN)
    assert bad.status_code == 422 and "Not a valid choice" in bad.get_data(as_text=True)
    assert admin.post_form("/desk/admin/routing", {"fault_repair": warehouse, "csrf_token": "x"}).status_code == 400


@pytest.mark.parametrize("role", ["agent", "supervisor", "engineer", "customer", "backoffice"])
def test_only_the_admin_may_edit_routing(app, login_as, role):
    web = login_as(role)
    assert web.get("/desk/admin/routing").status_code == 403
    assert web.post_form("/desk/admin/routing", {"fault_repair": ""}).status_code == 403


def test_demo_seed_is_idempotent_for_dispatch_data(app):
    from portal.seed import demo
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(RoutingRule))
        demo.seed(with_tickets=False)
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(RoutingRule)) == before == 7
        chen = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        assert chen.skills and chen.region


# ---- Suggestions -------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def hours_not_set(app):
    """The demo engineers' working hours would make the ranking depend on when the tests run, and their home
    service points on the demo addresses: the tests of skill, workload and region leave them out; the tests of
    working hours and home points set them."""
    for email in ("engineer@example.com", "engineer2@example.com"):
        set_user(app, email, work_days=None, work_start=None, work_end=None, home_service_point_id=None)


def suggestion_items(page: str) -> list[str]:
    block = page.split('class="plain engineer-suggestions"', 1)[1].split("</ol>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", li.split(">", 1)[1])).strip() for li in block.split("<li")[1:]]


def test_suggestions_rank_by_skill_workload_region_with_reasons(app, login_as):
    # Both know displays (the factory's model); Chen is in the customer's region (华东) but busier.
    set_user(app, "engineer2@example.com", skills=["display"], region="华北")
    for _ in range(2):
        make_ticket(app, status="assigned", priority="P3")  # Chen: 2 open jobs
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    page = whole_page(login_as("agent"), f"/desk/tickets/{ticket_id}", EN)
    items = suggestion_items(page)
    assert items[0].startswith("刘工 Liu") and "knows displays · 0 open jobs · other region: 华北" in items[0]
    assert items[1].startswith("陈工 Chen") and "knows displays · 2 open jobs · same region: 华东" in items[1]
    liu = user_id(app, "engineer2@example.com")
    assert re.search(rf'<option selected value="{liu}"|<option value="{liu}" selected', page)

    # Untrained engineers come after trained ones, whatever their workload.
    set_user(app, "engineer2@example.com", skills=["appliance"])
    items = suggestion_items(whole_page(login_as("agent"), f"/desk/tickets/{ticket_id}", EN))
    assert items[0].startswith("陈工 Chen") and "not trained on displays" in items[1]


def test_who_is_at_work_now_comes_first(app, login_as):
    # Both know displays; Liu has less work but is never at work, Chen always is (whatever the test's time).
    set_user(app, "engineer2@example.com", skills=["display"], region="华东", work_days="1234567",
             work_start="00:00", work_end="00:00")
    set_user(app, "engineer@example.com", work_days="1234567", work_start="00:00", work_end="24:00")
    make_ticket(app, status="assigned", priority="P3")  # Chen: 1 open job
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    items = suggestion_items(whole_page(login_as("agent"), f"/desk/tickets/{ticket_id}", EN))
    assert items[0].startswith("陈工 Chen") and "at work now · 1 open job" in items[0]
    assert items[1].startswith("刘工 Liu") and "not at work now · 0 open jobs" in items[1]


def test_a_junior_is_listed_as_not_eligible_for_p1(app, login_as):
    set_user(app, "engineer2@example.com", skills=["display"], region="华东")
    ticket_id = make_ticket(app, status="triaged", priority="P1")
    page = whole_page(login_as("agent"), f"/desk/tickets/{ticket_id}", EN)
    items = suggestion_items(page)
    assert items[0].startswith("陈工 Chen")
    assert items[1].startswith("刘工 Liu") and "not senior: P1 and P2 need a senior engineer" in items[1]
    chen = user_id(app, "engineer@example.com")
    assert re.search(rf'<option selected value="{chen}"|<option value="{chen}" selected', page)


def test_the_suggestions_run_one_workload_query(app, login_as):
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    agent = login_as("agent")
    few = count_queries(app, agent, f"/desk/tickets/{ticket_id}/part/assign")
    with app.app_context():
        for n in range(4):
            engineer = User(email=f"extra{n}@example.com", name=f"Extra {n}", role="engineer", skills=["display"])
            engineer.set_password("x")
            db.session.add(engineer)
        db.session.commit()
    assert count_queries(app, agent, f"/desk/tickets/{ticket_id}/part/assign") == few


# ---- Assign and reassign -----------------------------------------------------------------------------

def test_reassignment_needs_a_reason_and_clears_the_receipt(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    login_as("engineer").post_form(f"/m/jobs/{ticket_id}/receipt", {"version": ticket_of(app, ticket_id).version})
    assert ticket_of(app, ticket_id).received_at is not None
    agent = login_as("agent")
    page = whole_page(agent, f"/desk/tickets/{ticket_id}", EN)
    assert 'name="reason"' in page and "Reassign engineer" in page and "received by 陈工 Chen" in page
    version = ticket_of(app, ticket_id).version
    liu = user_id(app, "engineer2@example.com")
    refused = agent.post_form(f"/desk/tickets/{ticket_id}/assign", {"engineer_id": liu, "version": version},
                              htmx=True, headers=EN)
    assert refused.status_code == 422 and "Give a reason for the reassignment." in refused.get_data(as_text=True)
    assert ticket_of(app, ticket_id).assignee_id == user_id(app, "engineer@example.com")

    done = agent.post_form(f"/desk/tickets/{ticket_id}/assign",
                           {"engineer_id": liu, "reason": "陈工病假", "version": version}, htmx=True, headers=EN)
    assert done.status_code == 200 and "receipt not yet confirmed" in done.get_data(as_text=True)
    ticket = ticket_of(app, ticket_id)
    assert ticket.assignee_id == liu and ticket.received_at is None
    assigned = last_event(app, ticket_id, "assigned")
    assert assigned.data["reason"] == "陈工病假" and assigned.data["from"] == user_id(app, "engineer@example.com")
    # The customer sees the engineer changed, not why.
    customer_page = login_as("customer").get(f"/my/tickets/{ticket_id}").get_data(as_text=True)
    assert "陈工病假" not in customer_page

    stale = agent.post_form(f"/desk/tickets/{ticket_id}/assign",
                            {"engineer_id": user_id(app, "engineer@example.com"), "reason": "回来了",
                             "version": version}, htmx=True)
    assert stale.status_code == 409 and "回来了" in stale.get_data(as_text=True)  # what was typed stays


def test_assigning_an_unknown_engineer_is_a_clear_422(app, login_as):
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    response = login_as("agent").post_form(f"/desk/tickets/{ticket_id}/assign", {"engineer_id": "99999",
                                                                                 "version": 2}, htmx=True)
    assert response.status_code == 422 and ticket_of(app, ticket_id).assignee_id is None


# ---- Receipt -----------------------------------------------------------------------------------------

def set_policy(app, priority, first_response_on):
    with app.app_context():
        db.session.scalar(db.select(SlaPolicy).where(SlaPolicy.priority == priority)).first_response_on = \
            first_response_on
        db.session.commit()


@pytest.mark.parametrize("rule, stops", [("contact_or_receipt", True), ("contact", False)])
def test_confirming_receipt_stops_the_first_response_clock_only_under_its_policy(app, login_as, rule, stops):
    set_policy(app, "P3", rule)
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    engineer = login_as("engineer")
    page = engineer.get(f"/m/jobs/{ticket_id}", headers=EN).get_data(as_text=True)
    assert f'action="/m/jobs/{ticket_id}/receipt"' in page and "data-outbox" in page
    before = ticket_of(app, ticket_id)
    response = engineer.post_form(f"/m/jobs/{ticket_id}/receipt", {"version": before.version}, htmx=True)
    assert response.status_code == 200
    assert "/receipt" not in response.get_data(as_text=True).split('id="receipt"')[1][:300]
    ticket = ticket_of(app, ticket_id)
    assert ticket.received_at is not None and ticket.status == "assigned"
    assert (ticket.first_response_at is not None) is stops
    assert (ticket.response_due_at is None) is stops
    assert last_event(app, ticket_id, "received").data == {"first_response": stops}
    desk = whole_page(login_as("agent"), f"/desk/tickets/{ticket_id}", EN)
    assert "received by 陈工 Chen (senior) at" in desk


def test_receipt_from_the_outbox_is_idempotent_and_refused_for_others(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    engineer = login_as("engineer")
    headers = {"Idempotency-Key": "receipt-key-0001-abcdef", "Accept": "application/json"}
    version = ticket_of(app, ticket_id).version
    first = engineer.post_form(f"/m/jobs/{ticket_id}/receipt", {"version": version}, headers=dict(headers))
    again = engineer.post_form(f"/m/jobs/{ticket_id}/receipt", {"version": version}, headers=dict(headers))
    assert first.status_code == again.status_code == 200 and first.json["ok"] is True
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "received")) == 1
    twice = engineer.post_form(f"/m/jobs/{ticket_id}/receipt", {"version": version}, headers={
        "Idempotency-Key": "receipt-key-0002-abcdef", "Accept": "application/json"})
    assert twice.status_code == 200 and twice.json["ok"] is True  # a second copy from the phone: nothing new
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "received")) == 1
    assert login_as("engineer2").post_form(f"/m/jobs/{ticket_id}/receipt", {}).status_code == 403
    assert engineer.post_form("/m/jobs/99999/receipt", {}).status_code == 404


# ---- The board ---------------------------------------------------------------------------------------

def schedule(app, ticket_id, engineer_email, day, hour):
    with app.app_context():
        tz = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
        db.session.add(Visit(ticket_id=ticket_id, engineer_id=user_id(app, engineer_email),
                             scheduled_at=datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)))
        db.session.commit()


def today(app) -> date:
    with app.test_request_context():
        return local_today()


def test_the_board_shows_visits_and_unassigned_tickets_by_sla(app, login_as):
    day = today(app) + timedelta(days=1)
    job = make_ticket(app, status="assigned", priority="P3")
    schedule(app, job, "engineer@example.com", day, 14)
    late = make_ticket(app, status="triaged", priority="P4")  # 24 h to respond
    urgent = make_ticket(app, status="triaged", priority="P1")  # 15 min
    make_ticket(app, status="new")  # not triaged yet: not on the board
    page = login_as("supervisor").get(f"/desk/dispatch?start={today(app).isoformat()}", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = html.split(f'data-engineer="{user_id(app, "engineer@example.com")}"', 1)[1].split("</tr>", 1)[0]
    cells = row.split("<td>")[1:]
    assert ticket_of(app, job).number in cells[1] and "14:00" in cells[1] and "华东精密" in cells[1]
    assert ticket_of(app, job).number not in cells[0]
    numbers = re.findall(r'class="unassigned-ticket" data-ticket="([^"]+)"', html)
    assert numbers == [ticket_of(app, urgent).number, ticket_of(app, late).number]
    assert 'action="/desk/dispatch/assign"' in html

    # Agents may look but not dispatch; a bad start date says so and shows today.
    assert login_as("agent").get("/desk/dispatch?start=9999-12-31").status_code == 422
    agent_page = login_as("agent").get("/desk/dispatch?start=2026-13-45", headers=EN)
    assert agent_page.status_code == 422
    text = agent_page.get_data(as_text=True)
    assert "Not a date: 2026-13-45" in text and 'action="/desk/dispatch/assign"' not in text
    assert f'data-day="{today(app).isoformat()}"' in text


@pytest.mark.parametrize("role", ["customer", "engineer", "backoffice"])
def test_the_board_is_for_the_desk(app, login_as, role):
    web = login_as(role)
    assert web.get("/desk/dispatch").status_code == 403
    assert web.post_form("/desk/dispatch/assign", {}).status_code == 403


def test_agents_cannot_assign_from_the_board(app, login_as):
    assert login_as("agent").post_form("/desk/dispatch/assign", {}).status_code == 403


def slot_form(app, ticket_id, engineer_email, day, slot="09:00", version=None):
    version = ticket_of(app, ticket_id).version if version is None else version
    return {"ticket": f"{ticket_id}:{version}", "engineer_id": user_id(app, engineer_email),
            "day": day.isoformat(), "slot": slot}


def test_slot_assignment_creates_a_visit_and_refuses_a_taken_slot(app, login_as):
    day = today(app) + timedelta(days=2)
    supervisor = login_as("supervisor")
    first = make_ticket(app, status="triaged", priority="P3")
    response = supervisor.post_form("/desk/dispatch/assign", slot_form(app, first, "engineer2@example.com", day,
                                                                       "11:00"))
    assert response.status_code == 302
    ticket = ticket_of(app, first)
    assert ticket.assignee_id == user_id(app, "engineer2@example.com") and ticket.status == "assigned"
    with app.app_context():
        visit = db.session.scalar(db.select(Visit).where(Visit.ticket_id == first))
        tz = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
        at = visit.scheduled_at if visit.scheduled_at.tzinfo else visit.scheduled_at.replace(tzinfo=ZoneInfo("UTC"))
        assert at.astimezone(tz) == datetime.combine(day, time(11), tzinfo=tz)
    board = supervisor.get(f"/desk/dispatch?start={day.isoformat()}").get_data(as_text=True)
    assert ticket.number in board.split('id="unassigned"')[0]

    second = make_ticket(app, status="triaged", priority="P3")
    taken = supervisor.post_form("/desk/dispatch/assign", slot_form(app, second, "engineer2@example.com", day,
                                                                    "11:00"), htmx=True, headers=EN)
    assert taken.status_code == 409
    html = taken.get_data(as_text=True)
    assert "already has a visit on" in html
    liu = user_id(app, "engineer2@example.com")
    # What was chosen is still chosen.
    assert re.search(rf'<option selected value="{liu}"|<option value="{liu}" selected', html)
    assert re.search(rf'<option selected value="{second}:\d+"|<option value="{second}:\d+" selected', html)
    assert f'value="{day.isoformat()}"' in html
    assert ticket_of(app, second).assignee_id is None
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Visit)) == 1


def test_slot_assignment_keeps_the_assignment_rules(app, login_as):
    day = today(app) + timedelta(days=1)
    supervisor = login_as("supervisor")
    p1 = make_ticket(app, status="triaged", priority="P1")
    junior = supervisor.post_form("/desk/dispatch/assign", slot_form(app, p1, "engineer2@example.com", day),
                                  htmx=True, headers=EN)
    assert junior.status_code == 422 and "must be led by a senior engineer" in junior.get_data(as_text=True)
    assert ticket_of(app, p1).assignee_id is None

    stale = supervisor.post_form("/desk/dispatch/assign", slot_form(app, p1, "engineer@example.com", day,
                                                                    version=1), htmx=True, headers=EN)
    assert stale.status_code == 409 and "Someone else changed this ticket" in stale.get_data(as_text=True)

    for bad in ({"ticket": "99999:1"}, {"engineer_id": "99999"}, {"day": "2026-02-30"}, {"slot": "10:30"},
                {"ticket": "abc"}, {"day": "9999-12-31"}, {"day": (day - timedelta(days=3)).isoformat()}):
        form = {**slot_form(app, p1, "engineer@example.com", day), **bad}
        response = supervisor.post_form("/desk/dispatch/assign", form, htmx=True)
        assert response.status_code == 422, bad
    assigned = make_ticket(app, status="assigned", priority="P3")
    again = supervisor.post_form("/desk/dispatch/assign", slot_form(app, assigned, "engineer2@example.com", day),
                                 htmx=True)
    assert again.status_code == 409
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Visit)) == 0


def test_the_board_runs_a_fixed_number_of_queries(app, login_as):
    supervisor = login_as("supervisor")
    start = today(app)
    job = make_ticket(app, status="assigned", priority="P3")
    schedule(app, job, "engineer@example.com", start, 9)
    make_ticket(app, status="triaged", priority="P3")
    few = count_queries(app, supervisor, f"/desk/dispatch?start={start.isoformat()}")
    for n in range(3):
        job = make_ticket(app, status="assigned", priority="P3", engineer="engineer2@example.com")
        schedule(app, job, "engineer2@example.com", start + timedelta(days=n), 11)
        make_ticket(app, status="triaged", priority="P4")
    with app.app_context():
        engineer = User(email="extra@example.com", name="Extra", role="engineer")
        engineer.set_password("x")
        db.session.add(engineer)
        db.session.commit()
    assert count_queries(app, supervisor, f"/desk/dispatch?start={start.isoformat()}") == few


def test_the_board_lists_only_the_most_urgent_unassigned_tickets(app, login_as, monkeypatch):
    from portal.services import dispatch as dispatch_service
    monkeypatch.setattr(dispatch_service, "UNASSIGNED_SHOWN", 2)
    relaxed = make_ticket(app, status="triaged", priority="P4")
    urgent = [make_ticket(app, status="triaged", priority="P1") for _ in range(2)]
    html = login_as("supervisor").get("/desk/dispatch", headers=EN).get_data(as_text=True)
    numbers = re.findall(r'class="unassigned-ticket" data-ticket="([^"]+)"', html)
    assert numbers == [ticket_of(app, t).number for t in urgent]
    assert ticket_of(app, relaxed).number not in numbers
    assert "The 2 most urgent of 3 are shown." in html and "assignee=none" in html


def _point_id(app, name: str) -> int:
    from portal.models import ServicePoint
    with app.app_context():
        return db.session.scalar(db.select(ServicePoint.id).where(ServicePoint.name == name))


def test_an_engineer_based_in_the_service_address_city_comes_before_a_lighter_load(app, login_as):
    # Both know displays; Liu has less work, but is based in Beijing and the customer is in Suzhou.
    set_user(app, "engineer2@example.com", skills=["display"], region="华东",
             home_service_point_id=_point_id(app, "北京服务中心"))
    set_user(app, "engineer@example.com", home_service_point_id=_point_id(app, "苏州服务中心"))
    make_ticket(app, status="assigned", priority="P3")  # Chen: 1 open job
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        ticket.service_address = "江苏省苏州市工业园区星湖街 328 号"
        db.session.commit()
    items = suggestion_items(whole_page(login_as("agent"), f"/desk/tickets/{ticket_id}", EN))
    assert items[0].startswith("陈工 Chen") and "based in 苏州服务中心 · 1 open job" in items[0]
    assert items[1].startswith("刘工 Liu") and "based elsewhere: 北京服务中心 · 0 open jobs" in items[1]


def test_the_board_shows_home_points_and_hours_and_refuses_a_slot_off_work(app, login_as):
    day = today(app) + timedelta(days=1)
    while day.isoweekday() != 6:  # a Saturday
        day += timedelta(days=1)
    set_user(app, "engineer2@example.com", work_days="12345", work_start="09:00", work_end="15:00",
             home_service_point_id=_point_id(app, "北京服务中心"))
    supervisor = login_as("supervisor")
    html = supervisor.get(f"/desk/dispatch?start={day.isoformat()}", headers=EN).get_data(as_text=True)
    liu = html.split(f'data-engineer="{user_id(app, "engineer2@example.com")}"', 1)[1].split("</tr>", 1)[0]
    assert "北京服务中心" in liu and "Mon–Fri 09:00–15:00" in liu
    assert liu.count('data-off="day"') == 2  # Saturday and Sunday
    assert "Not working at 16:00" in liu  # the weekdays end at 15:00
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    refused = supervisor.post_form("/desk/dispatch/assign", slot_form(app, ticket_id, "engineer2@example.com", day,
                                                                      "09:00"), htmx=True, headers=EN)
    assert refused.status_code == 422 and "does not work then" in refused.get_data(as_text=True)
    monday = day + timedelta(days=2)
    assert supervisor.post_form("/desk/dispatch/assign", slot_form(
        app, ticket_id, "engineer2@example.com", monday, "14:00")).status_code == 302
