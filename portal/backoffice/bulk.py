"""Bulk actions from the queue for supervisors: assign, triage with the suggested priority, cancel. Each selected
ticket goes through the same service as the single-ticket action (portal.services.bulk)."""
from urllib.parse import urlsplit

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from portal import labels
from portal.backoffice.blueprint import bp
from portal.domain.roles import SUPERVISORS, Role
from portal.extensions import db
from portal.models import Ticket, User
from portal.services import bulk as bulk_service
from portal.services import tickets as ticket_service
from portal.web.access import roles_required
from portal.web.fields import optional_int, strip, to_choices
from portal.web.forms import submit
from portal.web.render import redirect_to, render, safe_next

MAX_TICKETS = 200
ACTIONS = {"assign": _l("Assign to engineer"), "triage": _l("Triage with the suggested priority"),
           "cancel": _l("Cancel")}


class BulkForm(FlaskForm):
    action = SelectField(_l("Bulk action"), choices=to_choices([("", _l("Choose an action"))] + list(ACTIONS.items())))
    engineer_id = SelectField(_l("Engineer"), coerce=optional_int, validate_choice=False)
    category = SelectField(_l("Category"), choices=to_choices(labels.CATEGORY.items()), default="fault_repair")
    reason = StringField(_l("Reason"), filters=[strip], validators=[Optional(), Length(max=300)])


def bulk_form() -> BulkForm:
    form = BulkForm()
    engineers = db.session.execute(db.select(User.id, User.name, User.is_senior).where(
        User.role == Role.ENGINEER, User.active.is_(True)).order_by(User.name)).all()
    form.engineer_id.choices = to_choices([("", _("Choose an engineer"))] + [
        (e.id, e.name + (" ★" if e.is_senior else "")) for e in engineers])
    return form


def _selected_ids() -> list[int]:
    return list(dict.fromkeys(int(v) for v in request.form.getlist("ids") if v.isdigit()))[:MAX_TICKETS + 1]


def _apply(action: str, ticket: Ticket, form: BulkForm, engineer: User | None) -> None:
    if action == "assign":
        ticket_service.assign(ticket, current_user, engineer=engineer, version=None, reason=form.reason.data)
    elif action == "triage":
        suggestion = ticket_service.suggest_priority(ticket)
        ticket_service.triage(ticket, current_user, category=form.category.data, priority=suggestion.priority,
                              reason=None, version=None)
    else:
        ticket_service.cancel(ticket, current_user, reason=form.reason.data, version=None)


def _problem(form: BulkForm, ids: list[int]) -> str | None:
    if not ids:
        return _("Select the tickets first.")
    if len(ids) > MAX_TICKETS:
        return _("Select at most %(n)s tickets at a time.", n=MAX_TICKETS)
    if form.action.data not in ACTIONS:
        return _("Choose an action.")
    if form.action.data == "assign" and not form.engineer_id.data:
        return _("Choose the engineer to assign.")
    if form.action.data == "cancel" and not form.reason.data:
        return _("Give a reason for cancelling.")
    return None


def _current_page() -> str | None:
    """The queue as the supervisor sees it now (htmx sends its URL, filters included), to go back to."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    if current.netloc and current.netloc != request.host:
        return None
    return current.path + (f"?{current.query}" if current.query else "") if current.path else None


@bp.post("/tickets/bulk")
@roles_required(*SUPERVISORS)
def bulk():
    form = bulk_form()
    ids = _selected_ids()
    back = safe_next(_current_page() or request.form.get("next"), url_for("backoffice.queue"))
    engineer = None

    def validate(f) -> bool:
        nonlocal engineer
        problem = _("The form has expired; reload the page.") if not f.validate_on_submit() else _problem(f, ids)
        if problem is None and f.action.data == "assign":
            engineer = db.session.get(User, f.engineer_id.data)
            if engineer is None or engineer.role != Role.ENGINEER or not engineer.active:
                problem = _("Choose an active engineer.")
        if problem:
            f.form_errors.append(problem)
        return problem is None

    def done(outcome):
        changed, not_changed, missing = outcome
        if missing:
            not_changed.append(_("%(n)s selected tickets no longer exist", n=missing))
        if changed:
            flash(_("%(action)s: %(n)s tickets changed.", action=ACTIONS[form.action.data], n=len(changed)), "success")
        if not_changed:
            flash(_("Not changed: %(list)s", list="; ".join(not_changed)), "error")
        return redirect_to(back)

    return submit(form, lambda f: bulk_service.apply_to_each(ids, lambda ticket: _apply(f.action.data, ticket, f,
                                                                                         engineer)),
                  validate=validate, done=done,
                  again=lambda status, error: render("backoffice/bulk_result.html", "backoffice/_bulk_result.html",
                                                     http_status=status, problem=" ".join(map(str, form.form_errors)),
                                                     back=back))
