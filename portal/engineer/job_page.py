"""The engineer's job page: everything it draws, built in one place for the page and every step that
re-renders it."""
import sqlalchemy as sa
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import and_, or_
from sqlalchemy.orm import joinedload

from portal.domain import workflow
from portal.engineer.forms import (
    DiagnosisForm,
    InspectionForm,
    LoanerForm,
    LoanerReturnForm,
    MeterForm,
    OnTheWayForm,
    ProgressForm,
    SerialForm,
    StepForm,
    WaitForm,
    WorkForm,
    item_label,
)
from portal.extensions import db
from portal.models import (
    Attachment,
    ChecklistTemplate,
    Diagnosis,
    Document,
    Inspection,
    Loaner,
    Part,
    PartUsage,
    ProductModel,
    Ticket,
    TicketEvent,
    User,
    WorkRecord,
)
from portal.services import coverage
from portal.services.kept import kept
from portal.services.localtime import local_today
from portal.services.presence import which_exist
from portal.services.transitions import allowed_actions
from portal.web.access import seen
from portal.web.blank_forms import blank
from portal.web.fields import to_choices

HISTORY_LIMIT = 10


def work_form(formdata=True) -> WorkForm:
    form = WorkForm() if formdata else blank(WorkForm)
    # The same list object while it is kept: a blank form's part fields keep what they drew for it.
    choices = kept("active_parts", (Part,), _part_choices)
    for entry in form.parts.entries:
        entry.form.part_id.choices = choices
    return form


def _part_choices() -> list:
    return to_choices([("", "—")] + [(r.id, f"{r.code} {r.name}") for r in db.session.execute(
        db.select(Part.id, Part.code, Part.name).where(Part.active.is_(True)).order_by(Part.code))])


def checklist_for(ticket: Ticket) -> ChecklistTemplate | None:
    return ticket.product_model.checklist


def repair_history(ticket: Ticket) -> list:
    """Earlier tickets of the same unit, newest first (a repeat fault shows here): those of the registered unit
    (asset) the ticket is linked to, and those of this customer with the same serial. A serial alone proves
    nothing: typed on the portal it may be another customer's unit (the ticket then keeps it unverified), and
    that customer's tickets are none of this visit's business."""
    statement = _HISTORY.get((bool(ticket.asset_id), bool(ticket.serial)))
    if statement is None:
        return []
    return db.session.execute(statement, {"asset_id": ticket.asset_id, "serial": ticket.serial,
                                          "customer_id": ticket.customer_id, "ticket_id": ticket.id}).all()


def _history_statement(by_asset: bool, by_serial: bool):
    same_unit = []
    if by_asset:
        same_unit.append(Ticket.asset_id == sa.bindparam("asset_id"))
    if by_serial:
        same_unit.append(and_(Ticket.serial == sa.bindparam("serial"),
                              Ticket.customer_id == sa.bindparam("customer_id")))
    # Only the four columns the list shows, as plain rows: not ten whole tickets into the session.
    return (db.select(Ticket.number, Ticket.created_at, Ticket.status, Ticket.description)
            .where(or_(*same_unit), Ticket.id != sa.bindparam("ticket_id"))
            .order_by(Ticket.id.desc()).limit(HISTORY_LIMIT))


# Built once, by whether the ticket names a registered unit, a serial or both (building a statement anew cost
# about as much as running it).
_HISTORY = {(asset, serial): _history_statement(asset, serial)
            for asset in (True, False) for serial in (True, False) if asset or serial}
# The timeline names each event's author: their name, not the whole account.
_TIMELINE = (db.select(TicketEvent).options(joinedload(TicketEvent.actor).load_only(User.id, User.name))
             .where(TicketEvent.ticket_id == sa.bindparam("ticket_id")).order_by(TicketEvent.id))


# What the job page shows of the ticket itself, read with it: its model's checklist labels the inspection, and
# its few visits come as extra rows of the same statement.
JOB_PAGE_LOADS = (joinedload(Ticket.product_model).joinedload(ProductModel.checklist), joinedload(Ticket.customer),
                  joinedload(Ticket.asset), joinedload(Ticket.visits))
# The job's own records, most of them empty for most jobs: one statement says which hold rows for the ticket,
# and only those are read.
RECORDS = {"records": WorkRecord, "inspections": Inspection, "diagnoses": Diagnosis, "loaners": Loaner,
           "documents": Document}
