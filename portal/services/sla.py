"""The SLA clock of a ticket: its timeline read from the events, the due times stored on the ticket for the
queue, and the check that marks a ticket at risk or breached and escalates. Use cases call refresh() after
every change that moves a clock (clock.moves_clock() names the event kinds); the sweep
(portal.tasks.sla) catches the changes that only time makes."""
import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app

from portal.domain import sla as clock
from portal.domain import tiers as tier_rules
from portal.domain.roles import Role
from portal.domain.time import as_utc, utcnow
from portal.domain.workflow import FINAL, OPEN_STATUSES
from portal.extensions import db
from portal.models import Customer, SlaPolicy, Ticket, User
from portal.models.ticket import SLA_NEVER
from portal.services import price_lists, security_log, signals
from portal.services.events import add_event
from portal.services.localtime import local

ESCALATION_LEVELS = ("assignee", "supervisor", "service_manager")


def policies() -> dict[str, clock.Policy]:
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    with db.session.no_autoflush:  # read while a new ticket is still pending: no extra UPDATE of it
        rows = db.session.scalars(db.select(SlaPolicy)).all()
    if not rows:  # a database emptied by hand: the documented defaults still apply
        rows = default_policies()
    return {row.priority: row.to_policy(zone) for row in rows}


def default_policies() -> list[SlaPolicy]:
    """The documented targets (portal.domain.sla.DEFAULT_TARGETS) as policy rows, business hours 9-18."""
    return [SlaPolicy(priority=p, response_minutes=r, update_minutes=u, resolution_minutes=res,
                      around_the_clock=always, weekdays=[0, 1, 2, 3, 4], opens="09:00", closes="18:00", holidays=[])
            for p, r, u, res, always in clock.DEFAULT_TARGETS]


def timeline(ticket: Ticket) -> list[clock.Change]:
    """Starts, priority changes, pauses, resumes, responses, updates and the end, from the ticket's events."""
    changes = [clock.Change(as_utc(ticket.created_at) or utcnow(), "start", None)]
    for event in ticket.events:
        change = clock.change_for(event.kind, event.data or {}, as_utc(event.created_at) or utcnow())
        if change is not None:
            changes.append(change)
    if ticket.first_response_at is not None:
        changes.append(clock.Change(as_utc(ticket.first_response_at), "responded"))
    # A ticket already waiting when read: the pause is in force even if its event is missing.
    return changes


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None and moment.tzinfo else moment


@dataclass(frozen=True)
class Targets:
    """A ticket's SLA targets: the priority policies with the first-response target shortened where the
    customer's tier or a service contract covering the unit promises sooner. `sources` says what shortened
    it: ("tier", code, minutes) and ("contract", number, minutes) for each override that applies."""

    policies: dict[str, clock.Policy]
    sources: tuple[tuple[str, str, int], ...] = ()


def targets(ticket: Ticket) -> Targets:
    """The one place that decides a ticket's targets, for the stored due and check times (refresh), the sweep,
    the ticket page and the dashboard's rollup: the priority's policy, the tier's response override and the
    response override of the contract covering the customer's unit on the ticket's creation day. Where they
    differ the shortest applies (issue 17); an override never lengthens a target and never changes the
    priority, so a safety issue keeps P1's target."""
    policies_ = policies()
    customer = ticket.customer
    sources = []
    tier = customer.tier_info if customer is not None else None
    if tier is not None and tier.response_minutes:
        sources.append(("tier", tier.code, tier.response_minutes))
    contract = _contract_at_creation(ticket)
    if contract is not None and contract.response_hours:
        sources.append(("contract", contract.number, contract.response_hours * 60))
    if not sources:
        return Targets(policies_)
    shortened = {p: dataclasses.replace(policy, response_minutes=tier_rules.response_target(
        policy.response_minutes, *(minutes for _kind, _name, minutes in sources)))
        for p, policy in policies_.items()}
    return Targets(shortened, tuple(sources))


def _contract_at_creation(ticket: Ticket):
    if ticket.customer_id is None:
        return None
    day = local(as_utc(ticket.created_at) or utcnow()).date()
    with db.session.no_autoflush:
        return price_lists.contract_for(ticket.customer_id, ticket.serial, ticket.product_model_id, day)


def reading(ticket: Ticket, now: datetime | None = None, decided: Targets | None = None) -> clock.Reading:
    # No autoflush while reading: the change being made is written once, with its due times, in one UPDATE.
    with db.session.no_autoflush:
        decided = decided or targets(ticket)
        return clock.read(timeline(ticket), decided.policies, now or utcnow())


def refresh(ticket: Ticket, now: datetime | None = None) -> clock.Reading:
    """Read the clock and store what the queue sorts and filters on."""
    result = reading(ticket, now)
    # Stored in UTC: SQLite keeps the wall-clock time and drops the offset of a business-hours calendar's zone.
    ticket.response_due_at = _utc(result.response.due_at) if result.response.stopped_at is None else None
    ticket.update_due_at = _utc(result.update.due_at) if result.update and result.update.stopped_at is None else None
    ticket.resolution_due_at = _utc(result.resolution.due_at) if result.resolution.stopped_at is None else None
    running = [d for d in (ticket.response_due_at, ticket.update_due_at, ticket.resolution_due_at) if d]
    ticket.sla_due_at = min(running) if running and ticket.status not in FINAL else None
    ticket.sla_sort_at = ticket.sla_due_at or SLA_NEVER
    ticket.sla_state = result.state
    ticket.sla_next_check_at = _utc(result.next_check_at) if ticket.status in OPEN_STATUSES else None
    return result


