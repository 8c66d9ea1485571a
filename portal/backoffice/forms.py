"""Desk forms: intake, triage, assignment, updates, questions and quotes for the customer, follow-up tasks."""
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from portal import labels
from portal.domain import phones
from portal.services.dispatch import SLOTS
from portal.web.fields import SERIAL_RE, VersionField, new_key, optional_int, phone_number, strip, to_choices


class IntakeForm(FlaskForm):
    # Made when the form is drawn: a double-click or a resent POST registers the request once (@idempotent).
    idempotency_key = HiddenField(default=new_key)
    # How many photos are picked, counted in the browser for the live completeness score.
    attachment_count = HiddenField(default="0")
    channel = SelectField(_l("Channel"), choices=to_choices(labels.DESK_CHANNEL.items()), default="phone")
    customer_id = SelectField(_l("Customer"), coerce=optional_int)
    # Not found by the search: the customer is made with the request, its contact from the contact fields.
    new_customer_kind = SelectField(_l("Kind of customer"), choices=to_choices(
        [("company", _l("Company")), ("individual", _l("Individual"))]), default="company")
    new_customer_name = StringField(_l("Name of the new customer"), filters=[strip],
                                    validators=[Optional(), Length(min=2, max=200)],
                                    description=_l("Company name, or the person's full name"))
    new_customer_email = StringField(_l("Contact e-mail"), filters=[strip], validators=[
        Optional(), Email(message=_l("Enter an e-mail address, e.g. name@example.com.")), Length(max=254)])
    new_customer_address = StringField(_l("Address"), filters=[strip], validators=[Optional(), Length(max=300)],
                                       description=_l("Kept as the customer's site, where engineers go"))
    not_duplicate = BooleanField(_l("None of these: it is a new customer"))
    contact_id = SelectField(_l("Contact person on file"), coerce=optional_int, validate_choice=False)
    contact_name = StringField(_l("Contact person"), filters=[strip],
                               validators=[DataRequired(), Length(max=120)],
                               description=_l("Left empty, the contact on file is used"))
    contact_phone = StringField(_l("Phone"), filters=[strip],
                                validators=[DataRequired(), Length(max=40), phone_number])
    site_id = SelectField(_l("Service address"), coerce=optional_int, validate_choice=False)
    service_address = StringField(_l("Other address"), filters=[strip], validators=[Optional(), Length(max=300)],
                                  description=_l("Typed here, it is used instead of the site chosen"))
    asset_id = SelectField(_l("Registered unit"), coerce=optional_int, validate_choice=False,
                           description=_l("Picking one fills in model, serial number and purchase date"))
    product_model_id = SelectField(_l("Product model"), coerce=optional_int, validators=[DataRequired()])
    serial = StringField(_l("Serial number"), filters=[strip], validators=[
        Optional(), Regexp(SERIAL_RE, message=_l("Letters, digits and - _ / . only."))])
    purchase_date = DateField(_l("Purchase date"), validators=[Optional()])
    description = TextAreaField(_l("Problem description"), filters=[strip], validators=[
        DataRequired(), Length(min=5, max=5000)],
        description=_l("Symptom as the customer describes it, e.g. screen stays black after power-on"))
    frequency = StringField(_l("How often"), filters=[strip], validators=[Optional(), Length(max=200)])
    impact = StringField(_l("Impact"), filters=[strip], validators=[Optional(), Length(max=200)])
    tried = StringField(_l("What the customer already tried"), filters=[strip],
                        validators=[Optional(), Length(max=500)])
    photos = MultipleFileField(_l("Attachments (photos)"))
    # Depot repairs (walk-in, sent in): printed on the intake receipt the customer takes home.
    accessories = StringField(_l("Accessories handed over"), filters=[strip],
                              validators=[Optional(), Length(max=300)],
                              description=_l("e.g. power adapter, remote control, original box"))
    condition = StringField(_l("Visible condition"), filters=[strip], validators=[Optional(), Length(max=500)],
                            description=_l("e.g. scratch on the left side, screen intact"))

    def validate_customer_id(self, field):
        if not field.data and not self.new_customer_name.data:
            raise ValidationError(_l("Find the customer above, or enter a new customer's name."))

    def validate_contact_phone(self, field):
        # A new customer's contact is kept in the one stored form, so that the search finds them by any digits.
        if not self.customer_id.data and self.new_customer_name.data and field.data:
            if phones.normalize(field.data) is None:
                raise ValidationError(_l("Enter a mainland mobile (11 digits) or a landline with its area code, "
                                         "e.g. 138 1234 5678 or 021-6234 5678."))

    def validate_purchase_date(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("The purchase date cannot be in the future."))