PHOTO_PURPOSES = ("inspection", "intake")


def _checks(ticket_id) -> dict:
    checks = {name: sa.exists().where(model.ticket_id == ticket_id) for name, model in RECORDS.items()}
    checks["photos"] = sa.exists().where(Attachment.ticket_id == ticket_id, Attachment.purpose.in_(PHOTO_PURPOSES))
    return checks


RECORD_FORMS = {"inspection_form": InspectionForm, "diagnosis_form": DiagnosisForm, "loaner_form": LoanerForm,
                "loaner_return_form": LoanerReturnForm, "progress_form": ProgressForm, "wait_form": WaitForm,
                "meter_form": MeterForm}


# Built once: constructing the statement (six EXISTS, four eager loads) was a twentieth of the page.
_JOB_CHECKS = _checks(Ticket.id)
_JOB_STATEMENT = (db.select(Ticket, *(check.label(name) for name, check in _JOB_CHECKS.items()))
                  .options(*JOB_PAGE_LOADS).where(Ticket.id == sa.bindparam("ticket_id")))


def load_job(ticket_id: int) -> tuple[Ticket, frozenset[str]]:
    """The job (404/403 as load_ticket) and which of its records exist, in one statement."""
    row = db.session.execute(_JOB_STATEMENT, {"ticket_id": ticket_id}).unique().one_or_none()
    ticket = seen(row[0] if row else None)
    return ticket, frozenset(name for name in _JOB_CHECKS if row._mapping[name])


def _rows(name: str, ticket_id: int) -> list:
    if name == "photos":
        return db.session.scalars(db.select(Attachment).where(
            Attachment.ticket_id == ticket_id, Attachment.purpose.in_(PHOTO_PURPOSES)).order_by(Attachment.id)).all()
    model = RECORDS[name]
    query = db.select(model).where(model.ticket_id == ticket_id).order_by(model.id)
    if model is WorkRecord:
        return db.session.scalars(query.options(joinedload(WorkRecord.parts).joinedload(PartUsage.part))).unique().all()
    return db.session.scalars(query).all()


def job_context(ticket: Ticket, present: frozenset[str] | None = None, **forms) -> dict:
    """`present`: which records exist, when read with the ticket (load_job)."""
    visits = ticket.visits
    # The engineer's visit not yet left (fieldwork.current_visit), from the visits already read.
    visit = next((v for v in reversed(visits) if v.engineer_id == current_user.id and v.departed_at is None), None)
    if present is None:
        present = which_exist(_checks(ticket.id))
    records = {name: _rows(name, ticket.id) if name in present else [] for name in (*RECORDS, "photos")}
    flags = workflow.flags(ticket.status)
    # The checklist labels the inspection form and the answers given; the parts list only the work form.
    template = checklist_for(ticket) if flags.visit_open or records["inspections"] else None
    # The record forms are built only while the visit is open, and only those the page then draws: a loaner's
    # return while one is out, the meter for a registered unit, the wait while the clock runs.
    # Forms not given (a post's, with its errors) are drawn empty: one instance a process each (blank_forms).
    forms.setdefault("step_form", blank(StepForm))
    drawn = {"loaner_return_form": any(loaner.returned_at is None for loaner in records["loaners"]),
             "meter_form": bool(ticket.asset_id), "wait_form": not flags.clock_paused}
    for key, form_cls in RECORD_FORMS.items():
        forms.setdefault(key, blank(form_cls) if flags.visit_open and drawn.get(key, True) else None)
    forms.setdefault("work_form", work_form(formdata=False) if flags.visit_open else None)
    actions = allowed_actions(ticket, current_user)
    forms.setdefault("on_the_way_form", blank(OnTheWayForm) if "on_my_way" in actions else None)
    forms.setdefault("serial_form", blank(SerialForm) if "confirm_serial" in actions else None)
    locale = str(get_locale())
    return {
        "ticket": ticket, "visit": visit, "visits": visits, **records,
        "arrived": visit is not None and visit.arrived_at is not None,
        "events": db.session.scalars(_TIMELINE, {"ticket_id": ticket.id}).all(),
        "history": repair_history(ticket),
        "warranty": coverage.ticket_cover(ticket, local_today()),
        "checklist": [{**item, "label_text": item_label(item, locale)} for item in template.items] if template else [],
        "actions": actions, "flags": flags, "visit_open": flags.visit_open,
        **forms,
    }
