"""Forms of the customer tiers: a tier's benefits, an account manager's check-in notes."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from portal.web.fields import strip


class TierForm(FlaskForm):
    code = StringField(_l("Code"), filters=[strip], validators=[
        DataRequired(), Regexp(r"^[a-z][a-z0-9_]{1,19}$", message=_l("2 to 20 lower-case letters, digits or _."))],
        description=_l("Kept with each customer; it cannot be changed later"))
    name_zh = StringField(_l("Name in Chinese"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    name_en = StringField(_l("Name in English"), filters=[strip], validators=[DataRequired(), Length(max=40)])
    rank = IntegerField(_l("Rank"), validators=[DataRequired(message=_l("Enter a whole number.")),
                                                NumberRange(0, 99)],
                        description=_l("Higher ranks are better tiers; upgrades are proposed upwards"))
    priority_boost = IntegerField(_l("Priority raised by (levels)"), default=0,
                                  validators=[Optional(), NumberRange(0, 3)],
                                  description=_l("A safety issue is P1 whatever the tier"))
    response_minutes = IntegerField(_l("First response within (minutes)"), validators=[Optional(),
                                                                                      NumberRange(1, 10080)],
                                    description=_l("Applies when shorter than the priority's target"))
    free_callout = BooleanField(_l("Free call-out"))
    points_percent = IntegerField(_l("Loyalty points multiplier (per cent)"), default=100,
                                  validators=[DataRequired(message=_l("Enter a whole number.")),
                                              NumberRange(0, 1000)])
    account_manager = BooleanField(_l("Dedicated account manager"))
    checkin_days = IntegerField(_l("Check-in call every (days)"), validators=[Optional(), NumberRange(1, 730)],
                                description=_l("Empty: no regular check-in calls"))
    upgrade_tickets_12m = IntegerField(_l("Propose this tier from (tickets in 12 months)"),
                                       validators=[Optional(), NumberRange(1, 100000)],
                                       description=_l("Empty: never proposed; a person confirms every upgrade"))
    active = BooleanField(_l("Offered for customers"), default=True)


class CheckInForm(FlaskForm):
    note = TextAreaField(_l("What the customer said"), filters=[strip],
                         validators=[DataRequired(), Length(max=2000)])
