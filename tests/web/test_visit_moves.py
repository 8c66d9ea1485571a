"""The desk moves a visit to another engineer and keeps to working hours (issue 13 §3 Visits): on the planned
visits page that the dispatch board and the ticket page link to, the visit may go to another engineer (the ticket
follows when it is its current visit, under the assignment's rules); a time outside the engineer's working hours
or over another of their visits is refused next to the slot (422, nothing saved), and a supervisor may confirm a
time outside the hours with a tick."""
from datetime import UTC, datetime, timedelta

from portal.extensions import db
from portal.models import InboxItem, Notification, Ticket, TicketEvent, User, Visit
from tests.web.factories import make_ticket
from tests.web.test_visit_booking import TZ, aware, ics_of, place_visit, weekday

EN = {"Accept-Language": "en"}
CHEN, LIU = "engineer@example.com", "engineer2@example.com"


def set_hours(app, email, days=None, start=None, end=None) -> int:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        user.work_days, user.work_start, user.work_end = days, start, end
        db.session.commit()
        return user.id


def planned(app, ticket_id, hours=14, days=2):
    """A ticket assigned to 陈工 with a visit on a weekday; both engineers work Monday to Friday 09:00-18:00."""
    set_hours(app, CHEN, "12345", "09:00", "18:00")
    set_hours(app, LIU, "12345", "09:00", "18:00")
    at = weekday((datetime.now(TZ) + timedelta(days=days)).replace(hour=hours, minute=0, second=0, microsecond=0))
    return place_visit(app, ticket_id, at.astimezone(UTC)), at


def fields(visit_id, day, slot, reason="工程师调休", **more) -> dict:
    data = {f"move{visit_id}-day": day.isoformat(), f"move{visit_id}-slot": slot, f"move{visit_id}-reason": reason}
    data.update({f"move{visit_id}-{k}": v for k, v in more.items()})
    return data


def visit(app, visit_id) -> Visit:
    with app.app_context():
        return db.session.get(Visit, visit_id)


def ticket(app, ticket_id) -> Ticket:
    with app.app_context():
        return db.session.get(Ticket, ticket_id)


def events(app, ticket_id, kind) -> list[TicketEvent]:
    with app.app_context():
        return db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                               TicketEvent.kind == kind)).all()


def user_id(app, email) -> int:
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == email))


