"""The customer's service request form: the intake fields, plus when to call them and how they want it done."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal import labels
from portal.web.fields import SERIAL_RE, new_key, optional_int, phone_number, strip, to_choices

# Offered as suggestions; the customer may type anything else (Ticket.preferred_contact_time is free text).
CONTACT_TIMES = (_l("Any time during office hours"), _l("Mornings 9:00-12:00"), _l("Afternoons 13:00-18:00"),
                 _l("Evenings 18:00-20:00"))


class RequestForm(FlaskForm):
    # Made when the form is drawn: a double tap or a resent POST registers the request once (@idempotent).
    idempotency_key = HiddenField(default=new_key)
    asset_id = SelectField(_l("Which of your units?"), coerce=optional_int, validate_choice=False)
    product_model_id = SelectField(_l("Product model"), coerce=optional_int, validate_choice=False)
    serial = StringField(_l("Serial number"), filters=[strip], validators=[
        Optional(), Regexp(SERIAL_RE, message=_l("Letters, digits and - _ / . only."))],
        description=_l("On the label at the back or bottom of the unit"))
    purchase_date = DateField(_l("Purchase date"), validators=[Optional()],
                              description=_l("From your invoice: it tells whether the repair is free"))
    description = TextAreaField(_l("What is the problem?"), filters=[strip], validators=[
        DataRequired(), Length(min=5, max=5000)],
        description=_l("What happens, e.g. the screen stays black after switching on"))
    frequency = StringField(_l("How often does it happen?"), filters=[strip],
                            validators=[Optional(), Length(max=200)])
    impact = StringField(_l("What can you not do because of it?"), filters=[strip],
                         validators=[Optional(), Length(max=200)])
    tried = StringField(_l("What have you already tried?"), filters=[strip],
                        validators=[Optional(), Length(max=500)])
    photos = MultipleFileField(_l("Photos of the fault"))
    service_mode = RadioField(_l("How would you like it handled?"),
                              choices=to_choices(labels.SERVICE_MODE.items()), default="onsite")
    preferred_contact_time = StringField(_l("When may we call you?"), filters=[strip],
                                         validators=[Optional(), Length(max=100)])
    contact_name = StringField(_l("Contact person"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    contact_phone = StringField(_l("Phone"), filters=[strip],
                                validators=[DataRequired(), Length(max=40), phone_number])

    def validate_product_model_id(self, field):
        if not self.asset_id.data and not field.data:
            raise ValidationError(_l("Choose one of your units, or the product model."))

    def validate_purchase_date(self, field):
        if field.data and field.data > date.today():
            raise ValidationError(_l("The purchase date cannot be in the future."))
