"""What the engineer records on site: arrival, inspection, work done with parts, hand-over."""
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from portal.domain import workflow
from portal.domain.time import utcnow
from portal.domain.warranty import add_months
from portal.extensions import db
from portal.models import Diagnosis, Inspection, Loaner, Part, PartUsage, Ticket, User, Visit, WorkRecord
from portal.services import ServiceError, sla
from portal.services.events import add_event
from portal.services.tickets import attach_photos
from portal.services.transitions import apply_action


def current_visit(ticket: Ticket, engineer: User) -> Visit | None:
    return db.session.scalar(
        db.select(Visit)
        .where(Visit.ticket_id == ticket.id, Visit.engineer_id == engineer.id, Visit.departed_at.is_(None))
        .order_by(Visit.id.desc())
        .limit(1)
    )


def record_on_the_way(ticket: Ticket, engineer: User, *, eta_minutes: int | None) -> Visit:
    """The engineer sets off: the visit (the booked one, else a new one) records when, and the expected arrival;
    the customer is told with the engineer's name (portal.services.inbox). Once per visit: a second press or a
    replay with another key changes nothing."""
    apply_action(ticket, "on_my_way", engineer)
    visit = current_visit(ticket, engineer)
    if visit is not None and visit.arrived_at is not None:
        raise ServiceError(_l("You are already on site for this visit."), status=409)
    if visit is not None and visit.on_the_way_at is not None:
        return visit  # a second copy from the phone: the customer was told once
    now = utcnow()
    if visit is None:
        visit = Visit(ticket_id=ticket.id, engineer_id=engineer.id)
        db.session.add(visit)
    visit.on_the_way_at = now
    visit.expected_arrival_at = now + timedelta(minutes=eta_minutes) if eta_minutes else None
    add_event(ticket, engineer, "on_the_way", customer_visible=True, at=now,
              data={"name": engineer.name,
                    "eta": visit.expected_arrival_at.isoformat() if visit.expected_arrival_at else None})
    return visit


def record_arrival(ticket: Ticket, engineer: User) -> Visit:
    reopened = ticket.status == workflow.REOPENED
    apply_action(ticket, "arrive", engineer)
    visit = current_visit(ticket, engineer)
    if visit is not None and visit.arrived_at is not None and reopened:
        # The customer was not satisfied while the engineer is still there: work goes on in this visit.
        add_event(ticket, engineer, "work_resumed", customer_visible=True)
        sla.refresh(ticket)
        return visit
    if visit is not None and visit.arrived_at is not None:
        raise ServiceError(_l("Arrival is already recorded for this visit."), status=409)
    now = utcnow()
    if visit is None:
        visit = Visit(ticket_id=ticket.id, engineer_id=engineer.id)
        db.session.add(visit)
    visit.arrived_at = now
    ticket.visit_count += 1
    sla.record_first_response(ticket, engineer, now)
    add_event(ticket, engineer, "arrived", customer_visible=True)
    return visit


def record_inspection(ticket: Ticket, engineer: User, *, findings: str, photos=(), checklist=None,
                      checklist_photos=None) -> Inspection:
    """`checklist`: {item key: answer}; `checklist_photos`: {item key: [uploads]} for photo items."""
    apply_action(ticket, "inspect", engineer)
    visit = current_visit(ticket, engineer)
    inspection = Inspection(ticket_id=ticket.id, visit_id=visit.id if visit else None,
                            created_by_id=engineer.id, findings=findings, checklist=checklist or None)
    db.session.add(inspection)
    db.session.flush()
    stored = attach_photos(ticket, photos, engineer, "inspection", inspection=inspection)
    for key, uploads in (checklist_photos or {}).items():
        for attachment in attach_photos(ticket, uploads, engineer, "inspection", inspection=inspection):
            attachment.checklist_key = key
            stored.append(attachment)
    add_event(ticket, engineer, "inspected", body=findings, data={"photos": len(stored)})
    return inspection


def record_diagnosis(ticket: Ticket, engineer: User, *, cause_category: str, cause: str, workaround: str | None,
                     permanent_fix: str | None, estimated_minutes: int | None, estimated_cost) -> Diagnosis:
    apply_action(ticket, "diagnose", engineer)
    diagnosis = Diagnosis(ticket_id=ticket.id, created_by_id=engineer.id, cause_category=cause_category,
                          cause=cause, workaround=workaround or None, permanent_fix=permanent_fix or None,
                          estimated_minutes=estimated_minutes, estimated_cost=estimated_cost)
    db.session.add(diagnosis)
    add_event(ticket, engineer, "diagnosed", body=cause,
              data={"cause_category": cause_category, "workaround": bool(workaround)})
    return diagnosis


