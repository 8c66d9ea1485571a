"""On-site forms. Each posts on its own and re-renders the job with its errors."""
import base64
import binascii
import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal import labels
from portal.backoffice.forms import optional_int
from portal.forms import VersionField, strip, to_choices

PNG_DATA_URL = "data:image/png;base64,"


def new_key() -> str:
    return uuid.uuid4().hex


class StepForm(FlaskForm):
    """Base of every on-site form, and the whole of the steps with no fields (arrival, hand-over).

    `version` is the ticket version the form started from; `idempotency_key` identifies the
    submission however often the phone replays it (the phone puts a fresh one in when it opens the form).
    """
    version = VersionField()
    idempotency_key = HiddenField(default=new_key)


class InspectionForm(StepForm):
    findings = TextAreaField(_l("Findings"), filters=[strip], validators=[DataRequired(), Length(min=3, max=5000)])
    photos = MultipleFileField(_l("Photos"))

    def checklist_answers(self, items: list[dict], form, files, locale: str) -> tuple[dict, dict] | None:
        """Answers and photos for the template's items, or None after adding errors for missing required ones."""
        answers, photos, missing = {}, {}, []
        for item in items:
            name = f"check_{item['key']}"
            if item["kind"] == "photo":
                uploads = [f for f in files.getlist(name) if f and f.filename]
                if uploads:
                    photos[item["key"]] = uploads
                    answers[item["key"]] = len(uploads)
            else:
                value = (form.get(name) or "").strip()[:200]
                if item["kind"] == "yesno" and value not in ("", "yes", "no"):
                    value = ""
                if value:
                    answers[item["key"]] = value
            if item.get("required") and item["key"] not in answers:
                missing.append(item_label(item, locale))
        if missing:
            self.form_errors.append(str(_l("Required checklist items are missing: %(items)s",
                                             items="、".join(missing))))
            return None
        return answers, photos


def item_label(item: dict, locale: str) -> str:
    labels = item.get("label", {})
    return labels.get(locale) or labels.get("zh_CN") or item["key"]


class DiagnosisForm(StepForm):
    cause_category = SelectField(_l("Cause"), choices=to_choices(labels.CAUSE.items()))
    cause = TextAreaField(_l("Cause found"), filters=[strip], validators=[DataRequired(), Length(min=3, max=3000)])
    workaround = TextAreaField(_l("Temporary workaround"), filters=[strip], validators=[Optional(), Length(max=3000)])
    permanent_fix = TextAreaField(_l("Permanent fix"), filters=[strip], validators=[Optional(), Length(max=3000)])
    estimated_minutes = IntegerField(_l("Estimated time (minutes)"), validators=[
        Optional(), NumberRange(min=1, max=60 * 24 * 30)])
    estimated_cost = DecimalField(_l("Estimated cost (CNY)"), places=2, validators=[
        Optional(), NumberRange(min=0, max=1_000_000)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.permanent_fix.data and not self.workaround.data:
            # Not a field validator: Optional() on both fields would stop it before it ran.
            self.permanent_fix.errors = [*self.permanent_fix.errors,
                                         _l("Give a temporary workaround, a permanent fix, or both.")]
            return False
        return valid


class LoanerForm(StepForm):
    description = StringField(_l("Loaner unit"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    serial = StringField(_l("Loaner serial number"), filters=[strip], validators=[DataRequired(), Length(max=80)])


class LoanerReturnForm(StepForm):
    loaner_id = IntegerField(validators=[DataRequired()])
    note = StringField(_l("Condition on return"), filters=[strip], validators=[Optional(), Length(max=300)])


class ProgressForm(StepForm):
    message = TextAreaField(_l("Message to the customer"), filters=[strip],
                            validators=[DataRequired(), Length(min=3, max=1000)],
                            description=_l("e.g. Hardware checked, the module must be replaced, "
                                           "the part arrives within 3 working days"))


class WaitForm(StepForm):
    waiting_for = SelectField(_l("Waiting for"), choices=to_choices([
        ("parts", _l("Waiting for parts")), ("customer", _l("Waiting for customer"))]))
    reason = StringField(_l("Reason"), filters=[strip], validators=[DataRequired(), Length(max=300)])


class PartLineForm(Form):
    part_id = SelectField(_l("Part"), coerce=optional_int, validate_choice=False)
    quantity = IntegerField(_l("Qty"), default=1, validators=[Optional(), NumberRange(min=1, max=99)])
    removed_serial = StringField(_l("Removed serial"), filters=[strip], validators=[Optional(), Length(max=80)])
    installed_serial = StringField(_l("Installed serial"), filters=[strip],
                                   validators=[Optional(), Length(max=80)])
    chargeable = BooleanField(_l("Chargeable"))


class WorkForm(StepForm):
    work_done = TextAreaField(_l("Work done"), filters=[strip], validators=[DataRequired(), Length(min=3, max=5000)])
    labour_minutes = IntegerField(_l("Labour (minutes)"), validators=[
        DataRequired(), NumberRange(min=1, max=24 * 60)])
    parts = FieldList(FormField(PartLineForm), min_entries=3, max_entries=10)

    def part_lines(self, known_ids: set[int]) -> list[dict]:
        lines = []
        for entry in self.parts.entries:
            data = entry.form.data
            if not data["part_id"]:
                continue
            if data["part_id"] not in known_ids:
                entry.form.part_id.errors.append(_l("Unknown part."))
                continue
            lines.append({**data, "quantity": data["quantity"] or 1})
        return lines


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
    engineer_present = False
