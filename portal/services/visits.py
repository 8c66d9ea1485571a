"""Visits after they are booked, and visits the customer books: the engineers' real free windows, a customer's
booking re-checked when confirmed (two customers racing for one slot: one gets it), moving a visit (the desk, or
the customer up to a set time before), cancelling it, and a customer's wish for another time. The customer and
the engineer are told through the ticket's events (portal.services.inbox), with a calendar file that replaces or
cancels the first one."""
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.domain import booking, workflow
from portal.domain.dispatch import Candidate, works_at
from portal.domain.roles import SUPERVISORS, Role
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Ticket, User, Visit, VisitRequest
from portal.services import ServiceError
from portal.services.dispatch import SLOTS, active_engineers, candidate, slot_time, working_hours
from portal.services.events import add_event
from portal.services.localtime import local, local_today, zone
from portal.services.tickets import assign
from portal.services.transitions import allowed_actions, apply_action, check_version
from portal.services.visit_calendar import VISIT_LENGTH

REQUESTS_SHOWN = 50


def notice() -> timedelta:
    """How long before a visit the customer may still move it (setting VISIT_CHANGE_HOURS)."""
    return timedelta(hours=current_app.config["VISIT_CHANGE_HOURS"])


def planned_visits(ticket_id: int) -> list[Visit]:
    """The ticket's visits that have not started: the ones that can be moved or cancelled."""
    with db.session.no_autoflush:
        return db.session.scalars(
            db.select(Visit).options(joinedload(Visit.engineer))
            .where(Visit.ticket_id == ticket_id, Visit.arrived_at.is_(None), Visit.departed_at.is_(None),
                   Visit.scheduled_at.is_not(None)).order_by(Visit.scheduled_at, Visit.id)).all()


def load_visit(visit_id: int) -> Visit | None:
    return db.session.get(Visit, visit_id, options=[joinedload(Visit.engineer)])


def _candidate(user: User) -> Candidate:
    """An engineer as the booking rules see them (their workload does not matter to a customer's window)."""
    return Candidate(id=user.id, name=user.name, is_senior=user.is_senior, skills=tuple(user.skills or ()),
                     region=user.region, work_days=user.work_days, work_start=user.work_start, work_end=user.work_end)


def _engineers_for(ticket: Ticket) -> list[Candidate]:
    """Who may be booked: the assigned engineer, or for an unassigned ticket the active engineers that suit it."""
    if ticket.assignee_id is not None:
        engineer = db.session.get(User, ticket.assignee_id)
        return [_candidate(engineer)] if engineer is not None and engineer.active else []
    category = ticket.product_model.category if ticket.product_model is not None else None
    region = ticket.customer.region if ticket.customer is not None else None
    return [c for c in map(_candidate, active_engineers())
            if booking.suits(c, category=category, region=region, priority=ticket.priority)]


def windows(ticket: Ticket, *, moving: Visit | None = None, now: datetime | None = None) -> list[booking.Window]:
    """The windows the customer may choose from: the next BOOKING_DAYS days, starting no sooner than the notice
    for changes (so that a booked visit can still be moved), in which an engineer for the ticket works and has
    no other visit. `moving`: the visit being moved keeps its engineer, and its own slot is not offered."""
    with db.session.no_autoflush:
        now = now or utcnow()
        engineers = _engineers_for(ticket) if moving is None else [_candidate(moving.engineer)]
        if not engineers:
            return []
        first_day = local_today(now)
        days = [first_day + timedelta(days=i) for i in range(current_app.config["BOOKING_DAYS"] + 1)]
        start = datetime.combine(first_day, time.min, tzinfo=zone()).astimezone(UTC)
        busy = {(engineer_id, at if at.tzinfo else at.replace(tzinfo=UTC)) for engineer_id, at in db.session.execute(
            db.select(Visit.engineer_id, Visit.scheduled_at).where(
                Visit.engineer_id.in_([e.id for e in engineers]), Visit.scheduled_at >= start,
                Visit.scheduled_at < start + timedelta(days=len(days) + 1)))}
        if moving is not None:
            busy.add((moving.engineer_id, aware(moving.scheduled_at)))
        return booking.free_windows(engineers, days=days, slots=SLOTS, length=VISIT_LENGTH, tz=zone(),
                                    busy=busy, earliest=local(now + notice()))


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite gives naive UTC back


def _window(ticket: Ticket, at: datetime, moving: Visit | None = None) -> booking.Window:
    """The window starting at `at`, checked again now: another booking may have taken it since it was offered."""
    found = next((w for w in windows(ticket, moving=moving) if w.start == at), None)
    if found is None:
        raise ServiceError(_l("This time is no longer free. Please choose another one."), status=409, field="slot")
    return found


def _handled(ticket: Ticket) -> None:
    db.session.execute(db.update(VisitRequest).where(VisitRequest.ticket_id == ticket.id,
                                                     VisitRequest.handled_at.is_(None))
                       .values(handled_at=utcnow()).execution_options(synchronize_session=False))


