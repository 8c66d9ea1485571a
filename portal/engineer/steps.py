"""On-site steps. Each is one form that posts on its own: as htmx (answers the #job fragment), as a
plain post (redirects), or from the phone's outbox (answers JSON and carries an Idempotency-Key)."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import roles_required
from portal.domain import workflow
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
)
from portal.engineer.views import checklist_for, job_context, work_form
from portal.errors import error_response, wants_json
from portal.extensions import db
from portal.idempotent import commit, idempotent
from portal.models import Part, Ticket
from portal.services import ServiceError, conflicts, fieldwork
from portal.services.tickets import local_today
from portal.web import is_htmx, redirect_to, render

FINAL = frozenset({workflow.CANCELLED, workflow.CLOSED})


def from_outbox() -> bool:
    return "Idempotency-Key" in request.headers


def _load(ticket_id: int) -> tuple[Ticket, str | None]:
    """The ticket, and why a submission for it is now a conflict (None when it still fits)."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None:
        abort(404)
    if ticket.assignee_id == current_user.id:
        if ticket.status in FINAL and from_outbox():
            return ticket, _("The ticket was %(status)s while this was waiting on the phone.",
                             status=str(_status_label(ticket.status)))
        return ticket, None
    if from_outbox() and conflicts.was_assigned_to(ticket, current_user):
        return ticket, _("The job was reassigned to someone else while this was waiting on the phone.")
    abort(403)


def _status_label(status):
    from portal.labels import STATUS
    return STATUS.get(status, status)


def _conflict(ticket: Ticket, reason: str):
    conflicts.record_conflict(ticket, current_user, action=request.endpoint.rsplit(".", 1)[-1], reason=reason)
    commit()
    return error_response(409, reason, conflict=True)


def _render_job(ticket, http_status=200, **forms):
    return render("engineer/job.html", "engineer/_job.html", http_status=http_status,
                  **job_context(ticket, **forms))


def _invalid(ticket, form, form_key, http_status=422, message=None):
    if wants_json():
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items() if name}
        first = message or next((e for errs in errors.values() for e in errs),
                                " ".join(map(str, form.form_errors)) or _("Check the form."))
        return {"ok": False, "error": str(first), "fields": errors}, http_status
    return _render_job(ticket, http_status=http_status, **{form_key: form})


def run_step(ticket_id: int, form, form_key: str, apply, message: str, extra_check=None, success_url=None):
    ticket, conflict = _load(ticket_id)
    if conflict:
        return _conflict(ticket, conflict)
    if not (form.validate_on_submit() and (extra_check is None or extra_check(form))):
        return _invalid(ticket, form, form_key)
    try:
        apply(ticket, form)
        commit()
    except ServiceError as error:
        db.session.rollback()
        ticket = db.session.get(Ticket, ticket_id)
        if error.status == 409 and from_outbox() and ticket.status in FINAL:
            return _conflict(ticket, str(error.message))
        form.form_errors.append(str(error.message))
        return _invalid(ticket, form, form_key, http_status=error.status, message=str(error.message))
    if wants_json():
        body = {"ok": True, "status": ticket.status, "version": ticket.version, "message": message}
        if success_url:
            body["redirect"] = success_url
        return body
    if success_url:
        return redirect_to(success_url)
    if is_htmx():
        return _render_job(ticket)
    flash(message, "success")
    return redirect(url_for("engineer.job_detail", ticket_id=ticket.id))


@bp.post("/jobs/<int:ticket_id>/receipt")
@roles_required("engineer")
@idempotent
def confirm_receipt(ticket_id: int):
    from portal.services import dispatch

    return run_step(ticket_id, StepForm(), "step_form",
                    lambda t, f: dispatch.confirm_receipt(t, current_user), _("Receipt confirmed."))


@bp.post("/jobs/<int:ticket_id>/arrive")
@roles_required("engineer")
@idempotent
def arrive(ticket_id: int):
    return run_step(ticket_id, StepForm(), "step_form",
                    lambda t, f: fieldwork.record_arrival(t, current_user), _("Arrival recorded."))


@bp.post("/jobs/<int:ticket_id>/inspection")
@roles_required("engineer")
@idempotent
def inspection(ticket_id: int):
    form = InspectionForm()
    ticket = db.session.get(Ticket, ticket_id)
    items = checklist_for(ticket).items if ticket and checklist_for(ticket) else []
    answers: dict = {}

    def checklist_complete(f) -> bool:
        result = f.checklist_answers(items, request.form, request.files, str(get_locale()))
        if result is None:
            return False
        answers.update(checklist=result[0], photos=result[1])
        return True

    return run_step(ticket_id, form, "inspection_form", lambda t, f: fieldwork.record_inspection(
        t, current_user, findings=f.findings.data, photos=request.files.getlist(f.photos.name),
        checklist=answers["checklist"], checklist_photos=answers["photos"]),
        _("Inspection saved."), extra_check=checklist_complete)


