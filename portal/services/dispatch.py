"""Dispatch use cases: engineer suggestions, receipt confirmation, the board and its slots."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.domain import dispatch as ranking
from portal.domain import workflow
from portal.domain.roles import Role
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Customer, SlaPolicy, Ticket, User, Visit
from portal.services import ServiceError
from portal.services import sla as sla_service
from portal.services.events import add_event
from portal.services.localtime import local, zone
from portal.services.tickets import assign
from portal.services.transitions import apply_action, check_version

# The board's fixed visit slots, in the portal's time zone.
SLOTS = (time(9, 0), time(11, 0), time(14, 0), time(16, 0))
BOARD_DAYS = 5


# ---- Suggestions -------------------------------------------------------------------------------------

def open_workload(engineer_ids: list[int] | None = None) -> dict[int, int]:
    """Open tickets per assignee, for these engineers at once (one GROUP BY). Naming them lets the
    (assignee_id, status) index answer from its own entries instead of reading every open ticket."""
    who = Ticket.assignee_id.in_(engineer_ids) if engineer_ids is not None else Ticket.assignee_id.is_not(None)
    return dict(db.session.execute(
        db.select(Ticket.assignee_id, db.func.count()).where(who, Ticket.status.in_(workflow.OPEN_STATUSES))
        .group_by(Ticket.assignee_id)).all())


def active_engineers() -> list[User]:
    """Active engineers with their home service point (read in the same statement)."""
    return db.session.scalars(
        db.select(User).options(joinedload(User.home_service_point))
        .where(User.role == Role.ENGINEER, User.active.is_(True)).order_by(User.name)).all()


def candidate(e: User, open_jobs: int = 0) -> ranking.Candidate:
    point = e.home_service_point
    return ranking.Candidate(id=e.id, name=e.name, is_senior=e.is_senior, skills=tuple(e.skills or ()),
                             region=e.region, open_jobs=open_jobs, work_days=e.work_days,
                             work_start=e.work_start, work_end=e.work_end,
                             home_point=point.name if point is not None else None,
                             home_city=(ranking.city_of(point.address) or ranking.city_of(point.name))
                             if point is not None else None)


def candidates(engineers: list[User]) -> list[ranking.Candidate]:
    load = open_workload([e.id for e in engineers])
    return [candidate(e, load.get(e.id, 0)) for e in engineers]


def suggestions(ticket: Ticket, engineers: list[User] | None = None) -> list[ranking.Suggestion]:
    with db.session.no_autoflush:
        engineers = active_engineers() if engineers is None else engineers
        return ranking.rank(candidates(engineers), category=ticket.product_model.category,
                            region=ticket.customer.region, priority=ticket.priority, at=local(utcnow()),
                            address=ticket.visit_address)


# ---- Receipt -----------------------------------------------------------------------------------------

def confirm_receipt(ticket: Ticket, engineer: User) -> None:
    """The assignee has the job. Under the 'contact_or_receipt' policy this is the first response."""
    with db.session.no_autoflush:
        policy = db.session.scalar(db.select(SlaPolicy).where(SlaPolicy.priority == ticket.priority))
    apply_action(ticket, "confirm_receipt", engineer)
    if ticket.received_at is not None:
        return  # a second tap, or a second copy from the phone's outbox: already done
    now = utcnow()
    ticket.received_at = now
    stops_clock = policy is None or policy.first_response_on == "contact_or_receipt"
    if stops_clock:
        sla_service.record_first_response(ticket, engineer, now)
    add_event(ticket, engineer, "received", data={"first_response": stops_clock}, at=now)


# ---- The board ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BoardVisit:
    ticket_id: int
    number: str
    customer: str
    at: datetime  # local time
    visit_id: int = 0
    by_customer: bool = False  # the customer chose the slot on the portal


@dataclass
class Board:
    start: date
    days: list[date]
    engineers: list[User]
    visits: dict[tuple[int, date], list["BoardVisit"]]
    unassigned: list[Ticket]  # the UNASSIGNED_SHOWN most urgent
    unassigned_total: int
    workload: dict[int, int]


UNASSIGNED_SHOWN = 50


def board(start: date) -> Board:
    """Engineers by the days from `start`, their scheduled visits, and the open tickets nobody has: 4 queries."""
    tz = zone()
    days = [start + timedelta(days=i) for i in range(BOARD_DAYS)]
    first = datetime.combine(start, time.min, tzinfo=tz).astimezone(UTC)  # stored in UTC (SQLite keeps no zone)
    engineers = active_engineers()
    rows = db.session.execute(
        db.select(Visit.engineer_id, Visit.scheduled_at, Ticket.id, Ticket.number, Customer.name, Visit.id,
                  Visit.booked_by_customer)
        .join(Ticket, Visit.ticket_id == Ticket.id).join(Customer, Ticket.customer_id == Customer.id)
        .where(Visit.scheduled_at >= first, Visit.scheduled_at < first + timedelta(days=BOARD_DAYS))
        .order_by(Visit.scheduled_at, Visit.id)).all()
    visits: dict[tuple[int, date], list[BoardVisit]] = {}
    for engineer_id, scheduled_at, ticket_id, number, customer, visit_id, by_customer in rows:
        at = local(scheduled_at)
        visits.setdefault((engineer_id, at.date()), []).append(
            BoardVisit(ticket_id, number, customer, at, visit_id, bool(by_customer)))
    waiting = (Ticket.assignee_id.is_(None), Ticket.status.in_(workflow.UNASSIGNED))
    unassigned = db.session.scalars(
        db.select(Ticket).options(joinedload(Ticket.customer)).where(*waiting)
        .order_by(Ticket.sla_sort_at, Ticket.id).limit(UNASSIGNED_SHOWN)).all()
    total = len(unassigned) if len(unassigned) < UNASSIGNED_SHOWN else db.session.scalar(
        db.select(db.func.count()).select_from(Ticket).where(*waiting))
    return Board(start=start, days=days, engineers=engineers, visits=visits, unassigned=unassigned,
                 unassigned_total=total, workload=open_workload([e.id for e in engineers]))


WEEKDAYS = (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun"))


def working_hours(engineer: User) -> str:
    """"Mon–Fri 08:30–17:30" (周一–周五), or the days listed when they do not follow on; empty when not set."""
    if not (engineer.work_days or engineer.work_start):
        return ""
    days = sorted({int(d) for d in engineer.work_days or "1234567"})
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        shown = f"{WEEKDAYS[days[0] - 1]}–{WEEKDAYS[days[-1] - 1]}"
    else:
        shown = " ".join(str(WEEKDAYS[d - 1]) for d in days)
    return f"{shown} {engineer.work_start or '00:00'}–{engineer.work_end or '24:00'}"


def off_slots(board: "Board") -> dict[tuple[int, date], list[time]]:
    """The slots each engineer does not work, per day shown, for the board to mark."""
    off = {}
    for e in board.engineers:
        who = candidate(e)
        for day in board.days:
            if slots := [slot for slot in SLOTS if not ranking.works_at(who, day, slot)]:
                off[(e.id, day)] = slots
    return off


def slot_time(day: date, slot: time) -> datetime:
    """The slot's moment in UTC, as visits are stored."""
    return datetime.combine(day, slot, tzinfo=zone()).astimezone(UTC)