TAKEN = _l("Someone else has just booked this time. Please choose another one.")


def book(ticket: Ticket, user: User, *, at: datetime, version: int | None) -> Visit:
    """The customer books one of the offered windows. An unassigned ticket gets the engineer of the slot (the
    first of those free then, in name order); when every one of them has been booked meanwhile, nothing changes
    and the customer is told to choose again."""
    check_version(ticket, version)
    if planned_visits(ticket.id):
        raise ServiceError(_l("A visit is already booked; you can move it instead."), status=409)
    unassigned = ticket.assignee_id is None
    if unassigned and ticket.status != workflow.TRIAGED:
        raise ServiceError(_l("Our service desk plans this visit with you."), status=409)
    window = _window(ticket, at)
    apply_action(ticket, "book_visit", user,
                 refused=_l("A visit cannot be booked for this request now."))
    scheduled = window.start.astimezone(UTC)
    visit = None
    for engineer_id in window.engineer_ids:
        candidate = Visit(ticket_id=ticket.id, engineer_id=engineer_id, scheduled_at=scheduled,
                          booked_by_customer=True)
        try:
            with db.session.begin_nested():  # the same slot may have been booked since the check
                db.session.add(candidate)
        except IntegrityError:
            continue
        visit = candidate
        break
    if visit is None:
        raise ServiceError(TAKEN, status=409, field="slot")
    if unassigned:
        engineer = db.session.get(User, visit.engineer_id)
        ticket.assignee_id = engineer.id
        ticket.department_id = engineer.department_id or ticket.department_id
        ticket.received_at = None
        add_event(ticket, user, "assigned", data={"from": None, "to": engineer.id, "name": engineer.name,
                                                  "by_customer": True}, customer_visible=True)
    _handled(ticket)
    add_event(ticket, user, "visit_scheduled", customer_visible=True,
              data={"engineer": visit.engineer_id, "at": scheduled.isoformat(), "visit": visit.id,
                    "by_customer": True, "sequence": 0})
    return visit


class OffHours(ServiceError):
    """A desk move outside the engineer's working hours: a supervisor may confirm it anyway."""

    def __init__(self, engineer: User):
        super().__init__(_l("%(name)s does not work then (%(hours)s). Choose another slot or engineer.",
                            name=engineer.name, hours=working_hours(engineer)), field="slot")


def _desk_engineer(ticket: Ticket, visit: Visit, engineer: User | None) -> User:
    """The engineer a desk move gives the visit: its own, or another one under the assignment's rules."""
    if engineer is None or engineer.id == visit.engineer_id:
        return visit.engineer
    if engineer.role != Role.ENGINEER or not engineer.active:
        raise ServiceError(_l("Choose an active engineer."), field="engineer_id")
    if ticket.priority in ("P1", "P2") and not engineer.is_senior:
        raise ServiceError(_l("P1 and P2 tickets must be led by a senior engineer."), field="engineer_id")
    return engineer


def _check_desk_slot(visit: Visit, engineer: User, at: datetime, *, override: bool) -> bool:
    """A desk move keeps to the engineer's working hours (the dispatch board's rule; a supervisor may confirm a
    time outside them) and never overlaps another visit of theirs. Whether it is outside the hours (confirmed)."""
    when = local(at)
    off_hours = not works_at(candidate(engineer), when.date(), when.time())
    if off_hours and not override:
        raise OffHours(engineer)
    with db.session.no_autoflush:
        clash = db.session.scalar(db.select(Visit.id).where(
            Visit.engineer_id == engineer.id, Visit.id != visit.id, Visit.scheduled_at > at - VISIT_LENGTH,
            Visit.scheduled_at < at + VISIT_LENGTH).limit(1))
    if clash is not None:
        raise ServiceError(_l("%(name)s already has a visit then. Choose another slot.", name=engineer.name),
                           field="slot")
    return off_hours


def _is_current(visit: Visit, ticket: Ticket) -> bool:
    """The ticket's current visit: its first planned one, of the assigned engineer, before any work on site."""
    planned = planned_visits(ticket.id)
    return bool(planned) and planned[0].id == visit.id and ticket.assignee_id == visit.engineer_id


