"""Form fields and filters shared by several blueprints."""
import re
import uuid

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from portal.domain.money import fen_to_yuan, yuan_to_fen

PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{4,24}$")
SERIAL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/.]{1,79}$")


def optional_int(value):
    """A select's value as an int, None when empty or not a number."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def new_key() -> str:
    """A fresh idempotency key, made when a form is drawn."""
    return uuid.uuid4().hex


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
    """Surrounding spaces off, and NUL characters out (PostgreSQL text cannot hold them)."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def to_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class PriceField(StringField):
    """A price typed in yuan, kept as integer fen (`data`); the typed text is shown again when it is wrong."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return fen_to_yuan(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = yuan_to_fen(valuelist[0])
            except ValueError:
                raise ValueError(_l("Enter a price in yuan, e.g. 128 or 128.50.")) from None

    def pre_validate(self, form):
        if self.data is None and not self.process_errors:
            raise ValidationError(_l("Enter a price in yuan, e.g. 128 or 128.50."))
