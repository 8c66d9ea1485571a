"""Planned visits on the desk: move one to another slot, of its engineer or of another one (the ticket is
reassigned with its current visit), or cancel it, each with a reason kept on the timeline; the customer and the
engineer are told. A move keeps to the engineer's working hours unless a supervisor confirms it. Reached from the
dispatch board and the ticket page."""
from datetime import time, timedelta

from flask import abort, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, DateField, SelectField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length

from portal.backoffice.blueprint import bp
from portal.domain.roles import DESK, SUPERVISORS
from portal.extensions import db
from portal.models import Ticket, User
from portal.services import ServiceError
from portal.services import visits as service
from portal.services.dispatch import SLOTS, active_engineers, working_hours
from portal.services.localtime import local, local_today
from portal.services.transitions import allowed_actions
from portal.web.access import load_ticket, roles_required
from portal.web.fields import VersionField, strip, to_choices
from portal.web.forms import refused, saved, submit
from portal.web.render import render


class MoveVisitForm(FlaskForm):
    day = DateField(_l("New day"), validators=[DataRequired()])
    slot = SelectField(_l("New slot"), choices=to_choices((s.strftime("%H:%M"), s.strftime("%H:%M")) for s in SLOTS))
    # Choices: the active engineers (engineer_choices()), set by the page and the post alike.
    engineer_id = SelectField(_l("Engineer"), coerce=int, validate_choice=False)
    reason = TextAreaField(_l("Why it moves"), filters=[strip], validators=[DataRequired(), Length(max=500)])
    # Questioned, then confirmed: offered to a supervisor once a time outside the working hours was refused.
    override = BooleanField(_l("Outside the engineer's working hours: book it anyway"))
    version = VersionField()

    def validate_day(self, field):
        if field.data and not (local_today() <= field.data <= local_today() + timedelta(days=365)):
            raise ValidationError(_l("Choose a day from today up to a year ahead."))


class CancelVisitForm(FlaskForm):
    reason = TextAreaField(_l("Why it is cancelled"), filters=[strip], validators=[DataRequired(), Length(max=500)])
    version = VersionField()


def _prefix(visit_id: int, action: str) -> str:
    """Each visit's forms have their own field names and ids (a ticket may have several planned visits)."""
    return f"{action}{visit_id}"


def engineer_choices(engineers: list[User]) -> list[tuple[int, str]]:
    """Each active engineer with ★ when senior and their working hours."""
    return [(e.id, " · ".join(filter(None, (e.name + (" ★" if e.is_senior else ""), working_hours(e)))))
            for e in engineers]


def _ticket(ticket_id: int) -> Ticket:
    return load_ticket(ticket_id, joinedload(Ticket.customer))


def page_context(ticket: Ticket, given: dict | None = None, error: str | None = None) -> dict:
    """The ticket's planned visits, each with its move and cancel forms (a refused one as typed)."""
    visits = service.planned_visits(ticket.id)
    choices = engineer_choices(active_engineers()) if visits else []
    forms = {}
    for visit in visits:
        at = local(service.aware(visit.scheduled_at))
        move = MoveVisitForm(formdata=None, prefix=_prefix(visit.id, "move"), day=at.date(), slot=at.strftime("%H:%M"),
                             engineer_id=visit.engineer_id)
        cancel = CancelVisitForm(formdata=None, prefix=_prefix(visit.id, "cancel"))
        forms[visit.id] = {"move": move, "cancel": cancel, **((given or {}).get(visit.id) or {})}
        forms[visit.id]["move"].engineer_id.choices = choices
        for form in forms[visit.id].values():
            form.version.data = ticket.version
    for visit_id, refused_forms in (given or {}).items():
        if visit_id not in forms:  # a visit no longer planned (started, cancelled): its refusal is said above
            error = error or " ".join(str(e) for f in refused_forms.values() for e in f.form_errors) or None
    actions = allowed_actions(ticket, current_user)
    return {"ticket": ticket, "visits": visits, "forms": forms, "error": error,
            "requests": service.open_requests(ticket.id), "can_move": "move_visit" in actions,
            "can_cancel": "cancel_visit" in actions, "can_override": current_user.role in SUPERVISORS}


def _page(ticket: Ticket, status: int = 200, given: dict | None = None, error: str | None = None):
    return render("backoffice/ticket_visits.html", http_status=status, **page_context(ticket, given, error))


@bp.get("/tickets/<int:ticket_id>/planned-visits")
@roles_required(*DESK)
def ticket_visits(ticket_id: int):
    return _page(_ticket(ticket_id))


def _visit_of(visit_id: int):
    visit = service.load_visit(visit_id)
    if visit is None:
        abort(404)
    return visit, _ticket(visit.ticket_id)


@bp.post("/visits/<int:visit_id>/move")
@roles_required(*DESK)
def move_visit(visit_id: int):
    visit, ticket = _visit_of(visit_id)
    form = MoveVisitForm(prefix=_prefix(visit_id, "move"))

    def use(f):
        at = service.desk_slot(f.day.data, time.fromisoformat(f.slot.data))
        engineer = db.session.get(User, f.engineer_id.data) if f.engineer_id.data else None
        if f.engineer_id.data and engineer is None:
            raise ServiceError(_l("Choose an active engineer."), field="engineer_id")
        return service.move(visit, ticket, current_user, at=at, reason=f.reason.data, version=f.version.data,
                            engineer=engineer, override=f.override.data)

    def again(status, error):
        # A time outside the working hours is questioned: a supervisor may then tick that it is meant.
        form.offer_override = isinstance(error, service.OffHours) and current_user.role in SUPERVISORS
        return refused(form, status, lambda code: _page(ticket, code, {visit_id: {"move": form}}), error)

    return submit(form, use,
                  done=lambda moved: saved(_("Visit moved to %(at)s; the customer and the engineer are told.",
                                             at=local(service.aware(moved.scheduled_at)).strftime("%Y-%m-%d %H:%M")),
                                           url_for("backoffice.ticket_visits", ticket_id=ticket.id)),
                  again=again)


@bp.post("/visits/<int:visit_id>/cancel")
@roles_required(*DESK)
def cancel_visit(visit_id: int):
    visit, ticket = _visit_of(visit_id)
    form = CancelVisitForm(prefix=_prefix(visit_id, "cancel"))
    return submit(form, lambda f: service.cancel(visit, ticket, current_user, reason=f.reason.data,
                                                 version=f.version.data),
                  done=lambda _r: saved(_("Visit cancelled; the customer and the engineer are told."),
                                        url_for("backoffice.ticket_visits", ticket_id=ticket.id)),
                  again=lambda status, error: refused(form, status, lambda code: _page(
                      ticket, code, {visit_id: {"cancel": form}}), error))