class TriageForm(FlaskForm):
    category = SelectField(_l("Category"), choices=to_choices(labels.CATEGORY.items()))
    priority = SelectField(_l("Priority"), choices=to_choices(labels.PRIORITY.items()), default="P3")
    reason = StringField(_l("Reason for the priority"), filters=[strip], validators=[Optional(), Length(max=300)])
    # Left empty (an older form, a bulk action), the suggestion is taken.
    mode = SelectField(_l("Service mode"), choices=to_choices([("", _l("The suggestion"))] + list(labels.MODE.items())),
                       default="")
    mode_reason = StringField(_l("Reason for changing the mode"), filters=[strip],
                              validators=[Optional(), Length(max=300)])
    version = VersionField()


class ModeForm(FlaskForm):
    """Escalate a remote case to on site or depot (or the other way) in one step: nothing is typed again."""
    mode = SelectField(_l("Service mode"), choices=to_choices(labels.MODE.items()))
    mode_reason = StringField(_l("Reason for changing the mode"), filters=[strip],
                              validators=[DataRequired(), Length(max=300)])
    version = VersionField()


class AssignForm(FlaskForm):
    engineer_id = SelectField(_l("Engineer"), coerce=optional_int, validators=[DataRequired()])
    # Required by the service when the ticket already has an assignee (a reassignment).
    reason = StringField(_l("Reason for the reassignment"), filters=[strip], validators=[Optional(), Length(max=300)])
    version = VersionField()


class UpdateCustomerForm(FlaskForm):
    message = TextAreaField(_l("Message to the customer"), filters=[strip],
                            validators=[DataRequired(), Length(min=2, max=1000)])


class QuestionForm(FlaskForm):
    question = TextAreaField(_l("Question to the customer"), filters=[strip],
                             validators=[DataRequired(), Length(min=2, max=1000)])
    files = MultipleFileField(_l("Attachments for the customer"),
                              description=_l("Photos, MP4 videos or PDFs; the customer can open them"))


class QuoteForm(FlaskForm):
    note = TextAreaField(_l("Note to the customer"), filters=[strip], validators=[Optional(), Length(max=1000)])


class TaskDoneForm(FlaskForm):
    note = TextAreaField(_l("What was done"), filters=[strip], validators=[Optional(), Length(max=1000)])


class CallbackForm(FlaskForm):
    """The satisfaction call-back (seed 004): the customer's answer and what they said."""
    satisfaction = RadioField(_l("Customer's satisfaction"), choices=to_choices(labels.SATISFACTION.items()),
                              validators=[InputRequired(message=_l("Choose how satisfied the customer is."))])
    note = TextAreaField(_l("Comment and suggestions"), filters=[strip], validators=[Optional(), Length(max=1000)])


# ---- The desk's own work on a ticket (issue 13) ----
class NoteForm(FlaskForm):
    body = TextAreaField(_l("Internal note"), filters=[strip], validators=[DataRequired(), Length(min=2, max=5000)],
                         description=_l("Seen by staff only"))
    photos = MultipleFileField(_l("Photos, videos, PDFs"),
                               description=_l("Photos, short MP4 videos or PDFs; staff only"))


