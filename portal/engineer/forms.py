"""On-site forms. Each posts on its own and re-renders the job with its errors; the customer's signing form is
shared with the remote signing page (portal.web.signing)."""
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
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal import labels
from portal.web.fields import VersionField, new_key, optional_int, strip, to_choices


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


class SerialForm(StepForm):
    """The unit on site: its label scanned (the QR reader puts what it read in `scanned`), or its serial typed."""
    serial = StringField(_l("Serial number on the unit"), filters=[strip], validators=[Optional(), Length(max=80)])
    scanned = HiddenField(validators=[Optional(), Length(max=500)])
    confirmed = None  # the serial just confirmed, shown on the re-drawn job
    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if valid and not self.serial.data and not self.scanned.data:
            self.serial.errors = [*self.serial.errors, _l("Scan the label or type the serial number.")]
            return False
        return valid


class LoanerReturnForm(StepForm):
    loaner_id = IntegerField(validators=[DataRequired()])
    note = StringField(_l("Condition on return"), filters=[strip], validators=[Optional(), Length(max=300)])


class MeterForm(StepForm):
    """The unit's operating hours read off its meter at the visit (maintenance plans by hours follow them)."""
    hours = IntegerField(_l("Operating hours on the meter"), validators=[
        InputRequired(_l("Enter the hours the meter shows.")),
        NumberRange(min=0, max=10_000_000, message=_l("Enter the hours the meter shows."))])


class ProgressForm(StepForm):
    message = TextAreaField(_l("Message to the customer"), filters=[strip],
                            validators=[DataRequired(), Length(min=3, max=1000)],
                            description=_l("e.g. Hardware checked, the module must be replaced, "
                                           "the part arrives within 3 working days"))


class OnTheWayForm(StepForm):
    """"On my way": the customer is told, with the expected arrival when the engineer gives one."""
    eta_minutes = SelectField(_l("Expected arrival in"), coerce=optional_int, validators=[Optional()],
                              choices=to_choices([("", _l("not given"))] + [
                                  (m, _l("%(n)s min", n=m)) for m in (15, 30, 45, 60, 90, 120)]))


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
