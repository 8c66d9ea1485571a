"""The desk's side of the customer's actions: ask the customer a question, create or withdraw a quote; supervisors
work through the follow-up tasks customers raise."""
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.backoffice.blueprint import bp
from portal.backoffice.forms import CallbackForm, QuestionForm, QuoteForm, TaskDoneForm
from portal.backoffice.ticket_page import QUOTE_ROWS
from portal.backoffice.views import ticket_post
from portal.domain import selfservice as rules
from portal.domain.roles import DESK, SUPERVISORS
from portal.extensions import db
from portal.models import FollowUpTask, Quote, Ticket
from portal.services import ServiceError, callbacks
from portal.services import selfservice as service
from portal.web.access import roles_required
from portal.web.forms import ButtonForm, refused, saved, submit
from portal.web.render import render

ANCHOR = "#customer-dialogue"
QUOTE_ERRORS = {
    "description": _l("Row %(row)s: describe the item (up to 200 characters)."),
    "number": _l("Row %(row)s: quantity and unit price must be numbers."),
    "quantity": _l("Row %(row)s: the quantity must be above 0, with at most 2 decimals."),
    "price": _l("Row %(row)s: the unit price must be 0 or more, with at most 2 decimals (yuan and fen)."),
    "empty": _l("Add at least one item."),
    "too_many": _l("At most 20 items."),
}


@bp.post("/tickets/<int:ticket_id>/ask-customer")
@roles_required(*DESK)
def ask_customer(ticket_id: int):
    return ticket_post(ticket_id, QuestionForm(), lambda ticket, f: service.ask_customer(
        ticket, current_user, question=f.question.data, files=request.files.getlist(f.files.name)), anchor=ANCHOR,
        context=lambda f: {"dialogue_forms": {"question": f}})


def _typed_rows() -> list[tuple[str, str, str]]:
    return [(request.form.get(f"item-{i}-description", "")[:300], request.form.get(f"item-{i}-quantity", "")[:20],
             request.form.get(f"item-{i}-unit_price", "")[:20]) for i in range(QUOTE_ROWS)]


def _lines(rows) -> list[rules.QuoteLine]:
    try:
        return rules.parse_lines(rows)
    except rules.QuoteInvalid as invalid:
        raise ServiceError(QUOTE_ERRORS[str(invalid)] % {"row": invalid.row}) from invalid


@bp.post("/tickets/<int:ticket_id>/quotes")
@roles_required(*DESK)
def create_quote(ticket_id: int):
    rows = _typed_rows()
    return ticket_post(ticket_id, QuoteForm(), lambda ticket, f: service.create_quote(
        ticket, current_user, lines=_lines(rows), note=f.note.data), anchor=ANCHOR,
        context=lambda f: {"dialogue_forms": {"quote": f}, "quote_rows": rows})


@bp.post("/tickets/<int:ticket_id>/quotes/<int:quote_id>/withdraw")
@roles_required(*DESK)
def withdraw_quote(ticket_id: int, quote_id: int):
    quote = db.session.get(Quote, quote_id)
    if quote is None or quote.ticket_id != ticket_id:
        abort(404)
    return ticket_post(ticket_id, ButtonForm(), lambda ticket, f: service.withdraw_quote(ticket, current_user, quote),
                       anchor=ANCHOR, context=lambda f: {"dialogue_forms": {"withdraw": f}})


# ---- Supervisors' follow-up tasks ------------------------------------------------------------------------

def _tasks_page(status: int = 200, forms: dict | None = None, error: str | None = None):
    tasks = db.session.scalars(
        db.select(FollowUpTask).options(joinedload(FollowUpTask.ticket).joinedload(Ticket.customer))
        .where(FollowUpTask.status == "open").order_by(FollowUpTask.created_at, FollowUpTask.id).limit(200)).all()
    forms = forms or {}
    blank = {"callback": CallbackForm}
    return render("backoffice/tasks.html", http_status=status, tasks=tasks, error=error,
                  forms={t.id: forms.get(t.id) or blank.get(t.kind, TaskDoneForm)(formdata=None) for t in tasks},
                  call_by={t.id: callbacks.call_by(t) for t in tasks if t.kind == "callback"})


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
    return submit(form, lambda f: service.complete_task(task, current_user, note=f.note.data),
                  done=lambda _r: saved(_("Task done."), url_for("backoffice.tasks")),
                  again=lambda status, error: refused(form, status, lambda code: _tasks_page(
                      code, {task.id: form}, error=str(error.message) if error is not None else None), error))


@bp.post("/tasks/<int:task_id>/callback")
@roles_required(*SUPERVISORS)
def task_callback(task_id: int):
    """The satisfaction call-back done: the customer's answer (满意 / 基本满意 / 不满意) and comment."""
    task = db.session.get(FollowUpTask, task_id)
    if task is None or task.kind != "callback":
        abort(404)
    form = CallbackForm()
    return submit(form, lambda f: callbacks.record_callback(task, current_user, satisfaction=f.satisfaction.data,
                                                            comment=f.note.data),
                  done=lambda _r: saved(_("Call-back recorded."), url_for("backoffice.tasks")),
                  again=lambda status, error: refused(form, status, lambda code: _tasks_page(
                      code, {task.id: form}, error=str(error.message) if error is not None else None), error))
