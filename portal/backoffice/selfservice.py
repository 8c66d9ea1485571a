"""The desk's side of the customer's actions: ask the customer a question, create or withdraw a quote,
see answers, decisions and ratings; supervisors work through the follow-up tasks customers raise."""
from dataclasses import dataclass, field

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.access import load_ticket, roles_required
from portal.backoffice import DESK, SUPERVISORS, bp
from portal.domain import selfservice as rules
from portal.extensions import db
from portal.forms import strip
from portal.models import Ticket
from portal.models.selfservice import FollowUpTask, Quote
from portal.services import ServiceError
from portal.services import selfservice as service
from portal.web import is_htmx, render

QUOTE_ROWS = 5
QUOTE_ERRORS = {
    "description": _l("Row %(row)s: describe the item (up to 200 characters)."),
    "number": _l("Row %(row)s: quantity and unit price must be numbers."),
    "quantity": _l("Row %(row)s: the quantity must be above 0, with at most 2 decimals."),
    "price": _l("Row %(row)s: the unit price must be 0 or more, with at most 2 decimals (yuan and fen)."),
    "empty": _l("Add at least one item."),
    "too_many": _l("At most 20 items."),
}


class QuestionForm(FlaskForm):
    question = TextAreaField(_l("Question to the customer"), filters=[strip],
                             validators=[DataRequired(), Length(min=2, max=1000)])


class QuoteForm(FlaskForm):
    note = TextAreaField(_l("Note to the customer"), filters=[strip], validators=[Optional(), Length(max=1000)])


class TaskDoneForm(FlaskForm):
    note = TextAreaField(_l("What was done"), filters=[strip], validators=[Optional(), Length(max=1000)])


@dataclass
class CustomerDialogue:
    questions: list
    quotes: list
    survey: object | None
    tasks: list
    forms: dict = field(default_factory=dict)
    quote_rows: list = field(default_factory=list)
    quote_error: str | None = None


def customer_dialogue(ticket: Ticket, state: dict | None = None) -> CustomerDialogue:
    """The desk's panel on the ticket page; `state` carries a refused form back as typed."""
    state = state or {}
    quotes = db.session.scalars(db.select(Quote).options(joinedload(Quote.decided_by))
                                .where(Quote.ticket_id == ticket.id).order_by(Quote.id.desc())).all()
    tasks = db.session.scalars(db.select(FollowUpTask).where(FollowUpTask.ticket_id == ticket.id)
                               .order_by(FollowUpTask.id.desc())).all()
    forms = {"question": QuestionForm(formdata=None), "quote": QuoteForm(formdata=None),
             "withdraw": FlaskForm(formdata=None), **state.get("forms", {})}
    rows = state.get("rows") or [("", "", "")] * QUOTE_ROWS
    return CustomerDialogue(questions=service.questions(ticket), quotes=quotes, survey=service.survey_of(ticket),
                            tasks=tasks, forms=forms, quote_rows=rows, quote_error=state.get("quote_error"))


def _panel(ticket_id: int, status: int = 200, state: dict | None = None):
    from portal.backoffice.views import ticket_context

    ticket = load_ticket(ticket_id)
    db.session.refresh(ticket)
    return render("backoffice/ticket.html", "backoffice/_ticket_panel.html", http_status=status,
                  **ticket_context(ticket, dialogue_state=state))


def _saved(ticket_id: int):
    db.session.commit()
    if not is_htmx():
        flash(_("Saved."), "success")
        return redirect(url_for("backoffice.ticket_detail", ticket_id=ticket_id) + "#customer-dialogue")
    return _panel(ticket_id)


def _refused(ticket_id: int, state: dict, status: int):
    db.session.rollback()
    return _panel(ticket_id, status, state)


@bp.post("/tickets/<int:ticket_id>/ask-customer")
@roles_required(*DESK)
def ask_customer(ticket_id: int):
    ticket = load_ticket(ticket_id)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _refused(ticket_id, {"forms": {"question": form}}, 422)
    try:
        service.ask_customer(ticket, current_user, question=form.question.data)
    except ServiceError as error:
        form.form_errors.append(str(error.message))
        return _refused(ticket_id, {"forms": {"question": form}}, error.status)
    return _saved(ticket_id)


def _typed_rows() -> list[tuple[str, str, str]]:
    return [(request.form.get(f"item-{i}-description", "")[:300], request.form.get(f"item-{i}-quantity", "")[:20],
             request.form.get(f"item-{i}-unit_price", "")[:20]) for i in range(QUOTE_ROWS)]


@bp.post("/tickets/<int:ticket_id>/quotes")
@roles_required(*DESK)
def create_quote(ticket_id: int):
    ticket = load_ticket(ticket_id)
    form, rows = QuoteForm(), _typed_rows()
    state = {"forms": {"quote": form}, "rows": rows}
    if not form.validate_on_submit():
        return _refused(ticket_id, state, 422)
    try:
        lines = rules.parse_lines(rows)
    except rules.QuoteInvalid as invalid:
        state["quote_error"] = str(QUOTE_ERRORS[str(invalid)] % {"row": invalid.row})
        return _refused(ticket_id, state, 422)
    try:
        service.create_quote(ticket, current_user, lines=lines, note=form.note.data)
    except ServiceError as error:
        state["quote_error"] = str(error.message)
        return _refused(ticket_id, state, error.status)
    return _saved(ticket_id)


@bp.post("/tickets/<int:ticket_id>/quotes/<int:quote_id>/withdraw")
@roles_required(*DESK)
def withdraw_quote(ticket_id: int, quote_id: int):
    ticket = load_ticket(ticket_id)
    quote = db.session.get(Quote, quote_id)
    if quote is None or quote.ticket_id != ticket.id:
        abort(404)
    form = FlaskForm()
    if not form.validate_on_submit():
        return _refused(ticket_id, {}, 422)
    try:
        service.withdraw_quote(ticket, current_user, quote)
    except ServiceError as error:
        return _refused(ticket_id, {"quote_error": str(error.message)}, error.status)
    return _saved(ticket_id)


# ---- Supervisors' follow-up tasks ------------------------------------------------------------------------

def _tasks_page(status: int = 200, forms: dict | None = None):
    tasks = db.session.scalars(
        db.select(FollowUpTask).options(joinedload(FollowUpTask.ticket).joinedload(Ticket.customer))
        .where(FollowUpTask.status == "open").order_by(FollowUpTask.created_at, FollowUpTask.id).limit(200)).all()
    forms = forms or {}
    return render("backoffice/tasks.html", http_status=status, tasks=tasks,
                  forms={t.id: forms.get(t.id) or TaskDoneForm(formdata=None) for t in tasks})


@bp.get("/tasks")
@roles_required(*SUPERVISORS)
def tasks():
    return _tasks_page()


@bp.post("/tasks/<int:task_id>/done")
@roles_required(*SUPERVISORS)
def task_done(task_id: int):
    task = db.session.get(FollowUpTask, task_id)
    if task is None:
        abort(404)
    form = TaskDoneForm()
    if not form.validate_on_submit():
        return _tasks_page(422, {task.id: form})
    try:
        service.complete_task(task, current_user, note=form.note.data)
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("backoffice.tasks"))
    db.session.commit()
    flash(_("Task done."), "success")
    return redirect(url_for("backoffice.tasks"))
