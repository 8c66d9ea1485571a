"""Engineer pages, phone first: my jobs, a job with its forms, and the customer's signing screen."""
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import or_
from sqlalchemy.orm import joinedload
from wtforms import MultipleFileField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal import labels
from portal.domain import workflow
from portal.domain.roles import ENGINEERS
from portal.domain.time import as_utc
from portal.engineer.blueprint import bp
from portal.engineer.job_page import job_context, load_job
from portal.extensions import db
from portal.models import Customer, Ticket, Visit
from portal.services import acceptance as acceptance_service
from portal.services import depot
from portal.services.localtime import day_bounds, local_today
from portal.services.tickets import attach_photos
from portal.web.access import load_ticket, roles_required
from portal.web.fields import strip
from portal.web.forms import refused, saved, submit
from portal.web.render import render
from portal.web.signing import AcceptanceForm, signing_context

# The print preview is the PDF's own HTML (templates/pdf/), written for WeasyPrint, which reads only inline
# CSS (<style> and style="" on table columns) and data: images; it has no script, form or link. It keeps its
# inline styles under a policy of its own that allows nothing else: no script at all, images only as data:,
# no fetch of any kind, so an inline style cannot be made to load or send anything.
PREVIEW_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                  "form-action 'none'; frame-ancestors 'none'")


@bp.get("/jobs")
@roles_required(*ENGINEERS)
def my_jobs():
    jobs = db.session.scalars(
        db.select(Ticket).options(joinedload(Ticket.customer), joinedload(Ticket.product_model))
        .where(Ticket.assignee_id == current_user.id, Ticket.status.in_(workflow.ENGINEER_ACTIVE))
        .order_by(Ticket.priority, Ticket.id)).all()
    visits = db.session.scalars(db.select(Visit).where(
        Visit.engineer_id == current_user.id, Visit.ticket_id.in_([j.id for j in jobs]),
        Visit.departed_at.is_(None)).order_by(Visit.scheduled_at)).all() if jobs else []
    scheduled = {v.ticket_id: v.scheduled_at for v in visits if v.scheduled_at}
    _, tomorrow = day_bounds(local_today())
    today = [j for j in jobs if j.id not in scheduled or as_utc(scheduled[j.id]) < tomorrow]
    upcoming = sorted((j for j in jobs if j not in today), key=lambda j: scheduled[j.id])
    q = request.args.get("q", "").strip()
    older = []
    if q:
        pattern = f"%{q}%"
        older = db.session.scalars(
            db.select(Ticket).join(Ticket.customer).options(joinedload(Ticket.customer))
            .where(Ticket.assignee_id == current_user.id, Ticket.status.in_(workflow.FINAL),
                   or_(Ticket.number.ilike(pattern), Ticket.serial.ilike(pattern), Customer.name.ilike(pattern)))
            .order_by(Ticket.id.desc()).limit(20)).all()
    # The phone keeps the signing screen of these too, so that the customer can sign with no signal.
    signing = {j.id for j in jobs if workflow.flags(j.status).signing_page}
    return render("engineer/jobs.html", today=today, upcoming=upcoming, scheduled=scheduled, older=older, q=q,
                  jobs=jobs, signing=signing)


@bp.get("/jobs/<int:ticket_id>")
@roles_required(*ENGINEERS)
def job_detail(ticket_id: int):
    ticket, present = load_job(ticket_id)
    return render("engineer/job.html", "engineer/_job.html", **job_context(ticket, present))


def acceptance_page(ticket: Ticket, form: AcceptanceForm, http_status: int = 200):
    return render("engineer/acceptance.html", "engineer/_acceptance_form.html", http_status=http_status,
                  preview=not workflow.flags(ticket.status).awaiting_acceptance, **signing_context(ticket, form))


def _not_signable(ticket: Ticket):
    """Before the work is in progress on site, or once cancelled, the job page says why (a closed job shows its
    signed confirmation there)."""
    if not workflow.flags(ticket.status).closed:
        flash(_("The signing screen opens while the work is in progress on site; this job is %(status)s now.",
                status=labels.STATUS[ticket.status]), "info")
    return redirect(url_for("engineer.job_detail", ticket_id=ticket.id))


@bp.get("/jobs/<int:ticket_id>/acceptance")
@roles_required(*ENGINEERS)
def acceptance(ticket_id: int):
    ticket = load_ticket(ticket_id)
    if not workflow.flags(ticket.status).signing_page:
        return _not_signable(ticket)
    return acceptance_page(ticket, AcceptanceForm())


@bp.get("/jobs/<int:ticket_id>/acceptance/preview")
@roles_required(*ENGINEERS)
def acceptance_preview(ticket_id: int):
    """The confirmation as it will print, before the customer signs; kept on the phone with the job."""
    ticket = load_ticket(ticket_id)
    if not workflow.flags(ticket.status).signing_page:
        return _not_signable(ticket)
    response = current_app.response_class(acceptance_service.preview_html(ticket), mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    return response


class ReceiveForm(FlaskForm):
    serial = StringField(_l("Serial number on the unit"), filters=[strip], validators=[DataRequired(), Length(max=80)],
                         description=_l("Scan the label or type it"))
    condition = TextAreaField(_l("Condition on arrival"), filters=[strip], validators=[DataRequired(), Length(max=500)],
                              description=_l("e.g. scratch on the left side, screen intact, power adapter included"))
    mismatch_note = StringField(_l("Why receive it although the serial differs"), filters=[strip],
                                validators=[Optional(), Length(max=500)])
    photos = MultipleFileField(_l("Condition photos"))


@bp.route("/jobs/<int:ticket_id>/receive", methods=["GET", "POST"])
@roles_required(*ENGINEERS)
def receive_unit(ticket_id: int):
    """The workshop receives a depot unit: serial checked against the ticket, condition and photos."""
    ticket = load_ticket(ticket_id)
    form = ReceiveForm()

    def use(f):
        receipt = depot.receive_unit(ticket, current_user, serial=f.serial.data, condition=f.condition.data,
                                     mismatch_note=f.mismatch_note.data)
        attach_photos(ticket, request.files.getlist("photos"), current_user, "intake")
        return receipt

    def page(code):
        return render("engineer/receive.html", ticket=ticket, form=form, http_status=code)

    if request.method == "GET":
        return page(200)
    return submit(form, use, again=lambda code, error: refused(form, code, page, error),
                  done=lambda _r: saved(_("Unit received."), url_for("engineer.job_detail", ticket_id=ticket.id)))