@bp.post("/jobs/<int:ticket_id>/diagnosis")
@roles_required("engineer")
@idempotent
def diagnosis(ticket_id: int):
    return run_step(ticket_id, DiagnosisForm(), "diagnosis_form", lambda t, f: fieldwork.record_diagnosis(
        t, current_user, cause_category=f.cause_category.data, cause=f.cause.data, workaround=f.workaround.data,
        permanent_fix=f.permanent_fix.data, estimated_minutes=f.estimated_minutes.data,
        estimated_cost=f.estimated_cost.data), _("Diagnosis saved."))


@bp.post("/jobs/<int:ticket_id>/work")
@roles_required("engineer")
@idempotent
def work(ticket_id: int):
    form = work_form()
    known = set(db.session.scalars(db.select(Part.id)))
    lines: list[dict] = []

    def parts_valid(f) -> bool:
        lines.extend(f.part_lines(known))
        return not any(entry.form.part_id.errors for entry in f.parts.entries)

    return run_step(ticket_id, form, "work_form", lambda t, f: fieldwork.record_work(
        t, current_user, work_done=f.work_done.data, labour_minutes=f.labour_minutes.data,
        parts=lines, today=local_today()), _("Work saved."), extra_check=parts_valid)


@bp.post("/jobs/<int:ticket_id>/loaner")
@roles_required("engineer")
@idempotent
def loaner(ticket_id: int):
    return run_step(ticket_id, LoanerForm(), "loaner_form", lambda t, f: fieldwork.issue_loaner(
        t, current_user, description=f.description.data, serial=f.serial.data), _("Loaner unit issued."))


@bp.post("/jobs/<int:ticket_id>/loaner/return")
@roles_required("engineer")
@idempotent
def loaner_return(ticket_id: int):
    return run_step(ticket_id, LoanerReturnForm(), "loaner_return_form", lambda t, f: fieldwork.return_loaner(
        t, current_user, loaner_id=f.loaner_id.data, note=f.note.data), _("Loaner unit returned."))


@bp.post("/jobs/<int:ticket_id>/progress")
@roles_required("engineer")
@idempotent
def progress(ticket_id: int):
    return run_step(ticket_id, ProgressForm(), "progress_form", lambda t, f: fieldwork.update_customer(
        t, current_user, message=f.message.data), _("The customer's update is saved."))


@bp.post("/jobs/<int:ticket_id>/wait")
@roles_required("engineer")
@idempotent
def wait(ticket_id: int):
    return run_step(ticket_id, WaitForm(), "wait_form", lambda t, f: fieldwork.start_waiting(
        t, current_user, waiting_for=f.waiting_for.data, reason=f.reason.data), _("The job is waiting now."))


@bp.post("/jobs/<int:ticket_id>/resume")
@roles_required("engineer")
@idempotent
def resume(ticket_id: int):
    return run_step(ticket_id, StepForm(), "step_form",
                    lambda t, f: fieldwork.resume_work(t, current_user), _("Work resumed."))


@bp.post("/jobs/<int:ticket_id>/handover")
@roles_required("engineer")
@idempotent
def handover(ticket_id: int):
    return run_step(ticket_id, StepForm(), "step_form", lambda t, f: fieldwork.hand_over(t, current_user),
                    _("Ready for the customer's signature."),
                    success_url=url_for("engineer.acceptance", ticket_id=ticket_id))



@bp.post("/jobs/<int:ticket_id>/acceptance")
@roles_required("engineer")
@idempotent
def sign(ticket_id: int):
    """The customer's answer: accept (signed, closes the ticket, stores the PDF) or not satisfied (reopens)."""
    from portal.engineer.views import acceptance_context, signing_from
    from portal.services import acceptance as acceptance_service

    ticket, conflict = _load(ticket_id)
    if conflict:
        return _conflict(ticket, conflict)
    if ticket.status == workflow.CLOSED and not from_outbox():
        return redirect_to(url_for("engineer.job_detail", ticket_id=ticket.id))
    form = AcceptanceForm()

    def again(http_status, message=None):
        if wants_json():
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items() if name}
            first = message or next((e for errs in errors.values() for e in errs), _("Check the form."))
            return {"ok": False, "error": str(first), "fields": errors}, http_status
        if message:
            form.form_errors.append(message)
        return render("engineer/acceptance.html", "engineer/_acceptance_form.html", http_status=http_status,
                      **acceptance_context(ticket, form))

    if not form.validate_on_submit():
        return again(422)
    accepted = form.outcome.data == "accept"
    try:
        if accepted:
            acceptance_service.accept_work(ticket, current_user, signing_from(form))
        else:
            acceptance_service.reject_work(ticket, current_user, signing_from(form), form.reason.data)
        commit()
    except ServiceError as error:
        db.session.rollback()
        ticket = db.session.get(Ticket, ticket_id)
        if error.status == 409 and from_outbox() and ticket.status in FINAL:
            return _conflict(ticket, str(error.message))
        return again(error.status, str(error.message))
    message = (_("Accepted and signed. The service confirmation is ready.") if accepted
               else _("Not accepted: the job is open again for diagnosis, with the customer's reason."))
    job_url = url_for("engineer.job_detail", ticket_id=ticket.id)
    if wants_json():
        return {"ok": True, "status": ticket.status, "version": ticket.version, "message": message,
                "redirect": job_url}
    flash(message, "success" if accepted else "info")
    return redirect_to(job_url)
