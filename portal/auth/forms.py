"""Sign-in, second-step, password and two-factor forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from portal.domain.passwords import MAX_LENGTH
from portal.web.fields import strip


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Keep me signed in on this device"),
                            description=_l("For up to 30 days; office accounts still sign out when idle."))


class CodeForm(FlaskForm):
    """A code from the authenticator app, or a recovery code."""
    code = StringField(_l("Code"), filters=[strip], validators=[DataRequired(), Length(max=20)],
                       description=_l("The 6 digits your authenticator app shows now, or one of your recovery codes."),
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"})


class ConfirmCodeForm(FlaskForm):
    code = StringField(_l("Code from the app"), filters=[strip], validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class CurrentPasswordForm(FlaskForm):
    """A change to the account's sign-in: the current password first."""
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
                                     render_kw={"autocomplete": "current-password"})


class PasswordChangeForm(CurrentPasswordForm):
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
        description=_l("At least 10 characters; not your e-mail address nor a common password."),
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("The same password again"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})
