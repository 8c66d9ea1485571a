"""The customer books a visit on their ticket from the engineers' real free windows, moves it up to a set time
before, or asks for another time; each window chosen is checked again when confirmed."""
from datetime import datetime
from itertools import groupby

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.customer.blueprint import bp
from portal.domain import booking, workflow
from portal.domain.roles import CUSTOMERS
from portal.domain.time import utcnow
from portal.models import Ticket
from portal.services import ServiceError
from portal.services import visits as service
from portal.services.localtime import local
from portal.services.transitions import allowed_actions
from portal.services.visit_calendar import VISIT_LENGTH
from portal.web.access import load_ticket, roles_required
from portal.web.fields import VersionField, strip
from portal.web.forms import refused, saved, submit
from portal.web.render import render


class WindowForm(FlaskForm):
    slot = RadioField(_l("Visit time"), validate_choice=False,
                      validators=[DataRequired(message=_l("Choose a time."))])
    version = VersionField()


class WishForm(FlaskForm):
    wish = TextAreaField(_l("When would suit you?"), filters=[strip],
                         description=_l("For example: any weekday after 18:00, or Saturday morning."),
                         validators=[DataRequired(message=_l("Tell us when suits you.")), Length(max=500)])


def _ticket(ticket_id: int) -> Ticket:
    return load_ticket(ticket_id, joinedload(Ticket.product_model), joinedload(Ticket.customer))


def page_context(ticket: Ticket, form: WindowForm | None = None, wish_form: WishForm | None = None,
                 error: str | None = None) -> dict:
    actions = allowed_actions(ticket, current_user)
    planned = service.planned_visits(ticket.id)
    visit = planned[0] if planned else None
    now = utcnow()
    can_move = can_book = False
    if visit is not None:
        can_move = "move_visit" in actions and booking.may_change(service.aware(visit.scheduled_at), now,
                                                                   service.notice())
    else:
        can_book = "book_visit" in actions and (ticket.assignee_id is not None or ticket.status == workflow.TRIAGED)
    offered = service.windows(ticket, moving=visit, now=now) if (can_move or can_book) else []
    form = form or WindowForm(formdata=None)
    form.version.data = ticket.version
    chosen = form.slot.data
    days = [(day, list(group)) for day, group in groupby(offered, key=lambda w: w.start.date())]
    return {"ticket": ticket, "visit": visit, "visit_at": local(service.aware(visit.scheduled_at)) if visit else None,
            "can_move": can_move, "can_book": can_book, "days": days, "chosen": chosen, "form": form,
            "wish_form": wish_form or WishForm(formdata=None), "can_ask": "ask_visit_time" in actions,
            "notice_hours": _hours(), "error": error, "window_length": VISIT_LENGTH,
            "requests": service.open_requests(ticket.id)}


def _page(ticket: Ticket, status: int = 200, **given):
    return render("customer/visit.html", http_status=status, **page_context(ticket, **given))


@bp.get("/tickets/<int:ticket_id>/visit")
@roles_required(*CUSTOMERS)
def ticket_visit(ticket_id: int):
    """The visit of the customer's own ticket: book one, move it, or ask for another time."""
    return _page(_ticket(ticket_id))


def _moment(value: str) -> datetime:
    try:
        at = datetime.fromisoformat(value or "")
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise ServiceError(_l("Choose one of the times offered."), field="slot")
    return at


def _when(visit) -> str:
    return local(service.aware(visit.scheduled_at)).strftime("%Y-%m-%d %H:%M")


@bp.post("/tickets/<int:ticket_id>/visit/book")
@roles_required(*CUSTOMERS)
def book_visit(ticket_id: int):
    ticket = _ticket(ticket_id)
    form = WindowForm()
    return submit(form, lambda f: service.book(ticket, current_user, at=_moment(f.slot.data), version=f.version.data),
                  done=lambda visit: saved(_("Your visit is booked for %(at)s. You can move it here up to %(hours)s "
                                             "hours before.", at=_when(visit), hours=_hours()),
                                           url_for("customer.ticket_visit", ticket_id=ticket.id)),
                  again=lambda status, error: refused(form, status, lambda code: _page(ticket, code, form=form), error))


@bp.post("/tickets/<int:ticket_id>/visit/move")
@roles_required(*CUSTOMERS)
def move_visit(ticket_id: int):
    ticket = _ticket(ticket_id)
    form = WindowForm()

    def use(f):
        planned = service.planned_visits(ticket.id)
        if not planned:
            raise ServiceError(_l("No visit is booked any more; choose a time to book one."), status=409)
        return service.move(planned[0], ticket, current_user, at=_moment(f.slot.data), reason=None,
                            version=f.version.data)

    return submit(form, use,
                  done=lambda visit: saved(_("Your visit is moved to %(at)s.", at=_when(visit)),
                                           url_for("customer.ticket_visit", ticket_id=ticket.id)),
                  again=lambda status, error: refused(form, status, lambda code: _page(ticket, code, form=form), error))


@bp.post("/tickets/<int:ticket_id>/visit/ask")
@roles_required(*CUSTOMERS)
def ask_visit_time(ticket_id: int):
    ticket = _ticket(ticket_id)
    form = WishForm()
    return submit(form, lambda f: service.ask_for_time(ticket, current_user, wish=f.wish.data),
                  done=lambda _r: saved(_("Thank you: our service desk will propose a time."),
                                        url_for("customer.ticket_visit", ticket_id=ticket.id)),
                  again=lambda status, error: refused(form, status, lambda code: _page(ticket, code, wish_form=form),
                                                      error))


def _hours() -> int:
    return int(service.notice().total_seconds() // 3600)
