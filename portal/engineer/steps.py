"""On-site steps. Each is one form that posts on its own, through the one form path (portal.web.forms): as htmx
(answers the #job fragment), as a plain post (redirects), or from the phone's outbox (answers JSON and carries
an Idempotency-Key). A replay that no longer fits its ticket is kept as a conflict, never dropped."""
from flask import abort, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal import labels
from portal.domain import workflow
from portal.domain.roles import ENGINEERS
from portal.engineer.blueprint import bp
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
)
from portal.engineer.job_page import checklist_for, job_context, work_form
from portal.engineer.views import acceptance_page
from portal.extensions import db
from portal.models import Part, Ticket
from portal.services import acceptance as acceptance_service
from portal.services import conflicts, device_labels, dispatch, fieldwork, proactive
from portal.services.localtime import local_today
from portal.web.access import roles_required
from portal.web.conflicts import from_outbox, keep_conflict
from portal.web.errors import wants_json
from portal.web.forms import refused, saved, submit
from portal.web.idempotency import idempotent
from portal.web.render import redirect_to, render
from portal.web.signing import AcceptanceForm, signing_from


def _load(ticket_id: int) -> tuple[Ticket, str | None]:
    """The ticket, and why a submission for it is now a conflict (None when it still fits)."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        abort(404)
    if ticket.assignee_id == current_user.id:
        if workflow.flags(ticket.status).final and from_outbox():
            return ticket, _("The ticket was %(status)s while this was waiting on the phone.",
                             status=str(labels.STATUS.get(ticket.status, ticket.status)))
        return ticket, None
    if from_outbox() and conflicts.was_assigned_to(ticket, current_user):
        return ticket, _("The job was reassigned to someone else while this was waiting on the phone.")
    abort(403)


def _render_job(ticket, http_status=200, **forms):
    return render("engineer/job.html", "engineer/_job.html", http_status=http_status,
                  **job_context(ticket, **forms))


def _refusal(ticket: Ticket, form, page):
    """A refused step: a replay that the ticket moved past meanwhile becomes a conflict; anything else comes
    back to the form."""
    def again(status, error):
        if error is not None and error.status == 409 and from_outbox() and workflow.flags(ticket.status).final:
            return keep_conflict(ticket, current_user, str(error.message))
        return refused(form, status, page, error)
    return again


def run_step(ticket_id: int, form, form_key: str, use_case, message: str, validate=None, success_url=None,
             shown_after=None):
    """`shown_after(result)`: forms the re-drawn job shows after success (say, a confirmation on its form)."""
    ticket, conflict = _load(ticket_id)
    if conflict:
        return keep_conflict(ticket, current_user, conflict)

    def done(_result):
        body = {"status": ticket.status, "version": ticket.version}
        if success_url:
            return {"ok": True, "message": str(message), **body, "redirect": success_url} if wants_json() \
                else redirect_to(success_url)
        return saved(message, url_for("engineer.job_detail", ticket_id=ticket.id),
                     fragment=lambda: _render_job(ticket, **(shown_after(_result) if shown_after else {})),
                     json=body)

    page = _refusal(ticket, form, lambda code: _render_job(ticket, code, **{form_key: form}))
    return submit(form, lambda f: use_case(ticket, f), done=done, again=page,
                  validate=validate or (lambda f: f.validate_on_submit()))


@bp.post("/jobs/<int:ticket_id>/receipt")
@roles_required(*ENGINEERS)
@idempotent
def confirm_receipt(ticket_id: int):
    return run_step(ticket_id, StepForm(), "step_form",
                    lambda t, f: dispatch.confirm_receipt(t, current_user), _("Receipt confirmed."))


@bp.post("/jobs/<int:ticket_id>/on-my-way")
@roles_required(*ENGINEERS)
@idempotent
def on_my_way(ticket_id: int):
    return run_step(ticket_id, OnTheWayForm(), "on_the_way_form", lambda t, f: fieldwork.record_on_the_way(
        t, current_user, eta_minutes=f.eta_minutes.data), _("The customer is told you are on the way."))


@bp.post("/jobs/<int:ticket_id>/arrive")
@roles_required(*ENGINEERS)
@idempotent
def arrive(ticket_id: int):
    return run_step(ticket_id, StepForm(), "step_form",
                    lambda t, f: fieldwork.record_arrival(t, current_user), _("Arrival recorded."))


@bp.post("/jobs/<int:ticket_id>/inspection")
@roles_required(*ENGINEERS)
@idempotent
def inspection(ticket_id: int):
    ticket = db.session.get(Ticket, ticket_id)
    template = checklist_for(ticket) if ticket is not None else None
    items = template.items if template else []
    answers: dict = {}

    def validate(f) -> bool:
        if not f.validate_on_submit():
            return False
        result = f.checklist_answers(items, request.form, request.files, str(get_locale()))
        if result is None:
            return False
        answers.update(checklist=result[0], photos=result[1])
        return True

    return run_step(ticket_id, InspectionForm(), "inspection_form", lambda t, f: fieldwork.record_inspection(
        t, current_user, findings=f.findings.data, photos=request.files.getlist(f.photos.name),
        checklist=answers["checklist"], checklist_photos=answers["photos"]),
        _("Inspection saved."), validate=validate)


@bp.post("/jobs/<int:ticket_id>/diagnosis")
@roles_required(*ENGINEERS)
@idempotent
def diagnosis(ticket_id: int):
    return run_step(ticket_id, DiagnosisForm(), "diagnosis_form", lambda t, f: fieldwork.record_diagnosis(
        t, current_user, cause_category=f.cause_category.data, cause=f.cause.data, workaround=f.workaround.data,
        permanent_fix=f.permanent_fix.data, estimated_minutes=f.estimated_minutes.data,
        estimated_cost=f.estimated_cost.data), _("Diagnosis saved."))


@bp.post("/jobs/<int:ticket_id>/work")
@roles_required(*ENGINEERS)
@idempotent
def work(ticket_id: int):
    known = set(db.session.scalars(db.select(Part.id)))
    lines: list[dict] = []

    def validate(f) -> bool:
        valid = f.validate_on_submit()
        lines.extend(f.part_lines(known))
        return valid and not any(entry.form.part_id.errors for entry in f.parts.entries)

    return run_step(ticket_id, work_form(), "work_form", lambda t, f: fieldwork.record_work(
        t, current_user, work_done=f.work_done.data, labour_minutes=f.labour_minutes.data,
        parts=lines, today=local_today()), _("Work saved."), validate=validate)


@bp.post("/jobs/<int:ticket_id>/loaner")
@roles_required(*ENGINEERS)
@idempotent
def loaner(ticket_id: int):
    return run_step(ticket_id, LoanerForm(), "loaner_form", lambda t, f: fieldwork.issue_loaner(
        t, current_user, description=f.description.data, serial=f.serial.data), _("Loaner unit issued."))


@bp.post("/jobs/<int:ticket_id>/serial")
@roles_required(*ENGINEERS)
@idempotent
def confirm_serial(ticket_id: int):
    """The unit's label scanned with the phone's camera (static/js/label-scan.js), or its serial typed."""
    def confirmed(serial: str) -> dict:
        shown = SerialForm(formdata=None)
        shown.confirmed = serial
        return {"serial_form": shown}

    return run_step(ticket_id, SerialForm(), "serial_form", lambda t, f: device_labels.confirm_serial(
        t, current_user, typed=f.serial.data, scanned=f.scanned.data),
        _("Serial number confirmed: this is the job's unit."), shown_after=confirmed)


@bp.post("/jobs/<int:ticket_id>/meter")
@roles_required(*ENGINEERS)
@idempotent
def read_meter(ticket_id: int):
    """The meter's operating hours, recorded at the visit (offline too): maintenance plans by hours follow."""
    return run_step(ticket_id, MeterForm(), "meter_form", lambda t, f: proactive.read_at_visit(
        t, f.hours.data, current_user), _("Meter reading recorded."))


