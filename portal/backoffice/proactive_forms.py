"""Forms of proactive service: a campaign or recall and its units, a maintenance plan, a meter reading."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal import labels
from portal.web.fields import strip, to_choices


class CampaignForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)],
                       description=_l("e.g. 2024Q3 电源模块召回"))
    kind = RadioField(_l("Kind"), default="recall", choices=to_choices([
        ("recall", _l("Safety recall: every customer is told")),
        ("campaign", _l("Campaign: only customers who agreed to marketing are told"))]))
    description = TextAreaField(_l("What we do and why (in the message and on each ticket)"), filters=[strip],
                                validators=[DataRequired(), Length(min=5, max=1000)])
    priority = SelectField(_l("Priority of the tickets"), default="P3", choices=to_choices(labels.PRIORITY.items()))
    models = StringField(_l("Product models"), filters=[strip], validators=[Optional(), Length(max=500)],
                         description=_l("Codes separated by commas, e.g. ABC-2000, PX-50"))
    batches = StringField(_l("Lots"), filters=[strip], validators=[Optional(), Length(max=500)])
    serial_from = StringField(_l("Serial numbers from"), filters=[strip], validators=[Optional(), Length(max=80)])
    serial_to = StringField(_l("to"), filters=[strip], validators=[Optional(), Length(max=80)])
    serials = TextAreaField(_l("Or a list of serial numbers"), filters=[strip],
                            validators=[Optional(), Length(max=200000)],
                            description=_l("One per line, or separated by commas"))
    bought_from = DateField(_l("Bought from"), validators=[Optional()])
    bought_to = DateField(_l("Bought until"), validators=[Optional()])


class PlanForm(FlaskForm):
    every_months = IntegerField(_l("Every (months)"), validators=[Optional(), NumberRange(1, 60)])
    every_hours = IntegerField(_l("Or every (operating hours)"), validators=[Optional(), NumberRange(10, 100000)],
                               description=_l("From the meter readings recorded at visits or imported"))
    first_due = DateField(_l("First visit due"), validators=[Optional()],
                          description=_l("Empty: one interval from today"))
    lead_days = IntegerField(_l("Generate the visit ahead (days)"), default=14,
                             validators=[DataRequired(message=_l("Enter a whole number.")), NumberRange(0, 90)])


class ReadingForm(FlaskForm):
    hours = IntegerField(_l("Operating hours"), validators=[DataRequired(message=_l("Enter a whole number.")),
                                                            NumberRange(0, 10_000_000)])
    read_on = DateField(_l("Read on"), validators=[DataRequired()])
