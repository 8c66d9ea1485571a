"""Engineer pages, phone first: my jobs, a job with its forms, and the customer's signing screen."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, current_app, redirect, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from portal import labels
from portal.access import load_ticket, roles_required
from portal.domain import workflow
from portal.domain.warranty import in_warranty
from portal.engineer import bp
from portal.engineer.forms import (
    AcceptanceForm,
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
from portal.forms import to_choices
from portal.models import (
    Attachment,
    ChecklistTemplate,
    Customer,
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
from portal.models._base import as_utc
from portal.services import acceptance as acceptance_service
from portal.services import fieldwork
from portal.services.tickets import local_today
from portal.web import render

# Statuses in which the engineer's visit forms are offered. Wider than what the workflow allows right
# now on purpose: offline, arrival, inspection and work are queued in a row before the server sees any.
VISIT_STATUSES = frozenset({workflow.ASSIGNED, workflow.IN_PROGRESS, workflow.WAITING_PARTS,
                            workflow.WAITING_CUSTOMER, workflow.REOPENED})
HISTORY_LIMIT = 10


def work_form(formdata=True) -> WorkForm:
    form = WorkForm() if formdata else WorkForm(formdata=None)
    parts = db.session.scalars(db.select(Part).order_by(Part.code)).all()
    choices = to_choices([("", "—")] + [(p.id, f"{p.code} {p.name}") for p in parts])
    for entry in form.parts.entries:
        entry.form.part_id.choices = choices
    return form


def checklist_for(ticket: Ticket) -> ChecklistTemplate | None:
    return db.session.scalar(db.select(ChecklistTemplate).where(
        ChecklistTemplate.category == ticket.product_model.category))


def warranty_state(ticket: Ticket, today: date) -> dict:
    asset = ticket.asset
    ends = [d for d in (asset.warranty_end, asset.extended_warranty_end) if d] if asset else []
    end = max(ends, default=None)
    return {"end": end, "in_warranty": in_warranty(end, today), "known": end is not None}


def repair_history(ticket: Ticket) -> list[Ticket]:
    """Earlier tickets of the same unit, newest first (a repeat fault shows here)."""
    if not ticket.serial and not ticket.asset_id:
        return []
    same_unit = Ticket.asset_id == ticket.asset_id if ticket.asset_id else Ticket.serial == ticket.serial
    return db.session.scalars(db.select(Ticket).where(same_unit, Ticket.id != ticket.id)
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
        "warranty": warranty_state(ticket, local_today()),
        "checklist": [{**item, "label_text": item_label(item, locale)} for item in template.items] if template else [],
        "actions": workflow.allowed_actions(ticket.status, current_user.role,
                                            is_assignee=ticket.assignee_id == current_user.id),
        "visit_open": ticket.status in VISIT_STATUSES,
        **forms,
    }


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)


@bp.get("/jobs")
@roles_required("engineer")
def my_jobs():
    jobs = db.session.scalars(
        db.select(Ticket).options(joinedload(Ticket.customer), joinedload(Ticket.product_model))
        .where(Ticket.assignee_id == current_user.id, Ticket.status.in_(workflow.ENGINEER_ACTIVE))
        .order_by(Ticket.priority, Ticket.id)).all()
    visits = db.session.scalars(db.select(Visit).where(
        Visit.engineer_id == current_user.id, Visit.ticket_id.in_([j.id for j in jobs]),
        Visit.departed_at.is_(None)).order_by(Visit.scheduled_at)).all() if jobs else []
    scheduled = {v.ticket_id: v.scheduled_at for v in visits if v.scheduled_at}
    _, tomorrow = _day_bounds(local_today())
    today = [j for j in jobs if j.id not in scheduled or as_utc(scheduled[j.id]) < tomorrow]
    upcoming = sorted((j for j in jobs if j not in today), key=lambda j: scheduled[j.id])
    q = request.args.get("q", "").strip()
    older = []
    if q:
        pattern = f"%{q}%"
        older = db.session.scalars(
            db.select(Ticket).join(Ticket.customer).options(joinedload(Ticket.customer))
            .where(Ticket.assignee_id == current_user.id, Ticket.status.in_((workflow.CLOSED, workflow.CANCELLED)),
                   or_(Ticket.number.ilike(pattern), Ticket.serial.ilike(pattern), Customer.name.ilike(pattern)))
            .order_by(Ticket.id.desc()).limit(20)).all()
    return render("engineer/jobs.html", today=today, upcoming=upcoming, scheduled=scheduled, older=older, q=q,
                  jobs=jobs)



@bp.get("/jobs/<int:ticket_id>")
@roles_required("engineer")
def job_detail(ticket_id: int):
    return render("engineer/job.html", "engineer/_job.html", **job_context(load_ticket(ticket_id)))


def acceptance_context(ticket: Ticket, form: AcceptanceForm) -> dict:
    summary = acceptance_service.work_summary(ticket)
    form.summary_sha256.data = acceptance_service.summary_hash(ticket)
    return {"ticket": ticket, "form": form, "summary": summary, "labels": labels,
            "preview": ticket.status != workflow.RESOLVED}


def signing_from(form: AcceptanceForm) -> acceptance_service.Signing:
    """The form's answer and the request's evidence (device clock at send time, browser, address)."""
    latitude, longitude, accuracy = form.location()
    sent = request.headers.get("X-Client-Sent-At") or form.client_sent_at.data
    return acceptance_service.Signing(
        signer_name=form.signer_name.data, shown_summary_sha256=form.summary_sha256.data,
        signature_png=form.signature_png, client_signed_at=acceptance_service.parse_client_time(form.client_time.data),
        client_sent_at=acceptance_service.parse_client_time(sent),
        functional_check=form.functional_check.data or None,
        customer_verification=form.customer_verification.data or None,
        rating=int(form.rating.data) if form.rating.data else None, comment=form.comment.data or None,
        user_agent=request.user_agent.string, ip_address=request.remote_addr,
        latitude=latitude, longitude=longitude, accuracy_m=accuracy)


# Open while the work is on site or handed over: a page the phone keeps, so the customer can read and
# sign with no signal (the signature goes through the outbox like any other form).
ACCEPTANCE_PAGE_STATUSES = frozenset({workflow.IN_PROGRESS, workflow.RESOLVED})


@bp.get("/jobs/<int:ticket_id>/acceptance")
@roles_required("engineer")
def acceptance(ticket_id: int):
    ticket = load_ticket(ticket_id)
    if ticket.status == workflow.CLOSED:
        return redirect(url_for("engineer.job_detail", ticket_id=ticket.id))
    if ticket.status not in ACCEPTANCE_PAGE_STATUSES:
        abort(409)
    return render("engineer/acceptance.html", "engineer/_acceptance_form.html",
                  **acceptance_context(ticket, AcceptanceForm()))


@bp.get("/jobs/<int:ticket_id>/acceptance/preview")
@roles_required("engineer")
def acceptance_preview(ticket_id: int):
    """The confirmation as it will print, before the customer signs; kept on the phone with the job."""
    from types import SimpleNamespace

    from portal.models._base import utcnow
    from portal.pdf import render_html
    from portal.services.confirmation import confirmation_context

    ticket = load_ticket(ticket_id)
    if ticket.status not in ACCEPTANCE_PAGE_STATUSES:
        abort(409)
    unsigned = SimpleNamespace(
        engineer=ticket.assignee, signer_name="—", comment=None, functional_check=None, customer_verification=None,
        rating=None, clock_skew_seconds=None, clock_skew_flagged=False, latitude=None, longitude=None,
        location_accuracy_m=None, remote_link_id=None, client_signed_at=None, server_received_at=utcnow(),
        verification_code="", summary_sha256=acceptance_service.summary_hash(ticket))
    ctx = confirmation_context(ticket, unsigned, None, preview=True)
    ctx["font_family"] = current_app.config["PDF_FONT_FAMILY"]
    response = current_app.response_class(render_html(ctx), mimetype="text/html")
    response.headers["Cache-Control"] = "private"
    return response
