"""Forms of loyalty points: points given by a supervisor, rewards, member days."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.web.fields import strip, to_choices

REWARD_KINDS = {"accessory": _l("Accessory"), "extended_warranty": _l("Extended warranty"),
                "maintenance_visit": _l("Free maintenance visit"), "other": _l("Other")}


class GivePointsForm(FlaskForm):
    reason = SelectField(_l("Why"), choices=to_choices([("referral", _l("Referral")),
                                                         ("adjustment", _l("Adjustment"))]))
    points = IntegerField(_l("Points"), validators=[DataRequired(), NumberRange(min=1, max=100_000)])
    note = StringField(_l("Note"), filters=[strip], validators=[DataRequired(), Length(max=300)],
                       description=_l("Who was referred, or why the points are adjusted"))


class RewardForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=120)],
                       description=_l("e.g. 原装遥控器, 延保一年"))
    kind = SelectField(_l("Kind"), choices=to_choices(REWARD_KINDS.items()))
    points = IntegerField(_l("Points"), validators=[DataRequired(), NumberRange(min=1, max=1_000_000)])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Optional(), Length(max=500)])


class MemberDayForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=120)],
                       description=_l("e.g. 会员日"))
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])
    tiers = SelectMultipleField(_l("For the tiers (none: everyone)"),
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    bonus_percent = IntegerField(_l("Bonus points, as a percentage of the service's points"),
                                 validators=[DataRequired(), NumberRange(min=1, max=1000)])
