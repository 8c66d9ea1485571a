"""Form pieces shared by several blueprints."""
import re

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{4,24}$")


def phone_number(form, field):
    if field.data and not PHONE_RE.match(field.data.strip()):
        raise ValidationError(_l("Enter a phone number: digits, spaces and dashes only."))


class VersionField(HiddenField):
    """The ticket version the form was filled in against, for optimistic locking."""

    def __init__(self, **kwargs):
        super().__init__(validators=[Optional()], **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip().isdigit():
            self.data = int(valuelist[0])


def strip(value):
    return value.strip() if isinstance(value, str) else value


def to_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]