def test_the_form_offers_every_active_engineer(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    visit_id, _at = planned(app, ticket_id)
    page = login_as("agent").get(f"/desk/tickets/{ticket_id}/planned-visits", headers=EN).get_data(as_text=True)
    select = page.split(f'name="move{visit_id}-engineer_id"', 1)[1].split("</select>", 1)[0]
    assert f'selected value="{user_id(app, CHEN)}"' in select and f'value="{user_id(app, LIU)}"' in select
    assert "Mon–Fri 09:00–18:00" in select


def test_the_current_visit_goes_to_another_engineer_and_the_ticket_follows(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    visit_id, at = planned(app, ticket_id)
    liu = user_id(app, LIU)
    new_day = weekday(at + timedelta(days=1)).date()
    response = login_as("agent").post_form(f"/desk/visits/{visit_id}/move",
                                           fields(visit_id, new_day, "09:00", engineer_id=liu))
    assert response.status_code == 302
    moved = visit(app, visit_id)
    assert moved.engineer_id == liu and moved.sequence == 1
    assert aware(moved.scheduled_at) == datetime.combine(new_day, datetime.min.time().replace(hour=9),
                                                         tzinfo=TZ).astimezone(UTC)
    after = ticket(app, ticket_id)
    assert after.assignee_id == liu and after.received_at is None and after.status == "assigned"
    (assigned,) = [e for e in events(app, ticket_id, "assigned") if e.data.get("to") == liu]
    assert assigned.data["reason"] == "工程师调休"
    (event,) = events(app, ticket_id, "visit_moved")
    assert event.data["engineer"] == liu and event.data["from_engineer"] == user_id(app, CHEN)
    history = login_as("agent").get(f"/desk/tickets/{ticket_id}/part/history").get_data(as_text=True)
    assert "data-engineer-change" in history and "刘工" in history.split("data-engineer-change", 1)[1]
    # The customer is told (the engineer and the new time) with the calendar file; the new engineer has the job.
    with app.app_context():
        kinds = set(db.session.scalars(db.select(Notification.kind).where(Notification.ticket_id == ticket_id)))
        assert {"visit_moved", "engineer_assigned"} <= kinds
        assert db.session.scalar(db.select(InboxItem).where(InboxItem.user_id == liu,
                                                            InboxItem.kind == "new_assignment"))
        name = db.session.get(User, liu).name
    entry = ics_of(app, ticket_id, "visit_moved").walk("VEVENT")[0]
    assert name in str(entry["DESCRIPTION"]) and int(entry["SEQUENCE"]) == 1
    # The engineer alone may change too, at the same time.
    again = login_as("agent").post_form(f"/desk/visits/{visit_id}/move",
                                        fields(visit_id, new_day, "09:00", engineer_id=user_id(app, CHEN)))
    assert again.status_code == 302 and ticket(app, ticket_id).assignee_id == user_id(app, CHEN)


def test_a_follow_up_visit_goes_to_another_engineer_and_the_ticket_keeps_its_assignee(app, login_as):
    ticket_id = make_ticket(app, status="in_progress", priority="P3")
    visit_id, at = planned(app, ticket_id, days=3)
    liu = user_id(app, LIU)
    response = login_as("supervisor").post_form(f"/desk/visits/{visit_id}/move",
                                                fields(visit_id, at.date(), "11:00", engineer_id=liu))
    assert response.status_code == 302
    assert visit(app, visit_id).engineer_id == liu
    assert ticket(app, ticket_id).assignee_id == user_id(app, CHEN) and ticket(app, ticket_id).status == "in_progress"


def test_a_p2_visit_goes_only_to_a_senior_engineer(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P2")
    visit_id, at = planned(app, ticket_id)
    response = login_as("agent").post_form(f"/desk/visits/{visit_id}/move",
                                           fields(visit_id, at.date(), "11:00", engineer_id=user_id(app, LIU)),
                                           headers=EN)
    assert response.status_code == 422 and "senior engineer" in response.get_data(as_text=True)
    assert visit(app, visit_id).engineer_id == user_id(app, CHEN)
    assert ticket(app, ticket_id).assignee_id == user_id(app, CHEN)


def test_a_move_outside_the_working_hours_is_refused_and_a_supervisor_may_confirm_it(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    visit_id, at = planned(app, ticket_id)
    set_hours(app, CHEN, "12345", "09:00", "15:00")
    before = visit(app, visit_id).scheduled_at
    late = fields(visit_id, at.date(), "16:00", reason="客户下班后在家")
    refused = login_as("agent").post_form(f"/desk/visits/{visit_id}/move", {**late, f"move{visit_id}-override": "y"},
                                          headers=EN)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "does not work then (Mon–Fri 09:00–15:00)" in html
    assert f'id="move{visit_id}-slot-error"' in html and "客户下班后在家" in html  # next to the field, typed kept
    assert f'name="move{visit_id}-override"' not in html  # an agent cannot confirm it
    assert visit(app, visit_id).scheduled_at == before and events(app, ticket_id, "visit_moved") == []
    supervisor = login_as("supervisor")
    questioned = supervisor.post_form(f"/desk/visits/{visit_id}/move", late, headers=EN)
    assert questioned.status_code == 422 and f'name="move{visit_id}-override"' in questioned.get_data(as_text=True)
    assert visit(app, visit_id).scheduled_at == before
    confirmed = supervisor.post_form(f"/desk/visits/{visit_id}/move", {**late, f"move{visit_id}-override": "y"})
    assert confirmed.status_code == 302
    assert aware(visit(app, visit_id).scheduled_at) == at.replace(hour=16).astimezone(UTC)
    (event,) = events(app, ticket_id, "visit_moved")
    assert event.data["outside_hours"] is True
    history = supervisor.get(f"/desk/tickets/{ticket_id}/part/history", headers=EN).get_data(as_text=True)
    assert "data-outside-hours" in history


def test_a_move_onto_another_visit_of_the_new_engineer_is_refused(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    other_id = make_ticket(app, status="assigned", priority="P3", engineer=LIU)
    visit_id, at = planned(app, ticket_id)
    place_visit(app, other_id, at.replace(hour=11).astimezone(UTC), engineer=LIU)
    response = login_as("supervisor").post_form(f"/desk/visits/{visit_id}/move", fields(
        visit_id, at.date(), "11:00", engineer_id=user_id(app, LIU), override="y"), headers=EN)
    assert response.status_code == 422 and "already has a visit then" in response.get_data(as_text=True)
    assert visit(app, visit_id).engineer_id == user_id(app, CHEN)
    assert ticket(app, ticket_id).assignee_id == user_id(app, CHEN)


def test_an_unknown_or_inactive_engineer_is_refused(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    visit_id, at = planned(app, ticket_id)
    agent = login_as("agent")
    unknown = agent.post_form(f"/desk/visits/{visit_id}/move",
                              fields(visit_id, at.date(), "11:00", engineer_id="999999"), headers=EN)
    assert unknown.status_code == 422 and "Choose an active engineer." in unknown.get_data(as_text=True)
    not_engineer = agent.post_form(f"/desk/visits/{visit_id}/move", fields(
        visit_id, at.date(), "11:00", engineer_id=user_id(app, "agent@example.com")), headers=EN)
    assert not_engineer.status_code == 422 and visit(app, visit_id).engineer_id == user_id(app, CHEN)
