"""Dispatch on the desk: routing rules (admin), the dispatch board with slot assignment, suggestion wording."""
from datetime import date, timedelta

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, ValidationError
from wtforms.validators import DataRequired

from portal import labels
from portal.access import roles_required
from portal.backoffice import DESK, SUPERVISORS, bp
from portal.backoffice.forms import optional_int
from portal.domain.dispatch import Suggestion
from portal.extensions import db
from portal.forms import to_choices
from portal.models import Department, Ticket, User
from portal.models._base import utcnow
from portal.services import ServiceError
from portal.services import dispatch as dispatch_service
from portal.services.tickets import local_today
from portal.web import redirect_to, render

MAX_DAYS_AHEAD = 365
# The board's first day is kept within these bounds (beyond them date arithmetic would overflow).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 1, 1)


def suggestion_reasons(s: Suggestion) -> list[str]:
    """Why an engineer ranks where they do, in words: "knows displays · 2 open jobs · same region: 华东"."""
    what = str(labels.PRODUCT_CATEGORY.get(s.category, s.category or "")) if s.category else ""
    reasons = []
    if not s.eligible:
        reasons.append(_("not senior: P1 and P2 need a senior engineer"))
    if what:
        reasons.append(_("knows %(what)s", what=what) if s.knows else _("not trained on %(what)s", what=what))
    reasons.append(ngettext("%(num)d open job", "%(num)d open jobs", s.open_jobs))
    if s.same_region:
        reasons.append(_("same region: %(region)s", region=s.region))
    elif s.engineer.region:
        reasons.append(_("other region: %(region)s", region=s.engineer.region))
    return reasons


# ---- Routing rules -----------------------------------------------------------------------------------

def routing_form(departments) -> FlaskForm:
    choices = to_choices([("", _("No rule (department chosen by hand)"))] + [(d.id, d.name) for d in departments])
    fields = {category: SelectField(label, coerce=optional_int, choices=choices)
              for category, label in labels.CATEGORY.items()}
    return type("RoutingForm", (FlaskForm,), fields)


@bp.route("/admin/routing", methods=["GET", "POST"])
@roles_required("admin")
def routing_rules():
    """Which department takes each ticket category; triage applies it."""
    departments = db.session.scalars(db.select(Department).order_by(Department.id)).all()
    form = routing_form(departments)(data=dispatch_service.routing_rules())
    if form.validate_on_submit():
        dispatch_service.save_routing({c: form[c].data for c in labels.CATEGORY})
        db.session.commit()
        flash(_("Routing rules saved. They apply from the next triage."), "success")
        return redirect(url_for("backoffice.routing_rules"))
    return render("backoffice/routing_rules.html", form=form, categories=labels.CATEGORY,
                  http_status=422 if form.is_submitted() else 200)


# ---- The board ---------------------------------------------------------------------------------------

def ticket_and_version(value):
    """A ticket choice is "id:version", so that one select carries the version each ticket was shown at."""
    if isinstance(value, tuple):
        return value
    head, _sep, tail = str(value or "").partition(":")
    return (int(head), int(tail) if tail.isdigit() else None) if head.isdigit() else None


class SlotForm(FlaskForm):
    ticket = SelectField(_l("Ticket"), coerce=ticket_and_version, validators=[DataRequired()],
                         validate_choice=False)
    engineer_id = SelectField(_l("Engineer"), coerce=optional_int, validators=[DataRequired()],
                              validate_choice=False)
    day = DateField(_l("Day"), validators=[DataRequired()])
    slot = SelectField(_l("Slot"), choices=to_choices((s.strftime("%H:%M"), s.strftime("%H:%M"))
                                                      for s in dispatch_service.SLOTS))

    def validate_day(self, field):
        if field.data and not (local_today() <= field.data <= local_today() + timedelta(days=MAX_DAYS_AHEAD)):
            raise ValidationError(_l("Choose a day from today up to a year ahead."))


def _start() -> tuple[date, str | None]:
    """The board's first day from ?start=YYYY-MM-DD (today if missing), and an error for a bad one."""
    raw = request.args.get("start", "").strip()
    if not raw:
        return local_today(), None
    try:
        start = date.fromisoformat(raw)
    except ValueError:
        start = None
    if start is None or not FIRST_DAY <= start <= LAST_DAY:
        return local_today(), _("Not a date: %(value)s. Showing today instead.", value=raw[:20])
    return start, None


def board_context(start: date, form: SlotForm | None = None, start_error: str | None = None) -> dict:
    data = dispatch_service.board(start)
    if form is None:
        form = SlotForm(formdata=None, day=start)
    form.ticket.choices = to_choices([("", _("Choose a ticket"))] + [
        (f"{t.id}:{t.version}", f"{t.number} {t.priority or ''} · {t.customer.name}") for t in data.unassigned])
    form.engineer_id.choices = to_choices([("", _("Choose an engineer"))] + [
        (e.id, e.name + (" ★" if e.is_senior else "")) for e in data.engineers])
    return {"board": data, "form": form, "start_error": start_error, "now": utcnow(),
            "prev_start": start - timedelta(days=dispatch_service.BOARD_DAYS),
            "next_start": start + timedelta(days=dispatch_service.BOARD_DAYS),
            "can_dispatch": current_user.role in SUPERVISORS, "slots": dispatch_service.SLOTS}


@bp.get("/dispatch")
@roles_required(*DESK)
def dispatch_board():
    start, error = _start()
    return render("backoffice/dispatch.html", "backoffice/_dispatch_board.html",
                  http_status=422 if error else 200, **board_context(start, start_error=error))


@bp.post("/dispatch/assign")
@roles_required(*SUPERVISORS)
def dispatch_assign():
    """Assign an unassigned ticket to an engineer in a free slot; every rule of assignment applies."""
    from datetime import time

    form = SlotForm()
    valid = form.validate_on_submit()
    start = form.day.data if valid else local_today()
    if valid:
        ticket_id, version = form.ticket.data
        ticket = db.session.get(Ticket, ticket_id)
        engineer = db.session.get(User, form.engineer_id.data)
        if ticket is None:
            form.ticket.errors.append(_("Unknown ticket."))
        if engineer is None:
            form.engineer_id.errors.append(_("Unknown engineer."))
        if ticket is not None and engineer is not None:
            try:
                dispatch_service.assign_slot(ticket, current_user, engineer=engineer, day=form.day.data,
                                             slot=time.fromisoformat(form.slot.data), version=version)
                db.session.commit()
            except ServiceError as error:
                db.session.rollback()
                target = getattr(form, error.field, None) if error.field else None
                (target.errors if target is not None else form.form_errors).append(str(error.message))
                return render("backoffice/dispatch.html", "backoffice/_dispatch_board.html",
                              http_status=error.status, **board_context(start, form))
            flash(_("%(number)s assigned to %(name)s on %(day)s at %(time)s.", number=ticket.number,
                    name=engineer.name, day=form.day.data.isoformat(), time=form.slot.data), "success")
            return redirect_to(url_for("backoffice.dispatch_board", start=start.isoformat()))
    return render("backoffice/dispatch.html", "backoffice/_dispatch_board.html", http_status=422,
                  **board_context(start, form))
