"""The back office's printed documents: intake receipt and service report per ticket, and batches of
reports built in the background with a progress bar."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import abort, current_app, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField
from wtforms.validators import Optional

from portal import labels
from portal.access import load_ticket, roles_required
from portal.backoffice import STAFF, bp
from portal.domain import workflow
from portal.extensions import db
from portal.forms import to_choices
from portal.models import BatchJob, Ticket
from portal.services import ServiceError, batch, reports
from portal.services.storage import path_of
from portal.web import render


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
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    start = datetime.combine(form.date_from.data, time.min, zone)
    end = datetime.combine(form.date_to.data + timedelta(days=1), time.min, zone)
    query = db.select(Ticket.id).where(Ticket.created_at >= start, Ticket.created_at < end)
    status = form.status.data or "all"
    if status == "open":
        query = query.where(Ticket.status.in_(workflow.OPEN_STATUSES))
    elif status in workflow.STATUSES:
        query = query.where(Ticket.status == status)
    ids = list(db.session.scalars(query.order_by(Ticket.id).limit(batch.MAX_TICKETS + 1)))
    return ids, f"{form.date_from.data} – {form.date_to.data} · {status}"


@bp.route("/print", methods=["GET", "POST"])
@roles_required(*STAFF)
def print_batch():
    form = _form()
    if request.method == "GET":
        form.ids.data = ",".join(request.args.getlist("ids"))
        form.status.data = form.status.data or "closed"
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            ids, description = _ids_from(form)
            try:
                job = batch.create_job(current_user, ids, description)
                db.session.commit()
            except ServiceError as error:
                db.session.rollback()
                form.form_errors.append(str(error.message))
                status = error.status
            else:
                batch.kick(current_app._get_current_object())
                return redirect(url_for("backoffice.print_job", job_id=job.id))
        else:
            status = 422
    jobs = db.session.scalars(db.select(BatchJob).where(BatchJob.requested_by_id == current_user.id)
                              .order_by(BatchJob.id.desc()).limit(10)).all()
    return render("backoffice/print.html", form=form, jobs=jobs, http_status=status)


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
    return send_file(path_of(job.storage_key), mimetype="application/pdf", as_attachment=True,
                     download_name=f"service-reports-{job.id}.pdf", max_age=0)