def refresh_customers(customer_ids) -> int:
    """The open tickets of these customers follow a change of their tier, their tier's benefits or their service
    contracts at once: the sweep only reads a ticket when its stored check time comes, which the old, longer
    target put later. Returns how many tickets were read again."""
    ids = {i for i in customer_ids if i is not None}
    if not ids:
        return 0
    db.session.flush()
    for customer in db.session.scalars(db.select(Customer).where(Customer.id.in_(ids))):
        db.session.expire(customer, ["tier_info"])  # the tier's row as it is now, not as first loaded
    tickets = db.session.scalars(db.select(Ticket).where(Ticket.customer_id.in_(ids),
                                                         Ticket.status.in_(OPEN_STATUSES))).all()
    for ticket in tickets:
        refresh(ticket)
    return len(tickets)


@signals.sla_targets_changed.connect
def _targets_changed(_sender, customer_ids=(), **_extra) -> None:
    refresh_customers(customer_ids)


def record_first_response(ticket: Ticket, user: User | None, when: datetime | None = None) -> None:
    """The first customer contact or the assignee's confirmation stops the first-response clock."""
    if ticket.first_response_at is None:
        ticket.first_response_at = when or utcnow()
        refresh(ticket)


# ---- The sweep -------------------------------------------------------------------------------------------

def _recorded(ticket: Ticket, kind: str, target: str, due: str) -> bool:
    return any(e.kind == kind and (e.data or {}).get("target") == target and (e.data or {}).get("due") == due
               for e in ticket.events)


def _escalation_people(ticket: Ticket, level: int) -> list[User]:
    role = ESCALATION_LEVELS[min(level, len(ESCALATION_LEVELS)) - 1]
    if role == "assignee" and ticket.assignee is not None:
        people = [ticket.assignee]
    elif role in ("assignee", "supervisor"):
        people = db.session.scalars(db.select(User).where(User.role == Role.SUPERVISOR, User.active.is_(True))).all()
    else:
        people = db.session.scalars(db.select(User).where(User.role == Role.ADMIN, User.active.is_(True))).all()
    manager = ticket.customer.account_manager if ticket.customer.has_account_manager else None
    # By id: User == User compares sign-in sessions (Flask-Login), which a sweep outside any request has none of.
    if manager is not None and manager.id not in {person.id for person in people}:
        people = [*people, manager]
    return list(people)


def sweep_ticket(ticket: Ticket, now: datetime) -> list[str]:
    """Mark at risk / breached once per clock and due time; a breach escalates one level. Returns new kinds."""
    result = refresh(ticket, now)
    made = []
    for reading_ in (result.response, result.update, result.resolution):
        if reading_ is None or reading_.met is True or reading_.due_at is None:
            continue
        due = reading_.due_at.astimezone(UTC).isoformat(timespec="seconds")
        if reading_.at_risk and not _recorded(ticket, "sla_at_risk", reading_.target, due):
            add_event(ticket, None, "sla_at_risk", data={"target": reading_.target, "due": due}, at=now)
            made.append("sla_at_risk")
        if reading_.breached and not _recorded(ticket, "sla_breached", reading_.target, due):
            add_event(ticket, None, "sla_breached", data={"target": reading_.target, "due": due}, at=now)
            made.append("sla_breached")
            ticket.escalation_level = min(ticket.escalation_level + 1, len(ESCALATION_LEVELS))
            people = _escalation_people(ticket, ticket.escalation_level)
            add_event(ticket, None, "escalated", at=now,
                      data={"level": ticket.escalation_level, "role": ESCALATION_LEVELS[ticket.escalation_level - 1],
                            "to": [p.id for p in people], "names": [p.name for p in people],
                            "target": reading_.target})
            made.append("escalated")
    return made


def due_for_check(now: datetime, after_id: int, limit: int) -> list[Ticket]:
    """Open tickets whose clock may have changed state since it was last read (an indexed column)."""
    return db.session.scalars(
        db.select(Ticket).where(Ticket.sla_next_check_at <= now, Ticket.status.in_(OPEN_STATUSES),
                                Ticket.id > after_id).order_by(Ticket.id).limit(limit)).all()


def save_policies(values: list[dict], rows: list[SlaPolicy], by: User | None = None) -> None:
    """An admin's new targets and calendars, one dict of columns per policy row; open tickets follow them at
    once (the sweep would, on their next check). The security log keeps what changed, before and after."""
    changed = {}
    for row, columns in zip(rows, values, strict=True):
        before = {name: getattr(row, name) for name in columns}
        for name, value in columns.items():
            setattr(row, name, value)
        if diff := security_log.changes(before, columns):
            changed[row.priority] = diff
    if changed:
        security_log.record(security_log.SLA_CHANGED, user=by, detail=changed)
    db.session.flush()
    for ticket in db.session.scalars(db.select(Ticket).where(Ticket.status.in_(OPEN_STATUSES))):
        refresh(ticket)
