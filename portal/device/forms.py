"""The label page's forms: who reports (name and mobile), the code sent to it, and the fault."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal.web.fields import phone_number, strip


class PhoneForm(FlaskForm):
    name = StringField(_l("Your name"), filters=[strip], validators=[DataRequired(), Length(max=120)],
                       render_kw={"autocomplete": "name"})
    phone = StringField(_l("Your mobile number"), filters=[strip],
                        validators=[DataRequired(), Length(max=40), phone_number],
                        description=_l("We send a code to it by text message, and call you back on it."),
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})


class CodeForm(FlaskForm):
    code = StringField(_l("Code from the text message"), filters=[strip],
                       validators=[DataRequired(), Regexp(r"^\d{6}$", message=_l("Enter the 6 digits."))],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6})


class ReportForm(FlaskForm):
    description = TextAreaField(_l("What is the problem?"), filters=[strip],
                                validators=[DataRequired(), Length(min=5, max=5000)],
                                description=_l("What happens, e.g. the screen stays black after switching on"))
    photos = MultipleFileField(_l("Photos of the fault"), validators=[Optional()])