def assign_slot(ticket: Ticket, user: User, *, engineer: User, day: date, slot: time,
                version: int | None) -> Visit:
    """Assign from the board: the assignment's rules, then a visit in a slot the engineer has free."""
    if slot not in SLOTS:
        raise ServiceError(_l("Choose one of the slots."), field="slot")
    check_version(ticket, version)
    if ticket.assignee_id is not None:
        raise ServiceError(_l("This ticket is already assigned; reassign it on the ticket page."), status=409)
    if not ranking.works_at(candidate(engineer), day, slot):
        raise ServiceError(_l("%(name)s does not work then (%(hours)s). Choose another slot or engineer.",
                              name=engineer.name, hours=working_hours(engineer)), field="slot")
    at = slot_time(day, slot)
    with db.session.no_autoflush:
        taken = db.session.scalar(db.select(Visit.id).where(Visit.engineer_id == engineer.id,
                                                            Visit.scheduled_at == at))
    taken_message = _l("%(name)s already has a visit on %(day)s at %(time)s. Choose another slot.",
                       name=engineer.name, day=day.isoformat(), time=slot.strftime("%H:%M"))
    if taken is not None:
        raise ServiceError(taken_message, status=409, field="slot")
    assign(ticket, user, engineer=engineer, version=None)
    visit = Visit(ticket_id=ticket.id, engineer_id=engineer.id, scheduled_at=at)
    try:
        with db.session.begin_nested():  # another booking of the slot may have landed since the check
            db.session.add(visit)
    except IntegrityError as clash:
        raise ServiceError(taken_message, status=409, field="slot") from clash
    add_event(ticket, user, "visit_scheduled", data={"engineer": engineer.id, "at": at.isoformat(), "visit": visit.id})
    return visit