def issue_loaner(ticket: Ticket, engineer: User, *, description: str, serial: str) -> Loaner:
    apply_action(ticket, "loaner", engineer)
    loaner = Loaner(ticket_id=ticket.id, description=description, serial=serial, issued_at=utcnow(),
                    issued_by_id=engineer.id)
    db.session.add(loaner)
    add_event(ticket, engineer, "loaner_issued", body=f"{description} · {serial}", customer_visible=True)
    return loaner


def return_loaner(ticket: Ticket, engineer: User, *, loaner_id: int, note: str | None) -> Loaner:
    apply_action(ticket, "loaner", engineer)
    loaner = db.session.get(Loaner, loaner_id)
    if loaner is None or loaner.ticket_id != ticket.id:
        raise ServiceError(_l("Unknown loaner unit."), field="loaner_id")
    if loaner.returned_at is not None:
        raise ServiceError(_l("This loaner unit is already returned."), status=409)
    loaner.returned_at, loaner.returned_by_id, loaner.return_note = utcnow(), engineer.id, note or None
    add_event(ticket, engineer, "loaner_returned", body=f"{loaner.description} · {loaner.serial}",
              customer_visible=True)
    return loaner


def update_customer(ticket: Ticket, user: User, *, message: str) -> None:
    apply_action(ticket, "update_customer", user)
    sla.record_first_response(ticket, user)
    add_event(ticket, user, "customer_updated", body=message, customer_visible=True)
    sla.refresh(ticket)


def start_waiting(ticket: Ticket, engineer: User, *, waiting_for: str, reason: str) -> None:
    """Waiting for parts or for the customer: the SLA clock pauses from this event on."""
    if waiting_for not in ("parts", "customer"):
        raise ServiceError(_l("Choose what the job is waiting for."), field="waiting_for")
    apply_action(ticket, f"wait_{waiting_for}", engineer)
    add_event(ticket, engineer, f"waiting_{waiting_for}", body=reason, customer_visible=True)
    sla.refresh(ticket)


def resume_work(ticket: Ticket, engineer: User) -> None:
    apply_action(ticket, "resume", engineer)
    add_event(ticket, engineer, "resumed", customer_visible=True)
    sla.refresh(ticket)


def record_work(ticket: Ticket, engineer: User, *, work_done: str, labour_minutes: int,
                parts: list[dict], today: date) -> WorkRecord:
    """`parts`: dicts with part_id, quantity, removed_serial, installed_serial, chargeable."""
    apply_action(ticket, "record_work", engineer)
    visit = current_visit(ticket, engineer)
    record = WorkRecord(ticket_id=ticket.id, visit_id=visit.id if visit else None,
                        created_by_id=engineer.id, work_done=work_done, labour_minutes=labour_minutes)
    db.session.add(record)
    for line in parts:
        part = db.session.get(Part, line["part_id"])
        if part is None:
            raise ServiceError(_l("Unknown part."), field="parts")
        record.parts.append(PartUsage(
            ticket_id=ticket.id, part=part, quantity=line["quantity"],
            removed_serial=line.get("removed_serial") or None,
            installed_serial=line.get("installed_serial") or None,
            chargeable=bool(line.get("chargeable")),
            # An installed part carries its own warranty, counted from the day it went in.
            warranty_until=add_months(today, part.warranty_months),
        ))
    add_event(ticket, engineer, "work_recorded", body=work_done,
              data={"labour_minutes": labour_minutes, "parts": len(parts)}, customer_visible=True)
    return record


def hand_over(ticket: Ticket, engineer: User) -> None:
    has_work = db.session.scalar(db.select(WorkRecord.id).where(WorkRecord.ticket_id == ticket.id).limit(1))
    if not has_work:
        raise ServiceError(_l("Record the work done before handing over to acceptance."), status=409)
    apply_action(ticket, "resolve", engineer)
    ticket.resolved_at = utcnow()
    add_event(ticket, engineer, "resolved", customer_visible=True)
    sla.refresh(ticket)