@bp.post("/jobs/<int:ticket_id>/loaner/return")
@roles_required(*ENGINEERS)
@idempotent
def loaner_return(ticket_id: int):
    return run_step(ticket_id, LoanerReturnForm(), "loaner_return_form", lambda t, f: fieldwork.return_loaner(
        t, current_user, loaner_id=f.loaner_id.data, note=f.note.data), _("Loaner unit returned."))


@bp.post("/jobs/<int:ticket_id>/progress")
@roles_required(*ENGINEERS)
@idempotent
def progress(ticket_id: int):
    return run_step(ticket_id, ProgressForm(), "progress_form", lambda t, f: fieldwork.update_customer(
        t, current_user, message=f.message.data), _("The customer's update is saved."))


@bp.post("/jobs/<int:ticket_id>/wait")
@roles_required(*ENGINEERS)
@idempotent
def wait(ticket_id: int):
    return run_step(ticket_id, WaitForm(), "wait_form", lambda t, f: fieldwork.start_waiting(
        t, current_user, waiting_for=f.waiting_for.data, reason=f.reason.data), _("The job is waiting now."))


@bp.post("/jobs/<int:ticket_id>/resume")
@roles_required(*ENGINEERS)
@idempotent
def resume(ticket_id: int):
    return run_step(ticket_id, StepForm(), "step_form",
                    lambda t, f: fieldwork.resume_work(t, current_user), _("Work resumed."))


@bp.post("/jobs/<int:ticket_id>/handover")
@roles_required(*ENGINEERS)
@idempotent
def handover(ticket_id: int):
    return run_step(ticket_id, StepForm(), "step_form", lambda t, f: fieldwork.hand_over(t, current_user),
                    _("Ready for the customer's signature."),
                    success_url=url_for("engineer.acceptance", ticket_id=ticket_id))


@bp.post("/jobs/<int:ticket_id>/acceptance")
@roles_required(*ENGINEERS)
@idempotent
def sign(ticket_id: int):
    """The customer's answer: accept (signed, closes the ticket, stores the PDF) or not satisfied (reopens)."""
    ticket, conflict = _load(ticket_id)
    if conflict:
        return keep_conflict(ticket, current_user, conflict)
    if workflow.flags(ticket.status).closed and not from_outbox():
        return redirect_to(url_for("engineer.job_detail", ticket_id=ticket.id))
    form = AcceptanceForm()

    def answer(f):
        if f.outcome.data == "accept":
            return acceptance_service.accept_work(ticket, current_user, signing_from(f))
        return acceptance_service.reject_work(ticket, current_user, signing_from(f), f.reason.data)

    def done(_result):
        accepted = form.outcome.data == "accept"
        message = (_("Accepted and signed. The service confirmation is ready.") if accepted
                   else _("Not accepted: the job is open again for diagnosis, with the customer's reason."))
        return saved(message, url_for("engineer.job_detail", ticket_id=ticket.id),
                     category="success" if accepted else "info",
                     json={"status": ticket.status, "version": ticket.version,
                           "redirect": url_for("engineer.job_detail", ticket_id=ticket.id)})

    return submit(form, answer, done=done,
                  again=_refusal(ticket, form, lambda code: acceptance_page(ticket, form, code)))