def move(visit: Visit, ticket: Ticket, user: User, *, at: datetime, reason: str | None,
         version: int | None, engineer: User | None = None, override: bool = False) -> Visit:
    """Move a visit that has not started to another time. The desk gives a reason, may choose any slot ahead in
    the engineer's working hours with no other visit of theirs (a supervisor may confirm one outside the hours:
    `override`), and may give the visit to another engineer: when it is the ticket's current visit, the ticket
    is reassigned to them too (the assignment's rules and events). The customer chooses among the offered
    windows, with the same engineer, up to the notice before."""
    check_version(ticket, version)
    if visit.arrived_at is not None or visit.departed_at is not None:
        raise ServiceError(_l("This visit has started; it cannot be moved."), status=409)
    by_customer = user.role == Role.CUSTOMER
    reason = (reason or "").strip() or None
    before = aware(visit.scheduled_at)
    previous_engineer, off_hours = visit.engineer, False
    if by_customer:
        engineer = previous_engineer
        if not booking.may_change(before, utcnow(), notice()):
            raise ServiceError(_l("The visit is less than %(hours)s hours away: please call us to change it.",
                                  hours=current_app.config["VISIT_CHANGE_HOURS"]), status=409)
        at = _window(ticket, at, moving=visit).start.astimezone(UTC)
    else:
        engineer = _desk_engineer(ticket, visit, engineer)
        if reason is None:
            raise ServiceError(_l("Give a reason for moving the visit."), field="reason")
        if at <= utcnow():
            raise ServiceError(_l("Choose a slot in the future."), field="slot")
        if at == before and engineer.id == visit.engineer_id:
            raise ServiceError(_l("The visit is at this time already."), field="slot")
        off_hours = _check_desk_slot(visit, engineer, at, override=override and user.role in SUPERVISORS)
    reassign = engineer.id != visit.engineer_id and _is_current(visit, ticket) \
        and "assign" in allowed_actions(ticket, user)
    apply_action(ticket, "move_visit", user, refused=_l("This visit cannot be moved now."))
    taken = _l("%(name)s already has a visit then. Choose another slot.", name=engineer.name)
    with db.session.no_autoflush:
        if db.session.scalar(db.select(Visit.id).where(Visit.engineer_id == engineer.id,
                                                        Visit.scheduled_at == at, Visit.id != visit.id)) is not None:
            raise ServiceError(TAKEN if by_customer else taken, status=409, field="slot")
    try:
        with db.session.begin_nested():
            visit.scheduled_at = at
            visit.engineer = engineer
            visit.sequence = (visit.sequence or 0) + 1
            visit.on_the_way_at = visit.expected_arrival_at = None
            if by_customer:
                visit.booked_by_customer = True
    except IntegrityError as clash:
        raise ServiceError(TAKEN if by_customer else taken, status=409, field="slot") from clash
    if reassign:
        assign(ticket, user, engineer=engineer, version=None, reason=reason)
    if not by_customer:
        _handled(ticket)
    data = {"visit": visit.id, "engineer": engineer.id, "from": before.isoformat(), "at": at.isoformat(),
            "reason": reason, "sequence": visit.sequence, "by_customer": by_customer, "name": engineer.name}
    if engineer.id != previous_engineer.id:
        data.update(from_engineer=previous_engineer.id, from_name=previous_engineer.name)
    if off_hours:
        data["outside_hours"] = True  # confirmed by a supervisor
    add_event(ticket, user, "visit_moved", customer_visible=True, data=data)
    return visit


def cancel(visit: Visit, ticket: Ticket, user: User, *, reason: str, version: int | None) -> None:
    """The desk cancels a visit that has not started, with a reason; its slot is free again and the customer's
    calendar entry is cancelled. The ticket stays with its engineer."""
    check_version(ticket, version)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give a reason for cancelling the visit."), field="reason")
    if visit.arrived_at is not None or visit.departed_at is not None:
        raise ServiceError(_l("This visit has started; it cannot be cancelled."), status=409)
    apply_action(ticket, "cancel_visit", user, refused=_l("This visit cannot be cancelled now."))
    data = {"visit": visit.id, "engineer": visit.engineer_id, "at": aware(visit.scheduled_at).isoformat(),
            "reason": reason, "sequence": (visit.sequence or 0) + 1}
    db.session.delete(visit)
    db.session.flush()
    add_event(ticket, user, "visit_cancelled", data=data, customer_visible=True)


def ask_for_time(ticket: Ticket, user: User, *, wish: str) -> VisitRequest:
    """None of the offered windows suits the customer: their wish goes to the dispatch board."""
    wish = (wish or "").strip()
    if not wish:
        raise ServiceError(_l("Tell us when suits you."), field="wish")
    apply_action(ticket, "ask_visit_time", user, refused=_l("A visit cannot be planned for this request now."))
    request = VisitRequest(ticket_id=ticket.id, requested_by_id=user.id, wish=wish, created_at=utcnow())
    db.session.add(request)
    add_event(ticket, user, "visit_time_requested", body=wish, customer_visible=True)
    return request


def open_requests(ticket_id: int | None = None) -> list[VisitRequest]:
    """Wishes for another visit time that the desk has not answered yet, oldest first."""
    query = db.select(VisitRequest).options(joinedload(VisitRequest.ticket).joinedload(Ticket.customer)) \
        .where(VisitRequest.handled_at.is_(None)).order_by(VisitRequest.created_at, VisitRequest.id)
    if ticket_id is not None:
        query = query.where(VisitRequest.ticket_id == ticket_id)
    return db.session.scalars(query.limit(REQUESTS_SHOWN)).all()


def desk_slot(day: date, slot: time) -> datetime:
    if slot not in SLOTS:
        raise ServiceError(_l("Choose one of the slots."), field="slot")
    return slot_time(day, slot)
