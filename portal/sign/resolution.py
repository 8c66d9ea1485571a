"""The customer's own phone, from the link in the message of a resolution without a visit: they read what was
done and confirm it or say it is not solved, without an account. As with the signing link (portal.sign.views), the
token is swapped for a mark in the session at once, so it leaves the address bar and the access log; the page
shows the ticket number and what was done (no contact data); the link works once, only for its ticket, only while
the ticket waits for the answer, and expires. The customer acts as the workflow's confirmer."""
from flask import Blueprint, redirect, session, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from portal.services import ServiceError, resolution, resolution_links
from portal.web.access import public
from portal.web.fields import strip
from portal.web.forms import ButtonForm, refused, submit
from portal.web.ratelimit import limiter
from portal.web.render import render

bp = Blueprint("resolution_link", __name__, url_prefix="/resolved")

SESSION_KEY = "resolution_link"
# As the signing page: enough for a slip of the finger, far too few to try links out.
TRIES = "10 per 15 minutes"


class NotSolvedForm(FlaskForm):
    reason = TextAreaField(_l("What is not right?"), filters=[strip],
                           validators=[DataRequired(), Length(min=2, max=1000)])


def _link_key() -> str:
    return f"resolved:{session.get(SESSION_KEY)}"


def _closed(error: ServiceError):
    return render("sign/closed.html", heading=_l("Confirm the resolution"), message=error.message,
                  http_status=error.status, customer_facing=True)


def _page(link, ticket, *, confirm_form=None, reason_form=None, status: int = 200):
    return render("sign/resolution.html", http_status=status, customer_facing=True, ticket=ticket,
                  number=ticket.number, done_text=resolution_links.resolution_text(ticket),
                  resolved_at=ticket.resolved_at, confirm_form=confirm_form or ButtonForm(formdata=None),
                  reason_form=reason_form or NotSolvedForm(formdata=None))


@bp.get("/<token>")
@public
def open_link(token: str):
    try:
        link, _ticket = resolution_links.open_by_token(token)
    except ServiceError as error:
        return _closed(error)
    session[SESSION_KEY] = link.id
    return redirect(url_for("resolution_link.page"))


@bp.get("/")
@public
def page():
    try:
        link, ticket = resolution_links.open_by_id(session.get(SESSION_KEY))
    except ServiceError as error:  # no link opened in this browser, or it was spent or the ticket moved on
        return _closed(error)
    return _page(link, ticket)


def _answer(form: FlaskForm, use_case, confirmed: bool, again):
    try:
        link, ticket = resolution_links.open_by_id(session.get(SESSION_KEY))
    except ServiceError as error:
        return _closed(error)

    def done(_result):
        # The mark stays: the page opened again says the answer is recorded (the link is spent).
        return render("sign/resolution_done.html", confirmed=confirmed, number=ticket.number, customer_facing=True)

    return submit(form, lambda f: use_case(f, link, ticket), done=done,
                  again=lambda status, error: refused(form, status, lambda code: again(link, ticket, form, code),
                                                      error))


@bp.post("/confirm")
@public
@limiter.limit(TRIES, key_func=_link_key)
def confirm():
    return _answer(ButtonForm(), lambda f, link, ticket: resolution.confirm(ticket, None, link=link), True,
                   lambda link, ticket, form, code: _page(link, ticket, confirm_form=form, status=code))


@bp.post("/not-solved")
@public
@limiter.limit(TRIES, key_func=_link_key)
def not_solved():
    return _answer(NotSolvedForm(), lambda f, link, ticket: resolution.not_resolved(
        ticket, None, reason=f.reason.data, link=link), False,
        lambda link, ticket, form, code: _page(link, ticket, reason_form=form, status=code))

