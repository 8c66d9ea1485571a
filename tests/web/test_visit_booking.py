"""Visits after booking (issue 13): the customer books from the engineers' real free windows, moves the visit up to
the notice before, or asks for another time; the desk moves or cancels a visit with a reason; the customer and
the engineer are told, with a calendar file that replaces or cancels the first one."""
import re
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import InboxItem, Notification, Ticket, TicketEvent, User, Visit, VisitRequest
from portal.services import ServiceError
from portal.services import visits as service
from portal.tasks.mail import _attachments
from tests.web.factories import make_other_customer_login, make_ticket

EN = {"Accept-Language": "en"}
TZ = ZoneInfo("Asia/Shanghai")  # the portal's zone (BABEL_DEFAULT_TIMEZONE)
WINDOW = re.compile(r'name="slot" value="([^"]+)"')


def offered(web, ticket_id) -> list[str]:
    page = web.get(f"/my/tickets/{ticket_id}/visit", headers=EN)
    assert page.status_code == 200
    return WINDOW.findall(page.get_data(as_text=True))


def ticket_of(app, ticket_id) -> Ticket:
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        db.session.expunge(ticket)
        return ticket


def visits_of(app, ticket_id) -> list[Visit]:
    with app.app_context():
        rows = db.session.scalars(db.select(Visit).where(Visit.ticket_id == ticket_id).order_by(Visit.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def events_of(app, ticket_id, kind) -> list[TicketEvent]:
    with app.app_context():
        rows = db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                               TicketEvent.kind == kind)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def inbox_kinds(app, email) -> list[str]:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        return list(db.session.scalars(db.select(InboxItem.kind).where(InboxItem.user_id == user.id)
                                       .order_by(InboxItem.id)))


def user_by(app, email) -> int:
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == email))


def aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def weekday(moment):
    """The same time on the first Monday to Friday from `moment` on: the desk moves visits within the engineers'
    working hours (the demo's work on weekdays), whatever day the suite runs."""
    while moment.isoweekday() > 5:
        moment += timedelta(days=1)
    return moment


def only_chen_suits(app):
    """The demo's second engineer covers another region (华北) than the customer (华东): only 陈工 is offered."""
    with app.app_context():
        liu = db.session.scalar(db.select(User).where(User.email == "engineer2@example.com"))
        assert liu.region != "华东"


def place_visit(app, ticket_id, at, engineer="engineer@example.com") -> int:
    with app.app_context():
        visit = Visit(ticket_id=ticket_id, engineer_id=db.session.scalar(
            db.select(User.id).where(User.email == engineer)), scheduled_at=at)
        db.session.add(visit)
        db.session.commit()
        return visit.id


def ics_of(app, ticket_id, kind) -> Calendar:
    """The calendar file the e-mail of the latest `kind` message of the ticket carries."""
    with app.app_context():
        notice = db.session.scalar(db.select(Notification).where(Notification.ticket_id == ticket_id,
                                                                 Notification.kind == kind)
                                   .order_by(Notification.id.desc()))
        assert notice is not None, kind
        ((name, content_type, body),) = _attachments(notice, "email")
        assert content_type == "text/calendar" and name.endswith(".ics")
        return Calendar.from_ical(body)


# ---- The customer books -----------------------------------------------------------------------------------

