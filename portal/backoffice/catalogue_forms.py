"""Forms of the catalogue master data: product models, parts, inspection checklists."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from portal.web.fields import PriceField, strip, to_choices

CODE = Regexp(r"^[A-Za-z0-9][A-Za-z0-9\-_./]{0,59}$", message=_l("Letters, digits and - _ . / only."))


class ProductModelForm(FlaskForm):
    seen = HiddenField()  # the record's fingerprint when the form was opened
    code = StringField(_l("Model code"), filters=[strip], validators=[DataRequired(), Length(max=60), CODE],
                       description=_l("As on the type plate, e.g. ABC-2000"))
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Product category"), validators=[DataRequired()],
                           description=_l("The inspection checklist of the category is used for the model"))
    warranty_months = IntegerField(_l("Warranty (months)"), default=12,
                                   validators=[InputRequired(), NumberRange(min=0, max=120)])


class PartForm(FlaskForm):
    seen = HiddenField()  # the record's fingerprint when the form was opened
    code = StringField(_l("Part number"), filters=[strip], validators=[DataRequired(), Length(max=60), CODE])
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    category = StringField(_l("Part category"), filters=[strip], validators=[Length(max=60)],
                           description=_l("e.g. 主板, 电源, 显示屏"))
    unit_price_fen = PriceField(_l("Unit price (CNY)"))
    warranty_months = IntegerField(_l("Warranty (months)"), default=3,
                                   validators=[InputRequired(), NumberRange(min=0, max=120)])
    serial_tracked = BooleanField(_l("Serial-tracked (each piece has its serial number)"))


class ChecklistItemForm(Form):
    """One row of the checklist editor (no CSRF of its own: it is part of the checklist form)."""

    key = HiddenField()
    position = IntegerField(_l("Order"), validators=[Optional(), NumberRange(min=0, max=999)])
    label_zh = StringField(_l("Item (Chinese)"), filters=[strip], validators=[Length(max=100)])
    label_en = StringField(_l("Item (English)"), filters=[strip], validators=[Length(max=100)])
    kind = SelectField(_l("Answer"), choices=to_choices([
        ("yesno", _l("yes / no")), ("value", _l("number with unit")), ("text", _l("text")), ("photo", _l("photo"))]))
    unit = StringField(_l("Unit"), filters=[strip], validators=[Length(max=20)])
    required = BooleanField(_l("Required"))


class ChecklistForm(FlaskForm):
    seen = HiddenField()  # the record's fingerprint when the form was opened
    category = StringField(_l("Product category"), filters=[strip], validators=[DataRequired(), Length(max=60)],
                           description=_l("The models of this category use the checklist, e.g. display"))
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200)])
    items = FieldList(FormField(ChecklistItemForm), min_entries=1, max_entries=60)