class ResolutionForm(FlaskForm):
    summary = TextAreaField(_l("What was done"), filters=[strip], validators=[DataRequired(), Length(min=5, max=2000)],
                            description=_l("Told to the customer, who confirms it"))
    version = VersionField()


class TransferForm(FlaskForm):
    department_id = SelectField(_l("Department"), coerce=optional_int, validators=[DataRequired()])
    reason = StringField(_l("Reason for the transfer"), filters=[strip], validators=[DataRequired(), Length(max=300)])
    version = VersionField()


class LinkForm(FlaskForm):
    number = StringField(_l("Ticket number"), filters=[strip], validators=[DataRequired(), Length(max=20)])


class VisitForm(FlaskForm):
    day = DateField(_l("Day"), validators=[DataRequired()])
    slot = SelectField(_l("Slot"), choices=to_choices((s.strftime("%H:%M"), s.strftime("%H:%M")) for s in SLOTS))
    version = VersionField()

    def validate_day(self, field):
        if field.data and not (date.today() <= field.data <= date.today() + timedelta(days=365)):
            raise ValidationError(_l("Choose a day from today up to a year ahead."))


class MergeForm(FlaskForm):
    number = StringField(_l("Number of the original ticket"), filters=[strip],
                         validators=[DataRequired(), Length(max=20)])
    version = VersionField()


class EntitlementForm(FlaskForm):
    """The 三包 decision taken with the customer: what and why (who and when are recorded)."""
    decision = SelectField(_l("Decision"), choices=to_choices(labels.ENTITLEMENT_DECISION.items()))
    reason = TextAreaField(_l("Why"), filters=[strip], validators=[DataRequired(), Length(max=500)],
                           description=_l("e.g. customer chose a refund on day 5; exchange agreed as goodwill"))


class RemoteSessionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=to_choices(labels.REMOTE_KIND.items()), default="call")
    started_at = DateTimeLocalField(_l("Started"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    minutes = IntegerField(_l("Duration (minutes)"), validators=[DataRequired()])
    tried = TextAreaField(_l("What was tried"), filters=[strip], validators=[DataRequired(), Length(max=4000)])
    result = SelectField(_l("Result"), choices=to_choices(labels.REMOTE_RESULT.items()), default="fixed")



class ParcelForm(FlaskForm):
    """A parcel in or out, or a service point (hand-over, or pick-up with a code)."""
    method = SelectField(_l("How"), choices=to_choices(labels.PARCEL_METHOD.items()), default="parcel")
    carrier = SelectField(_l("Carrier"), validate_choice=False)
    tracking_number = StringField(_l("Tracking number"), filters=[strip], validators=[Optional(), Length(max=60)])
    confirm_misfit = BooleanField(_l("The number is right even though it does not look like this carrier's"))
    service_point_id = SelectField(_l("Service point"), coerce=optional_int, validate_choice=False)


class PickupForm(FlaskForm):
    """The hand-over at the service point: the code the customer was sent."""
    code = StringField(_l("Pick-up code"), filters=[strip], validators=[DataRequired(), Length(max=12)],
                       description=_l("The 6 digits the customer was sent"))


class RmaForm(FlaskForm):
    """Every step of an RMA: asked (kind and why), approved, received, completed (refund or exchange serial)."""
    kind = SelectField(_l("Return or exchange"), choices=to_choices(labels.RMA_KIND.items()), default="return")
    reason = StringField(_l("Why"), filters=[strip], validators=[Optional(), Length(max=500)])
    refund = StringField(_l("Refund (CNY)"), filters=[strip], validators=[Optional(), Length(max=20)],
                         description=_l("At most the price paid"))
    exchange_serial = StringField(_l("Serial number of the exchange unit"), filters=[strip],
                                  validators=[Optional(), Length(max=80)])