def test_a_customer_books_a_free_window_of_an_engineer_who_suits_the_ticket(app, login_as):
    only_chen_suits(app)
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    customer = login_as("customer")
    detail = customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert "Book a visit" in detail
    windows = offered(customer, ticket_id)
    assert windows
    earliest = utcnow() + timedelta(hours=24)
    for value in windows:
        start = datetime.fromisoformat(value)
        assert start >= earliest  # the notice for changes: a booking can still be moved
        # 陈工 works Monday to Saturday, 08:30-17:30: the 16:00 window would end after his day.
        assert start.isoweekday() != 7 and start.strftime("%H:%M") in ("09:00", "11:00", "14:00")

    response = customer.post_form(f"/my/tickets/{ticket_id}/visit/book", {"slot": windows[0]}, headers=EN)
    assert response.status_code == 302
    ticket = ticket_of(app, ticket_id)
    (visit,) = visits_of(app, ticket_id)
    chen = user_by(app, "engineer@example.com")
    assert ticket.status == "assigned" and ticket.assignee_id == chen
    assert visit.engineer_id == chen and visit.booked_by_customer
    assert aware(visit.scheduled_at) == datetime.fromisoformat(windows[0])
    (booked,) = events_of(app, ticket_id, "visit_scheduled")
    assert booked.data["by_customer"] and booked.data["visit"] == visit.id and booked.customer_visible
    assert events_of(app, ticket_id, "assigned")[0].data["by_customer"]
    assert "visit_booked_staff" in inbox_kinds(app, "engineer@example.com")
    assert "visit_booked" in inbox_kinds(app, "customer@example.com")

    page = customer.get(f"/my/tickets/{ticket_id}/visit", headers=EN).get_data(as_text=True)
    assert datetime.fromisoformat(windows[0]).strftime("%Y-%m-%d %H:%M") in page
    assert windows[0] not in WINDOW.findall(page)  # its own slot is not offered to move to

    board = login_as("supervisor").get(f"/desk/dispatch?start={datetime.fromisoformat(windows[0]).date()}",
                                       headers=EN).get_data(as_text=True)
    cell = re.search(rf'<div class="board-visit booked-by-customer" data-visit="{visit.id}">.*?</div>', board, re.S)
    assert cell is not None and ticket.number in cell.group(0) and "Booked by the customer" in cell.group(0)


def test_a_window_taken_meanwhile_is_refused_with_a_clear_message_and_nothing_changes(app, login_as):
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    other_id = make_ticket(app, status="triaged", priority="P3")
    customer = login_as("customer")
    windows = offered(customer, ticket_id)
    place_visit(app, other_id, datetime.fromisoformat(windows[0]).astimezone(UTC))  # the desk was quicker
    response = customer.post_form(f"/my/tickets/{ticket_id}/visit/book", {"slot": windows[0]}, headers=EN)
    assert response.status_code == 409
    assert "no longer free" in response.get_data(as_text=True)
    assert visits_of(app, ticket_id) == [] and ticket_of(app, ticket_id).status == "triaged"


@pytest.mark.parametrize("value", ["", "tomorrow", "2026-12-01T09:00"])
def test_a_malformed_or_missing_window_is_refused_next_to_the_field(app, login_as, value):
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    response = login_as("customer").post_form(f"/my/tickets/{ticket_id}/visit/book", {"slot": value}, headers=EN)
    assert response.status_code in (409, 422)
    body = response.get_data(as_text=True)
    assert "Choose a time." in body or "Choose one of the times offered." in body or "no longer free" in body
    assert visits_of(app, ticket_id) == []


