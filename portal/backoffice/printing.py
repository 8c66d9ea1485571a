"""The back office's printed documents: intake receipt and service report per ticket, and batches of
reports built in the background with a progress bar."""
from flask import abort, current_app, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField
from wtforms.validators import Optional

from portal import labels
from portal.backoffice.blueprint import bp
from portal.domain import workflow
from portal.domain.roles import STAFF
from portal.extensions import db
from portal.models import BatchJob, Ticket
from portal.services import batch, reports
from portal.services.localtime import day_bounds
from portal.services.storage import path_of
from portal.web.access import load_ticket, roles_required
from portal.web.fields import to_choices
from portal.web.forms import refused, submit
from portal.web.headers import private_file
from portal.web.render import render


def _pdf(data: bytes, filename: str, inline: bool = True):
    response = current_app.response_class(data, mimetype="application/pdf")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/tickets/<int:ticket_id>/receipt.pdf")
@roles_required(*STAFF)
def intake_receipt(ticket_id: int):
    ticket = load_ticket(ticket_id)
    return _pdf(reports.intake_receipt(ticket), f"{ticket.number}-intake-receipt.pdf")


@bp.get("/tickets/<int:ticket_id>/report.pdf")
@roles_required(*STAFF)
def service_report(ticket_id: int):
    ticket = load_ticket(ticket_id)
    return _pdf(reports.service_report(ticket), f"{ticket.number}-service-report.pdf")


class BatchForm(FlaskForm):
    ids = HiddenField(validators=[Optional()])
    date_from = DateField(_l("Registered from"), validators=[Optional()])
    date_to = DateField(_l("Registered until"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and not self.ids.data and not (self.date_from.data and self.date_to.data):
            self.form_errors.append(_l("Select tickets in the list, or give a date range."))
            return False
        if ok and self.date_from.data and self.date_to.data and self.date_from.data > self.date_to.data:
            self.date_to.errors.append(_l("The end date is before the start date."))
            return False
        return ok


def _form() -> BatchForm:
    form = BatchForm()
    form.status.choices = to_choices([("all", _("All")), ("closed", labels.STATUS["closed"]),
                                      ("open", _("All open"))] + [(s, labels.STATUS[s]) for s in workflow.STATUSES])
    return form


def _ids_from(form: BatchForm) -> tuple[list[int], str]:
    if form.ids.data:
        ids = [int(part) for part in form.ids.data.replace(" ", "").split(",") if part.isdigit()]
        return ids, _("%(n)s selected tickets", n=len(ids))
    start = day_bounds(form.date_from.data)[0]
    end = day_bounds(form.date_to.data)[1]
    query = db.select(Ticket.id).where(Ticket.created_at >= start, Ticket.created_at < end)
    status = form.status.data or "all"
    if status == "open":
        query = query.where(Ticket.status.in_(workflow.OPEN_STATUSES))
    elif status in workflow.STATUSES:
        query = query.where(Ticket.status == status)
    ids = list(db.session.scalars(query.order_by(Ticket.id).limit(batch.MAX_TICKETS + 1)))
    return ids, f"{form.date_from.data} – {form.date_to.data} · {status}"


def _print_page(form: BatchForm, status: int):
    jobs = db.session.scalars(db.select(BatchJob).where(BatchJob.requested_by_id == current_user.id)
                              .order_by(BatchJob.id.desc()).limit(10)).all()
    return render("backoffice/print.html", form=form, jobs=jobs, http_status=status)


def _create_job(form: BatchForm) -> BatchJob:
    ids, description = _ids_from(form)
    return batch.create_job(current_user, ids, description)


def _started(job: BatchJob):
    return redirect(url_for("backoffice.print_job", job_id=job.id))


@bp.route("/print", methods=["GET", "POST"])
@roles_required(*STAFF)
def print_batch():
    form = _form()
    if request.method == "GET":
        form.ids.data = ",".join(request.args.getlist("ids"))
        form.status.data = form.status.data or "closed"
        return _print_page(form, 200)
    return submit(form, _create_job, done=_started,
                  again=lambda status, error: refused(form, status, lambda code: _print_page(form, code), error))


def _job(job_id: int) -> BatchJob:
    job = batch.job_for(job_id, current_user)
    if job is None:
        abort(404)
    return job


@bp.get("/print/jobs/<int:job_id>")
@roles_required(*STAFF)
def print_job(job_id: int):
    """The job's progress; htmx polls the fragment until the PDF is ready."""
    return render("backoffice/print_job.html", "backoffice/_print_job.html", job=_job(job_id))


@bp.get("/print/jobs/<int:job_id>/download")
@roles_required(*STAFF)
def print_job_download(job_id: int):
    job = _job(job_id)
    if job.state != "done" or not job.storage_key:
        abort(409)
    return private_file(send_file(path_of(job.storage_key), mimetype="application/pdf", as_attachment=True,
                                  download_name=f"service-reports-{job.id}.pdf"))
