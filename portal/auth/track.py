"""Track a ticket without an account: its number plus the last 4 digits of the phone on file, rate-limited."""
import hmac

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp

from portal.auth.blueprint import bp
from portal.extensions import db
from portal.models import Ticket, TicketEvent
from portal.services import depot
from portal.web.access import public
from portal.web.fields import strip
from portal.web.ratelimit import limiter
from portal.web.render import render

TRIES = "5 per 15 minutes"


class TrackForm(FlaskForm):
    number = StringField(_l("Ticket number"), filters=[strip],
                         validators=[DataRequired(), Length(max=30)], render_kw={"placeholder": "SR202610270001"})
    phone_last4 = StringField(_l("Last 4 digits of the phone number on file"), filters=[strip],
                              validators=[DataRequired(), Regexp(r"^\d{4}$", message=_l("Enter 4 digits."))],
                              render_kw={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"})


def _number_key() -> str:
    return "track-number:" + (request.form.get("number") or "").strip().upper()[:30]


def find_tracked(number: str, last4: str) -> Ticket | None:
    ticket = db.session.scalar(db.select(Ticket).where(Ticket.number == number.strip().upper()))
    digits = "".join(ch for ch in (ticket.contact_phone or "") if ch.isdigit()) if ticket else ""
    # Compared in constant time; a ticket without a phone on file never matches.
    if ticket is None or len(digits) < 4 or not hmac.compare_digest(digits[-4:], last4):
        return None
    return ticket


@bp.route("/track", methods=["GET", "POST"])
@public
@limiter.limit(TRIES, methods=["POST"], error_message=_l("Too many tries. Wait 15 minutes and try again."))
@limiter.limit(TRIES, key_func=_number_key, methods=["POST"],
               error_message=_l("Too many tries. Wait 15 minutes and try again."))
def track():
    form = TrackForm()
    if not form.validate_on_submit():
        return render("account/track.html", form=form, http_status=422 if form.errors else 200)
    ticket = find_tracked(form.number.data, form.phone_last4.data)
    if ticket is None:
        form.form_errors.append(_("No ticket matches this number and these digits."))
        return render("account/track.html", form=form, http_status=404)
    events = db.session.scalars(db.select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.customer_visible.is_(True)).order_by(TicketEvent.id)).all()
    # Parcels with their carrier's tracking link; never the pick-up code (four digits of a phone are not enough).
    parcels = depot.parcels(ticket) if ticket.mode == "depot" else []
    return render("account/track.html", form=TrackForm(formdata=None), ticket=ticket, events=events,
                  parcels=parcels, carriers={c.code: c for c in depot.carrier_list()})


@bp.errorhandler(429)
def too_many_tries(error):
    if request.endpoint == "auth.track":
        return render("account/track.html", form=TrackForm(), too_many=True, http_status=429)
    return render("account/too_many.html", http_status=429)