def test_an_assigned_ticket_is_booked_with_its_engineer_in_his_working_hours(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3", engineer="engineer2@example.com")
    customer = login_as("customer")
    windows = offered(customer, ticket_id)
    # 刘工 works Monday to Friday 09:00-18:00: the 16:00 window fits, weekends do not.
    assert any(value.endswith("16:00:00+08:00") for value in windows)
    assert all(datetime.fromisoformat(value).isoweekday() <= 5 for value in windows)
    assert customer.post_form(f"/my/tickets/{ticket_id}/visit/book", {"slot": windows[-1]}).status_code == 302
    (visit,) = visits_of(app, ticket_id)
    assert visit.engineer_id == user_by(app, "engineer2@example.com")
    # A second booking is refused: the one booked is moved instead.
    again = customer.post_form(f"/my/tickets/{ticket_id}/visit/book", {"slot": windows[0]}, headers=EN)
    assert again.status_code == 409 and "move it instead" in again.get_data(as_text=True)


def test_a_new_ticket_waits_for_the_desk(app, login_as):
    ticket_id = make_ticket(app, status="new")
    customer = login_as("customer")
    page = customer.get(f"/my/tickets/{ticket_id}/visit", headers=EN).get_data(as_text=True)
    assert WINDOW.findall(page) == [] and "Our service desk plans the visit with you." in page
    tomorrow = (datetime.now(TZ) + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    response = customer.post_form(f"/my/tickets/{ticket_id}/visit/book", {"slot": tomorrow.isoformat()},
                                  headers=EN)
    assert response.status_code in (403, 409)
    assert visits_of(app, ticket_id) == []


def test_two_customers_racing_for_the_last_engineer_one_wins_the_other_is_told(app):
    """Two requests at the same instant for the same window, one engineer free then: one visit, one message."""
    first = make_ticket(app, status="triaged", priority="P3")
    second = make_ticket(app, status="triaged", priority="P3")
    with app.test_request_context():
        ticket = db.session.get(Ticket, first)
        window = service.windows(ticket)[0]
        assert len(window.engineer_ids) == 1
        db.session.rollback()
    barrier = threading.Barrier(2)
    won, told, errors = [], [], []

    def book(ticket_id):
        try:
            with app.test_request_context(method="POST", headers=EN):
                customer = db.session.scalar(db.select(User).where(User.email == "customer@example.com"))
                ticket = db.session.get(Ticket, ticket_id)
                db.session.rollback()
                barrier.wait(timeout=10)
                try:
                    ticket = db.session.get(Ticket, ticket_id)
                    service.book(ticket, customer, at=window.start, version=None)
                    db.session.commit()
                    won.append(ticket_id)
                except ServiceError as refusal:
                    db.session.rollback()
                    told.append(str(refusal.message))
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=book, args=(ticket_id,)) for ticket_id in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(won) == 1 and len(told) == 1
    assert "just booked" in told[0] or "no longer free" in told[0]
    loser = second if won == [first] else first
    assert visits_of(app, loser) == [] and ticket_of(app, loser).status == "triaged"
    assert len(visits_of(app, won[0])) == 1


# ---- The customer moves, or asks for another time -----------------------------------------------------------

def test_the_customer_moves_the_visit_and_gets_an_updated_calendar_file(app, login_as):
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    customer = login_as("customer")
    windows = offered(customer, ticket_id)
    customer.post_form(f"/my/tickets/{ticket_id}/visit/book", {"slot": windows[0]})
    (visit,) = visits_of(app, ticket_id)
    choices = offered(customer, ticket_id)
    assert windows[0] not in choices
    response = customer.post_form(f"/my/tickets/{ticket_id}/visit/move", {"slot": choices[1]}, headers=EN)
    assert response.status_code == 302
    (moved,) = visits_of(app, ticket_id)
    assert moved.id == visit.id and moved.sequence == 1
    assert aware(moved.scheduled_at) == datetime.fromisoformat(choices[1])
    (event,) = events_of(app, ticket_id, "visit_moved")
    assert event.data["by_customer"] and event.data["from"] == aware(visit.scheduled_at).isoformat()
    assert "visit_moved_staff" in inbox_kinds(app, "engineer@example.com")
    assert "visit_moved" in inbox_kinds(app, "customer@example.com")
    booked, again = ics_of(app, ticket_id, "visit_booked"), ics_of(app, ticket_id, "visit_moved")
    first, second = booked.walk("VEVENT")[0], again.walk("VEVENT")[0]
    number = ticket_of(app, ticket_id).number
    assert str(first["UID"]) == str(second["UID"]) == f"visit-{visit.id}-{number}@aftersales-portal"
    assert int(first["SEQUENCE"]) == 0 and int(second["SEQUENCE"]) == 1
    assert str(again["METHOD"]) == "PUBLISH"
    assert second.decoded("DTSTART") == datetime.fromisoformat(choices[1])


def test_the_customer_cannot_move_a_visit_less_than_the_notice_before(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    soon = (utcnow() + timedelta(hours=3)).replace(second=0, microsecond=0)
    place_visit(app, ticket_id, soon)
    customer = login_as("customer")
    page = customer.get(f"/my/tickets/{ticket_id}/visit", headers=EN).get_data(as_text=True)
    assert "please call us to change it" in page and WINDOW.findall(page) == []
    later = (datetime.now(TZ) + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    response = customer.post_form(f"/my/tickets/{ticket_id}/visit/move", {"slot": later.isoformat()}, headers=EN)
    assert response.status_code == 409 and "24 hours" in response.get_data(as_text=True)
    (visit,) = visits_of(app, ticket_id)
    assert aware(visit.scheduled_at) == soon.astimezone(UTC)


def test_the_customer_asks_for_another_time_and_the_desk_sees_it_until_it_moves_the_visit(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    at = (datetime.now(TZ) + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    visit_id = place_visit(app, ticket_id, at.astimezone(UTC))
    customer = login_as("customer")
    empty = customer.post_form(f"/my/tickets/{ticket_id}/visit/ask", {"wish": "  "}, headers=EN)
    assert empty.status_code == 422 and "Tell us when suits you." in empty.get_data(as_text=True)
    wish = "周六上午 Saturday morning"
    assert customer.post_form(f"/my/tickets/{ticket_id}/visit/ask", {"wish": wish}).status_code == 302
    assert events_of(app, ticket_id, "visit_time_requested")[0].body == wish
    supervisor = login_as("supervisor")
    board = supervisor.get("/desk/dispatch", headers=EN).get_data(as_text=True)
    number = ticket_of(app, ticket_id).number
    assert f'data-visit-request="{number}"' in board and wish in board
    assert wish in supervisor.get(f"/desk/tickets/{ticket_id}/planned-visits").get_data(as_text=True)

    new_day = weekday(at + timedelta(days=1)).date()
    response = supervisor.post_form(f"/desk/visits/{visit_id}/move", {
        f"move{visit_id}-day": new_day.isoformat(), f"move{visit_id}-slot": "11:00",
        f"move{visit_id}-reason": "客户要求改期"})
    assert response.status_code == 302
    assert f'data-visit-request="{number}"' not in supervisor.get("/desk/dispatch").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(VisitRequest.handled_at).where(VisitRequest.ticket_id == ticket_id))


# ---- The desk moves or cancels --------------------------------------------------------------------------

def test_the_desk_moves_a_visit_with_a_reason_and_the_customer_sees_the_new_time(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    at = (datetime.now(TZ) + timedelta(days=2)).replace(hour=14, minute=0, second=0, microsecond=0)
    visit_id = place_visit(app, ticket_id, at.astimezone(UTC))
    agent = login_as("agent")
    panel = agent.get(f"/desk/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert f"/desk/tickets/{ticket_id}/planned-visits" in panel
    new_day = weekday(at + timedelta(days=2)).date()
    fields = {f"move{visit_id}-day": new_day.isoformat(), f"move{visit_id}-slot": "09:00"}
    no_reason = agent.post_form(f"/desk/visits/{visit_id}/move", fields, headers=EN)
    assert no_reason.status_code == 422
    body = no_reason.get_data(as_text=True)
    assert "This field is required." in body and f'value="{new_day.isoformat()}"' in body  # typed input kept
    assert aware(visits_of(app, ticket_id)[0].scheduled_at) == at.astimezone(UTC)

    response = agent.post_form(f"/desk/visits/{visit_id}/move", {**fields, f"move{visit_id}-reason": "工程师病假"})
    assert response.status_code == 302
    (visit,) = visits_of(app, ticket_id)
    new_at = datetime.combine(new_day, datetime.min.time().replace(hour=9), tzinfo=TZ)
    assert aware(visit.scheduled_at) == new_at.astimezone(UTC) and visit.sequence == 1
    (event,) = events_of(app, ticket_id, "visit_moved")
    assert event.data["reason"] == "工程师病假" and not event.data["by_customer"]
    assert "visit_moved_staff" in inbox_kinds(app, "engineer@example.com")
    customer = login_as("customer")
    shown = new_at.strftime("%Y-%m-%d %H:%M")
    assert shown in customer.get(f"/my/tickets/{ticket_id}/visit").get_data(as_text=True)
    detail = customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert shown in detail and "工程师病假" not in detail  # the reason stays internal
    assert "工程师病假" in agent.get(f"/desk/tickets/{ticket_id}/part/history").get_data(as_text=True)


def test_the_desk_cannot_move_a_visit_onto_another_of_the_engineers_visits(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    other_id = make_ticket(app, status="assigned", priority="P3")
    at = (datetime.now(TZ) + timedelta(days=2)).replace(hour=14, minute=0, second=0, microsecond=0)
    visit_id = place_visit(app, ticket_id, at.astimezone(UTC))
    other_at = weekday(at + timedelta(days=1))
    place_visit(app, other_id, other_at.astimezone(UTC))
    response = login_as("supervisor").post_form(f"/desk/visits/{visit_id}/move", {
        f"move{visit_id}-day": other_at.date().isoformat(), f"move{visit_id}-slot": "14:00",
        f"move{visit_id}-reason": "x"}, headers=EN)
    # Refused next to the slot, nothing saved (422: the desk's rule, checked before anything is written).
    assert response.status_code == 422 and "already has a visit then" in response.get_data(as_text=True)
    assert aware(visits_of(app, ticket_id)[0].scheduled_at) == at.astimezone(UTC)


def test_the_desk_cancels_a_visit_and_the_calendar_entry_is_cancelled(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    at = (datetime.now(TZ) + timedelta(days=2)).replace(hour=11, minute=0, second=0, microsecond=0)
    with app.test_request_context(method="POST"):
        ticket = db.session.get(Ticket, ticket_id)
        supervisor = db.session.scalar(db.select(User).where(User.email == "supervisor@example.com"))
        moved = Visit(ticket_id=ticket_id, engineer_id=ticket.assignee_id, scheduled_at=at.astimezone(UTC))
        db.session.add(moved)
        db.session.flush()
        visit_id = moved.id
        service.move(moved, ticket, supervisor, at=weekday(at + timedelta(days=1)).astimezone(UTC), reason="改期",
                     version=None)
        db.session.commit()
    supervisor = login_as("supervisor")
    empty = supervisor.post_form(f"/desk/visits/{visit_id}/cancel", {f"cancel{visit_id}-reason": ""}, headers=EN)
    assert empty.status_code == 422 and len(visits_of(app, ticket_id)) == 1
    response = supervisor.post_form(f"/desk/visits/{visit_id}/cancel", {f"cancel{visit_id}-reason": "客户已自行修好"})
    assert response.status_code == 302
    assert visits_of(app, ticket_id) == []
    assert ticket_of(app, ticket_id).status == "assigned"
    (event,) = events_of(app, ticket_id, "visit_cancelled")
    assert event.data["reason"] == "客户已自行修好" and event.customer_visible
    assert "visit_cancelled" in inbox_kinds(app, "customer@example.com")
    assert "visit_cancelled_staff" in inbox_kinds(app, "engineer@example.com")
    cancelled = ics_of(app, ticket_id, "visit_cancelled")
    entry = cancelled.walk("VEVENT")[0]
    assert str(cancelled["METHOD"]) == "CANCEL" and str(entry["STATUS"]) == "CANCELLED"
    assert int(entry["SEQUENCE"]) == 2 and str(entry["UID"]).startswith(f"visit-{visit_id}-")
    # The slot is free again: the customer may book anew.
    assert offered(login_as("customer"), ticket_id)


def test_a_started_visit_is_neither_moved_nor_cancelled(app, login_as):
    ticket_id = make_ticket(app, status="in_progress", priority="P3")
    with app.app_context():
        visit_id = db.session.scalar(db.select(Visit.id).where(Visit.ticket_id == ticket_id))
    supervisor = login_as("supervisor")
    assert supervisor.get(f"/desk/tickets/{ticket_id}/planned-visits", headers=EN).status_code == 200
    tomorrow = (datetime.now(TZ) + timedelta(days=2)).date().isoformat()
    moved = supervisor.post_form(f"/desk/visits/{visit_id}/move", {
        f"move{visit_id}-day": tomorrow, f"move{visit_id}-slot": "09:00", f"move{visit_id}-reason": "x"}, headers=EN)
    assert moved.status_code == 409 and "has started" in moved.get_data(as_text=True)
    cancelled = supervisor.post_form(f"/desk/visits/{visit_id}/cancel", {f"cancel{visit_id}-reason": "x"},
                                     headers=EN)
    assert cancelled.status_code == 409


# ---- Access ------------------------------------------------------------------------------------------------

def test_a_customer_books_only_for_their_own_ticket(app, login_as, client):
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    windows = offered(login_as("customer"), ticket_id)
    client.login(*make_other_customer_login(app))
    assert client.get(f"/my/tickets/{ticket_id}/visit").status_code == 403
    for path, data in (("book", {"slot": windows[0]}), ("move", {"slot": windows[0]}), ("ask", {"wish": "x"})):
        assert client.post_form(f"/my/tickets/{ticket_id}/visit/{path}", data).status_code == 403, path
    assert visits_of(app, ticket_id) == []


@pytest.mark.parametrize("role", ["engineer", "backoffice", "manager", "customer"])
def test_only_the_desk_moves_or_cancels_visits(app, login_as, role):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    at = (datetime.now(TZ) + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    visit_id = place_visit(app, ticket_id, at.astimezone(UTC))
    web = login_as(role)
    assert web.get(f"/desk/tickets/{ticket_id}/planned-visits").status_code == 403
    assert web.post_form(f"/desk/visits/{visit_id}/cancel", {f"cancel{visit_id}-reason": "x"}).status_code == 403
    assert len(visits_of(app, ticket_id)) == 1


def test_an_unknown_visit_is_404(login_as):
    assert login_as("supervisor").post_form("/desk/visits/99999/cancel", {"cancel99999-reason": "x"}).status_code \
        == 404
