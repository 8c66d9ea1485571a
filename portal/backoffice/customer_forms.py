"""Forms of the customer master data: customer, contact, site, registered unit."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from portal.web.fields import SERIAL_RE, optional_int, strip, to_choices


class CustomerForm(FlaskForm):
    seen = HiddenField()  # the record's fingerprint when the form was opened
    kind = SelectField(_l("Kind of customer"), choices=to_choices(
        [("company", _l("Company")), ("individual", _l("Individual"))]), default="company")
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(min=2, max=200)],
                       description=_l("Company name, or the person's full name"))
    # The admin's tiers (portal.services.tiers.choices), set by the view.
    tier = SelectField(_l("Customer tier"), default="standard", validate_choice=False)
    account_manager_id = SelectField(_l("Account manager"), coerce=optional_int, validate_choice=False)
    region = StringField(_l("Region"), filters=[strip], validators=[Optional(), Length(max=60)],
                         description=_l("e.g. 华东, 华南: used to suggest engineers"))
    address = StringField(_l("Address"), filters=[strip], validators=[Optional(), Length(max=300)])


class ContactForm(FlaskForm):
    seen = HiddenField()  # the record's fingerprint when the form was opened
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), Length(max=40)],
                        description=_l("Mobile or landline with area code, with or without +86"))
    email = StringField(_l("E-mail"), filters=[strip], validators=[
        Optional(), Email(message=_l("Enter an e-mail address, e.g. name@example.com.")), Length(max=254)])


class SiteForm(FlaskForm):
    seen = HiddenField()  # the record's fingerprint when the form was opened
    label = StringField(_l("Name of the place"), filters=[strip], validators=[DataRequired(), Length(max=60)],
                        description=_l("For example: head office, plant 2, home"))
    address = StringField(_l("Address"), filters=[strip], validators=[DataRequired(), Length(max=300)])
    is_default = BooleanField(_l("Default address for visits"))


class UnitForm(FlaskForm):
    serial = StringField(_l("Serial number"), filters=[strip], validators=[
        DataRequired(), Regexp(SERIAL_RE, message=_l("Letters, digits and - _ / . only."))])
    product_model_id = SelectField(_l("Product model"), coerce=optional_int, validators=[DataRequired()])
    purchase_date = DateField(_l("Purchase date"), validators=[Optional()])
    invoice_date = DateField(_l("Invoice date"), validators=[Optional()],
                             description=_l("三包 periods count from the invoice date when there is one"))
    purchase_channel = StringField(_l("Purchase channel"), filters=[strip], validators=[Optional(), Length(max=100)],
                                   description=_l("e.g. 京东旗舰店, a dealer's name"))
    extended_warranty_end = DateField(_l("Extended warranty until"), validators=[Optional()])
    retired_on = DateField(_l("Retired on"), validators=[Optional()],
                           description=_l("Scrapped or taken out of service: its label then says so"))
    price_paid = StringField(_l("Price paid (CNY)"), filters=[strip], validators=[Optional(), Length(max=20)],
                             description=_l("From the invoice: a 三包 refund is at most this"))
