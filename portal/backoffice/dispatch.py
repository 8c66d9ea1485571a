"""Dispatch on the desk: routing rules (admin), and the dispatch board where supervisors book a slot."""
from datetime import date, time, timedelta

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, ValidationError
from wtforms.validators import DataRequired

from portal import labels
from portal.backoffice.blueprint import bp
from portal.domain.roles import ADMINS, DESK, SUPERVISORS
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Department, Ticket, User
from portal.services import ServiceError, routing, visits
from portal.services import dispatch as dispatch_service
from portal.services.localtime import local_today
from portal.web.access import roles_required
from portal.web.fields import optional_int, to_choices
from portal.web.forms import refused, saved, submit
from portal.web.render import render

MAX_DAYS_AHEAD = 365
# The board's first day is kept within these bounds (beyond them date arithmetic would overflow).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 1, 1)


# ---- Routing rules -----------------------------------------------------------------------------------

def routing_form(departments) -> FlaskForm:
    choices = to_choices([("", _("No rule (department chosen by hand)"))] + [(d.id, d.name) for d in departments])
    fields = {category: SelectField(label, coerce=optional_int, choices=choices)
              for category, label in labels.CATEGORY.items()}
    return type("RoutingForm", (FlaskForm,), fields)


@bp.route("/admin/routing", methods=["GET", "POST"])
@roles_required(*ADMINS)
def routing_rules():
    """Which department takes each ticket category; triage applies it."""
    departments = db.session.scalars(db.select(Department).order_by(Department.id)).all()
    form = routing_form(departments)(data=routing.routing_rules())

    def page(status: int):
        return render("backoffice/routing_rules.html", form=form, categories=labels.CATEGORY, http_status=status)

    if request.method == "GET":
        return page(200)
    return submit(form, lambda f: routing.save_routing({c: f[c].data for c in labels.CATEGORY},
                                                       by=current_user._get_current_object()),
                  done=lambda _r: saved(_("Routing rules saved. They apply from the next triage."),
                                        url_for("backoffice.routing_rules")),
                  again=lambda status, error: refused(form, status, page, error))


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
            "can_dispatch": current_user.role in SUPERVISORS, "slots": dispatch_service.SLOTS,
            "off": dispatch_service.off_slots(data),
            "hours": {e.id: dispatch_service.working_hours(e) for e in data.engineers},
            "visit_requests": visits.open_requests()}


@bp.get("/dispatch")
@roles_required(*DESK)
def dispatch_board():
    start, error = _start()
    return render("backoffice/dispatch.html", "backoffice/_dispatch_board.html",
                  http_status=422 if error else 200, **board_context(start, start_error=error))


def _book(form: SlotForm):
    ticket_id, version = form.ticket.data
    ticket = db.session.get(Ticket, ticket_id)
    engineer = db.session.get(User, form.engineer_id.data)
    if ticket is None:
        raise ServiceError(_("Unknown ticket."), field="ticket")
    if engineer is None:
        raise ServiceError(_("Unknown engineer."), field="engineer_id")
    dispatch_service.assign_slot(ticket, current_user, engineer=engineer, day=form.day.data,
                                 slot=time.fromisoformat(form.slot.data), version=version)
    return ticket, engineer


@bp.post("/dispatch/assign")
@roles_required(*SUPERVISORS)
def dispatch_assign():
    """Assign an unassigned ticket to an engineer in a free slot; every rule of assignment applies."""
    form = SlotForm()

    def again(status, error):
        start = form.day.data if error is not None else local_today()  # refused by the rules, not the form
        return refused(form, status, lambda code: render("backoffice/dispatch.html", "backoffice/_dispatch_board.html",
                                                         http_status=code, **board_context(start, form)), error)

    def done(booked):
        ticket, engineer = booked
        return saved(_("%(number)s assigned to %(name)s on %(day)s at %(time)s.", number=ticket.number,
                       name=engineer.name, day=form.day.data.isoformat(), time=form.slot.data),
                     url_for("backoffice.dispatch_board", start=form.day.data.isoformat()))

    return submit(form, _book, done=done, again=again)
