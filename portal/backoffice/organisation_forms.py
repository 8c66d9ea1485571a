"""Forms of the service organisation: service points, departments, engineers' profiles."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from portal.web.fields import optional_int, strip


class ServicePointForm(FlaskForm):
    seen = HiddenField()  # the record's fingerprint when the form was opened
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=120)],
                       description=_l("e.g. 苏州服务中心"))
    address = StringField(_l("Address"), filters=[strip], validators=[DataRequired(), Length(max=300)])
    phone = StringField(_l("Phone"), filters=[strip], validators=[Optional(), Length(max=40)])
    opening_hours = StringField(_l("Opening hours"), filters=[strip], validators=[Optional(), Length(max=200)],
                                description=_l("As customers read it, e.g. 周一至周六 9:00-18:00"))


class DepartmentForm(FlaskForm):
    seen = HiddenField()  # the record's fingerprint when the form was opened
    code = StringField(_l("Code"), filters=[strip], validators=[
        DataRequired(), Length(max=40), Regexp(r"^[A-Za-z0-9_\-]+$", message=_l("Letters, digits, - and _ only."))])
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=120)])


class EngineerProfileForm(FlaskForm):
    seen = HiddenField()  # the record's fingerprint when the form was opened
    skills = SelectMultipleField(_l("Trained on (product categories)"), widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput(), validate_choice=False)
    region = StringField(_l("Region"), filters=[strip], validators=[Optional(), Length(max=60)],
                         description=_l("e.g. 华东, 华南: used to suggest engineers"))
    is_senior = BooleanField(_l("Senior engineer (may lead P1 and P2 tickets)"))
    department_id = SelectField(_l("Department"), coerce=optional_int, validate_choice=False)
    home_service_point_id = SelectField(_l("Home service point"), coerce=optional_int, validate_choice=False)
    work_days = StringField(_l("Working days (1 = Monday … 7)"), filters=[strip],
                            validators=[Optional(), Length(max=7)])
    work_start = StringField(_l("Starts at"), filters=[strip], validators=[Optional(), Length(max=5)],
                             description=_l("HH:MM"))
    work_end = StringField(_l("Ends at"), filters=[strip], validators=[Optional(), Length(max=5)],
                           description=_l("HH:MM"))
