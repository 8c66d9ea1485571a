"""The engineer's remote-session page (phone and desktop): the call and remote-session log of a remote job (time,
duration, what was tried, result), resolving it without a visit with what was done, and escalating it to on site
or depot in one step, nothing typed again. The same services as the desk's panels."""
from flask import abort, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal import labels
from portal.domain import modes
from portal.domain.roles import ENGINEERS
from portal.domain.time import utcnow
from portal.engineer.blueprint import bp
from portal.services import localtime, remote, resolution, tickets
from portal.services.transitions import allowed_actions
from portal.web.access import load_ticket, roles_required
from portal.web.fields import strip, to_choices
from portal.web.forms import refused, saved, submit
from portal.web.render import render


class SessionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=to_choices(labels.REMOTE_KIND.items()), default="call")
    started_at = DateTimeLocalField(_l("Started"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    minutes = IntegerField(_l("Duration (minutes)"), validators=[DataRequired()])
    tried = TextAreaField(_l("What was tried"), filters=[strip], validators=[DataRequired(), Length(max=4000)])
    result = SelectField(_l("Result"), choices=to_choices(labels.REMOTE_RESULT.items()), default="fixed")


class ResolveForm(FlaskForm):
    summary = TextAreaField(_l("What was done"), filters=[strip], validators=[DataRequired(), Length(min=5, max=2000)],
                            description=_l("Told to the customer, who confirms it"))


class EscalateForm(FlaskForm):
    mode = SelectField(_l("Continue"), choices=to_choices(
        (m, labels.MODE[m]) for m in (modes.ONSITE, modes.DEPOT)))
    mode_reason = StringField(_l("Reason for changing the mode"), filters=[strip],
                              validators=[DataRequired(), Length(max=300)])


def _job(ticket_id: int):
    ticket = load_ticket(ticket_id)
    if ticket.assignee_id != current_user.id:
        abort(403)
    if ticket.mode != modes.REMOTE:
        abort(404)
    return ticket


def _page(ticket, forms: dict | None = None, status: int = 200):
    now = localtime.local(utcnow()).replace(second=0, microsecond=0, tzinfo=None)
    forms = {"session": SessionForm(formdata=None, started_at=now), "resolve": ResolveForm(formdata=None),
             "escalate": EscalateForm(formdata=None), **(forms or {})}
    return render("engineer/remote.html", http_status=status, ticket=ticket, sessions=remote.sessions(ticket),
                  actions=allowed_actions(ticket, current_user), forms=forms)


@bp.get("/jobs/<int:ticket_id>/remote")
@roles_required(*ENGINEERS)
def remote_page(ticket_id: int):
    return _page(_job(ticket_id))


def _post(ticket_id: int, key: str, form, use, message: str, to_job: bool = False):
    ticket = _job(ticket_id)
    after = url_for("engineer.job_detail", ticket_id=ticket.id) if to_job else \
        url_for("engineer.remote_page", ticket_id=ticket.id)
    return submit(form, lambda f: use(ticket, f),
                  again=lambda status, error: refused(form, status, lambda code: _page(ticket, {key: form}, code),
                                                      error),
                  done=lambda _r: saved(message, after))


@bp.post("/jobs/<int:ticket_id>/remote/sessions")
@roles_required(*ENGINEERS)
def remote_log(ticket_id: int):
    return _post(ticket_id, "session", SessionForm(), lambda ticket, f: remote.log_session(
        ticket, current_user, kind=f.kind.data, started_at=f.started_at.data.replace(tzinfo=localtime.zone()),
        minutes=f.minutes.data, tried=f.tried.data, result=f.result.data), _("Logged."))


@bp.post("/jobs/<int:ticket_id>/remote/resolve")
@roles_required(*ENGINEERS)
def remote_resolve(ticket_id: int):
    return _post(ticket_id, "resolve", ResolveForm(), lambda ticket, f: resolution.resolve_without_visit(
        ticket, current_user, summary=f.summary.data), _("Resolved: the customer is asked to confirm."), True)


@bp.post("/jobs/<int:ticket_id>/remote/escalate")
@roles_required(*ENGINEERS)
def remote_escalate(ticket_id: int):
    """On site or depot in one step: the log, the description and everything else stay with the job."""
    return _post(ticket_id, "escalate", EscalateForm(), lambda ticket, f: tickets.change_mode(
        ticket, current_user, mode=f.mode.data, reason=f.mode_reason.data, version=None),
        _("The job continues in the new service mode."), True)
