"""The customer's signing form, on the engineer's phone and behind a remote link, and what it hands to the
acceptance use case: the customer's answer and the request's evidence (device clock, browser, address)."""
import base64
import binascii

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal.models import Ticket
from portal.services import acceptance
from portal.web.fields import strip, to_choices

PNG_DATA_URL = "data:image/png;base64,"

RATINGS = to_choices([("5", "★★★★★"), ("4", "★★★★"), ("3", "★★★"), ("2", "★★"), ("1", "★")])


class AcceptanceForm(FlaskForm):
    """The customer's answer on the engineer's phone: verification, rating, name, signature, accept or not."""
    functional_check = TextAreaField(
        _l("Functional check done by the engineer"), filters=[strip], validators=[Length(max=1000)],
        render_kw={"placeholder": _l("e.g. switched on, ran a full wash cycle, no error code")})
    customer_verification = StringField(
        _l("What you checked yourself"), filters=[strip], validators=[Length(max=500)],
        render_kw={"placeholder": _l("e.g. observed for an hour without fault")})
    outcome = RadioField(_l("Your decision"), default="accept", validators=[DataRequired()], choices=to_choices(
        [("accept", _l("I accept the work")), ("reject", _l("I am not satisfied"))]))
    reason = TextAreaField(_l("What is not right?"), filters=[strip], validators=[Length(max=1000)])
    rating = RadioField(_l("Your rating (optional)"), choices=RATINGS, validators=[Optional()])
    signer_name = StringField(_l("Your full name"), filters=[strip],
                              validators=[DataRequired(), Length(min=2, max=120)])
    comment = TextAreaField(_l("Comment (optional)"), filters=[strip], validators=[Optional(), Length(max=1000)])
    signature = HiddenField()
    client_time = HiddenField()
    client_sent_at = HiddenField()
    summary_sha256 = HiddenField(validators=[DataRequired()])
    latitude = HiddenField()
    longitude = HiddenField()
    accuracy = HiddenField()

    # On the customer's own phone (remote link) there is no engineer to record a check.
    engineer_present = True

    def validate_functional_check(self, field):
        if self.engineer_present and self.outcome.data == "accept" and not field.data:
            raise ValidationError(_l("Describe the functional check before the customer signs."))

    def validate_customer_verification(self, field):
        if self.outcome.data == "accept" and not field.data:
            raise ValidationError(_l("Say what you checked, for example that it ran for an hour without fault."))

    def validate_reason(self, field):
        if self.outcome.data == "reject" and not field.data:
            raise ValidationError(_l("Tell us what is not right, so that we can fix it."))

    def validate_signature(self, field):
        self.signature_png = None
        value = field.data or ""
        if self.outcome.data != "accept" and not value:
            return
        if not value.startswith(PNG_DATA_URL):
            raise ValidationError(_l("Please sign in the box."))
        try:
            self.signature_png = base64.b64decode(value[len(PNG_DATA_URL):], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationError(_l("The signature could not be read. Please sign again.")) from exc

    def location(self) -> tuple[float | None, float | None, float | None]:
        """The phone's position, only when the engineer allowed it; nonsense is dropped, not an error."""
        try:
            lat, lon = float(self.latitude.data), float(self.longitude.data)
        except (TypeError, ValueError):
            return None, None, None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None, None, None
        try:
            accuracy = max(0.0, float(self.accuracy.data))
        except (TypeError, ValueError):
            accuracy = None
        return lat, lon, accuracy


class RemoteAcceptanceForm(AcceptanceForm):
    """On the customer's own phone: no engineer's check, and the one-time code sent to the contact's e-mail."""
    engineer_present = False
    code = StringField(_l("Code from the e-mail"), filters=[strip],
                       validators=[DataRequired(), Regexp(r"^\d{6}$", message=_l("The code has 6 digits."))],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6})


def signing_from(form: AcceptanceForm) -> acceptance.Signing:
    """The form's answer and the request's evidence (the device clock at send time, browser, address)."""
    # The customer's own phone behind a remote link reports no location and no engineer's check.
    latitude, longitude, accuracy = form.location() if form.engineer_present else (None, None, None)
    sent = request.headers.get("X-Client-Sent-At") or form.client_sent_at.data
    return acceptance.Signing(
        signer_name=form.signer_name.data, shown_summary_sha256=form.summary_sha256.data,
        signature_png=form.signature_png, client_signed_at=acceptance.parse_client_time(form.client_time.data),
        client_sent_at=acceptance.parse_client_time(sent),
        functional_check=(form.functional_check.data or None) if form.engineer_present else None,
        customer_verification=form.customer_verification.data or None,
        rating=int(form.rating.data) if form.rating.data else None, comment=form.comment.data or None,
        user_agent=request.user_agent.string, ip_address=request.remote_addr,
        latitude=latitude, longitude=longitude, accuracy_m=accuracy)


def signing_context(ticket: Ticket, form: AcceptanceForm) -> dict:
    """What the signing screen shows: the summary, and its hash in the form so that a change is noticed."""
    summary = acceptance.work_summary(ticket)
    form.summary_sha256.data = acceptance.hash_of(summary)
    return {"ticket": ticket, "form": form, "summary": summary}
