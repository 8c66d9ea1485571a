"""What a customer does on their ticket: answer the desk, decide on a quote, ask for a signing link,
escalate or complain, and rate the service after closing. The panels' data comes from customer_actions(),
which the ticket page puts in its context as `act`."""
from dataclasses import dataclass, field

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from portal import labels
from portal.customer.blueprint import bp
from portal.customer.follow import detail_context
from portal.domain.roles import CUSTOMERS
from portal.extensions import db
from portal.models import Quote, Ticket
from portal.services import ServiceError, resolution
from portal.services import selfservice as service
from portal.services.acceptance import parse_client_time
from portal.services.transitions import allowed_actions
from portal.web.access import load_ticket, roles_required
from portal.web.fields import strip, to_choices
from portal.web.forms import ButtonForm, refused, saved, submit
from portal.web.render import render

SCORES = [(n, str(n)) for n in range(1, 6)]


class AnswerForm(FlaskForm):
    question_id = IntegerField(validators=[InputRequired()])
    answer = TextAreaField(_l("Your answer"), filters=[strip], validators=[DataRequired(), Length(max=2000)])


class QuoteDecisionForm(FlaskForm):
    decision = HiddenField()  # set by the button pressed: approve | decline
    name = StringField(_l("Your full name"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    reason = TextAreaField(_l("Reason (needed to decline)"), filters=[strip], validators=[Length(max=500)])
    content_sha256 = HiddenField()
    client_decided_at = HiddenField()


KINDS = [("escalation", _l("Escalate: a supervisor takes over")), ("complaint", _l("Complain about the service"))]


def _score(label):
    return RadioField(label, choices=to_choices(SCORES), coerce=int, validators=[InputRequired(), NumberRange(1, 5)])


class EscalationForm(FlaskForm):
    kind = RadioField(_l("What do you want?"), choices=to_choices(KINDS), default="escalation",
                      validators=[InputRequired()])
    reason = TextAreaField(_l("Why"), filters=[strip], validators=[DataRequired(), Length(min=2, max=1000)])


class NotResolvedForm(FlaskForm):
    reason = TextAreaField(_l("What is not right?"), filters=[strip],
                           validators=[DataRequired(), Length(min=2, max=1000)])


class SurveyForm(FlaskForm):
    speed = _score(_l("Speed"))
    engineer = _score(_l("Engineer"))
    result = _score(_l("Result"))
    # Seed 004's overall answer, as the call-back asks it.
    satisfaction = RadioField(_l("Overall"), choices=to_choices(labels.SATISFACTION.items()), validate_choice=False,
                              validators=[Optional(), AnyOf(list(labels.SATISFACTION))])
    comment = TextAreaField(_l("Comment"), filters=[strip], validators=[Optional(), Length(max=1000)])


@dataclass
class CustomerActions:
    """Everything the action panels of one ticket need; built by the template itself."""
    ticket: Ticket
    questions: list
    open_questions: list
    quote: Quote | None
    quote_sha256: str | None
    quote_lines: list
    decided_quotes: list
    actions: list
    signing_requested: bool
    open_escalation: object | None
    survey_state: str
    survey: object | None
    survey_closes_at: object | None
    # Resolved by the desk without a visit: the customer confirms here instead of signing.
    remote_resolution: bool = False
    # A closed resolution without a visit the customer may reopen until then (None: not reopenable).
    reopen_until: object = None
    forms: dict = field(default_factory=dict)
    error: str | None = None

    @property
    def question(self):
        return self.open_questions[0] if self.open_questions else None


def customer_actions(ticket: Ticket, forms: dict | None = None, error: str | None = None,
                     present: frozenset[str] | None = None, events: list[dict] | None = None) -> CustomerActions:
    """The panels of the customer's ticket page; `forms` and `error` carry a refused form back as typed;
    `present`: which records exist (follow.held()), None to read them all."""
    def has(name: str) -> bool:
        return present is None or name in present

    actions = allowed_actions(ticket, current_user)
    # Resolved without a visit: from the timeline the page has read already, else from the events.
    without_visit = resolution.latest_is_without_visit(e["kind"] for e in events) if events is not None else None
    if without_visit is None and (ticket.status == "resolved" or "reopen" in actions):
        without_visit = resolution.resolved_without_visit(ticket)
    pairs = service.questions(ticket) if has("questions") else []
    quotes = db.session.scalars(db.select(Quote).where(Quote.ticket_id == ticket.id)
                                .order_by(Quote.id.desc())).all() if has("quotes") else []
    quote = next((q for q in quotes if q.status == "pending"), None)
    decided = [q for q in quotes if q.status in ("approved", "declined")]
    tasks = service.open_tasks(ticket, (*service.ESCALATION_KINDS, "signing_link")) if has("tasks") else []
    survey = service.survey_of(ticket) if has("survey") else None
    window = service.survey_window(ticket)
    forms = {"answer": AnswerForm(formdata=None), "quote": QuoteDecisionForm(formdata=None),
             "escalate": EscalationForm(formdata=None), "survey": SurveyForm(formdata=None),
             "signing": ButtonForm(formdata=None), "confirm": ButtonForm(formdata=None),
             "not_resolved": NotResolvedForm(formdata=None), "reopen": NotResolvedForm(formdata=None),
             **(forms or {})}
    return CustomerActions(
        ticket=ticket, questions=pairs, open_questions=[q for q, a in pairs if a is None], quote=quote,
        quote_sha256=service.rules.content_hash(service.quote_content(quote, ticket)) if quote else None,
        quote_lines=service.quote_lines(quote) if quote else [], decided_quotes=decided,
        actions=actions,
        signing_requested=any(t.kind == "signing_link" for t in tasks),
        open_escalation=next((t for t in tasks if t.kind in service.ESCALATION_KINDS), None),
        survey_state=service.survey_state(ticket, survey=survey), survey=survey,
        survey_closes_at=window.closes_at if window else None, forms=forms, error=error,
        remote_resolution=ticket.status == "resolved" and bool(without_visit),
        reopen_until=resolution.reopen_until(ticket, open_only=True, without_visit=bool(without_visit))
        if "reopen" in actions else None)


def _page(ticket: Ticket, key: str, form, status: int, error: str | None = None):
    """The ticket page again with the form as typed and its errors."""
    return render("customer/ticket.html", **detail_context(ticket),
                  act=customer_actions(ticket, forms={key: form}, error=error), http_status=status)


def _act(ticket_id: int, key: str, form, apply, message: str):
    ticket = load_ticket(ticket_id)

    def again(status, error):
        if error is not None and error.status == 409:  # the ticket moved on: say so above the panels as they are
            form.form_errors.clear()
            return _page(ticket, "-", form, 409, error=str(error.message))
        return refused(form, status, lambda code: _page(ticket, key, form, code), error)

    return submit(form, lambda f: apply(ticket, f), again=again,
                  done=lambda _r: saved(message, url_for("customer.ticket_detail", ticket_id=ticket.id) + "#actions"))


@bp.post("/tickets/<int:ticket_id>/answer")
@roles_required(*CUSTOMERS)
def answer_question(ticket_id: int):
    def apply(ticket, form):
        service.answer_question(ticket, current_user, question_id=form.question_id.data, answer=form.answer.data)
    return _act(ticket_id, "answer", AnswerForm(), apply, _("Thank you: your answer was sent."))


@bp.post("/tickets/<int:ticket_id>/quotes/<int:quote_id>/decide")
@roles_required(*CUSTOMERS)
def decide_quote(ticket_id: int, quote_id: int):
    ticket = load_ticket(ticket_id)
    quote = db.session.get(Quote, quote_id)
    if quote is None or quote.ticket_id != ticket.id:
        abort(404)
    form = QuoteDecisionForm()

    def apply(ticket, form):
        if form.decision.data not in ("approve", "decline"):
            raise ServiceError(_("Choose approve or decline."))
        service.decide_quote(ticket, current_user, quote, service.QuoteDecision(
            approve=form.decision.data == "approve", name=form.name.data, shown_sha256=form.content_sha256.data or "",
            reason=form.reason.data, client_decided_at=parse_client_time(form.client_decided_at.data),
            ip_address=request.remote_addr, user_agent=request.headers.get("User-Agent")))
    message = _("You approved the quote.") if form.decision.data == "approve" else _("You declined the quote.")
    return _act(ticket_id, "quote", form, apply, message)


@bp.post("/tickets/<int:ticket_id>/signing-link")
@roles_required(*CUSTOMERS)
def request_signing_link(ticket_id: int):
    def apply(ticket, form):
        service.request_signing_link(ticket, current_user)
    return _act(ticket_id, "signing", ButtonForm(), apply,
                _("We will send you a signing link by text message or e-mail."))


@bp.post("/tickets/<int:ticket_id>/escalate")
@roles_required(*CUSTOMERS)
def escalate(ticket_id: int):
    def apply(ticket, form):
        service.request_escalation(ticket, current_user, kind=form.kind.data, reason=form.reason.data)
    return _act(ticket_id, "escalate", EscalationForm(), apply,
                _("A supervisor has your request and will contact you."))


@bp.post("/tickets/<int:ticket_id>/survey")
@roles_required(*CUSTOMERS)
def survey(ticket_id: int):
    def apply(ticket, form):
        service.submit_survey(ticket, current_user, speed=form.speed.data, engineer=form.engineer.data,
                              result=form.result.data, comment=form.comment.data,
                              satisfaction=form.satisfaction.data or None)
    return _act(ticket_id, "survey", SurveyForm(), apply, _("Thank you for your rating."))


@bp.post("/tickets/<int:ticket_id>/confirm-resolution")
@roles_required(*CUSTOMERS)
def confirm_resolution(ticket_id: int):
    def apply(ticket, form):
        resolution.confirm(ticket, current_user)
    return _act(ticket_id, "confirm", ButtonForm(), apply, _("Thank you: your request is closed."))


@bp.post("/tickets/<int:ticket_id>/not-resolved")
@roles_required(*CUSTOMERS)
def not_resolved(ticket_id: int):
    def apply(ticket, form):
        resolution.not_resolved(ticket, current_user, reason=form.reason.data)
    return _act(ticket_id, "not_resolved", NotResolvedForm(), apply,
                _("We are sorry it is not solved yet: the service desk takes it up again."))


@bp.post("/tickets/<int:ticket_id>/reopen")
@roles_required(*CUSTOMERS)
def reopen(ticket_id: int):
    """Not solved after all: a closed resolution without a visit reopens within the reopening period."""
    return _act(ticket_id, "reopen", NotResolvedForm(), lambda ticket, f: resolution.reopen(
        ticket, current_user, reason=f.reason.data), _("We are sorry it is not solved: the service desk takes it up "
                                                       "again."))
