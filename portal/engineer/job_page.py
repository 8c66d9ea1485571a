"""The engineer's job page: everything it draws, built in one place for the page and every step that
re-renders it."""
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
    ProgressForm,
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
    Ticket,
    TicketEvent,
    Visit,
    WorkRecord,
)
from portal.services import coverage, fieldwork
from portal.services.localtime import local_today
from portal.services.transitions import allowed_actions
from portal.web.fields import to_choices

HISTORY_LIMIT = 10


def work_form(formdata=True) -> WorkForm:
    form = WorkForm() if formdata else WorkForm(formdata=None)
    parts = db.session.scalars(db.select(Part).where(Part.active.is_(True)).order_by(Part.code)).all()
    choices = to_choices([("", "—")] + [(p.id, f"{p.code} {p.name}") for p in parts])
    for entry in form.parts.entries:
        entry.form.part_id.choices = choices
    return form


def checklist_for(ticket: Ticket) -> ChecklistTemplate | None:
    return db.session.scalar(db.select(ChecklistTemplate).where(
        ChecklistTemplate.category == ticket.product_model.category))


def repair_history(ticket: Ticket) -> list[Ticket]:
    """Earlier tickets of the same unit, newest first (a repeat fault shows here): those of the registered unit
    (asset) the ticket is linked to, and those of this customer with the same serial. A serial alone proves
    nothing: typed on the portal it may be another customer's unit (the ticket then keeps it unverified), and
    that customer's tickets are none of this visit's business."""
    same_unit = []
    if ticket.asset_id:
        same_unit.append(Ticket.asset_id == ticket.asset_id)
    if ticket.serial:
        same_unit.append(and_(Ticket.serial == ticket.serial, Ticket.customer_id == ticket.customer_id))
    if not same_unit:
        return []
    return db.session.scalars(db.select(Ticket).where(or_(*same_unit), Ticket.id != ticket.id)
                              .order_by(Ticket.id.desc()).limit(HISTORY_LIMIT)).all()


def job_context(ticket: Ticket, **forms) -> dict:
    by_ticket = {"ticket_id": ticket.id}
    visits = db.session.scalars(db.select(Visit).filter_by(**by_ticket).order_by(Visit.id)).all()
    visit = fieldwork.current_visit(ticket, current_user)
    records = db.session.scalars(db.select(WorkRecord).options(joinedload(WorkRecord.parts))
                                 .filter_by(**by_ticket).order_by(WorkRecord.id)).unique().all()
    template = checklist_for(ticket)
    defaults = {"step_form": StepForm, "inspection_form": InspectionForm, "diagnosis_form": DiagnosisForm,
                "loaner_form": LoanerForm, "loaner_return_form": LoanerReturnForm, "progress_form": ProgressForm,
                "wait_form": WaitForm}
    for key, form_cls in defaults.items():
        forms.setdefault(key, form_cls(formdata=None))
    forms.setdefault("work_form", work_form(formdata=False))
    for form in forms.values():
        form.version.data = ticket.version
    locale = str(get_locale())
    flags = workflow.flags(ticket.status)
    return {
        "ticket": ticket, "visit": visit, "visits": visits, "records": records,
        "arrived": visit is not None and visit.arrived_at is not None,
        "inspections": db.session.scalars(db.select(Inspection).filter_by(**by_ticket)
                                          .order_by(Inspection.id)).all(),
        "photos": db.session.scalars(db.select(Attachment).where(
            Attachment.ticket_id == ticket.id, Attachment.purpose.in_(("inspection", "intake")))
            .order_by(Attachment.id)).all(),
        "diagnoses": db.session.scalars(db.select(Diagnosis).filter_by(**by_ticket).order_by(Diagnosis.id)).all(),
        "loaners": db.session.scalars(db.select(Loaner).filter_by(**by_ticket).order_by(Loaner.id)).all(),
        "events": db.session.scalars(db.select(TicketEvent).options(joinedload(TicketEvent.actor))
                                     .filter_by(**by_ticket).order_by(TicketEvent.id)).all(),
        "documents": db.session.scalars(db.select(Document).filter_by(**by_ticket)).all(),
        "history": repair_history(ticket),
        "warranty": coverage.ticket_cover(ticket, local_today()),
        "checklist": [{**item, "label_text": item_label(item, locale)} for item in template.items] if template else [],
        "actions": allowed_actions(ticket, current_user), "flags": flags, "visit_open": flags.visit_open,
        **forms,
    }
