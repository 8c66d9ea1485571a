"""Forms of the price lists and service contracts (administrators)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal import labels
from portal.domain import pricing
from portal.web.fields import PriceField, optional_int, strip, to_choices


class PercentField(StringField):
    """A VAT rate or tolerance typed in percent ('13', '1.5'), kept as basis points (`data`)."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return pricing.bp_to_percent(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            try:
                self.data = pricing.percent_to_bp(valuelist[0] or "0")
            except ValueError:
                raise ValueError(_l("Enter a percentage from 0 to 100, e.g. 13 or 1.5.")) from None


class AmountLinesField(TextAreaField):
    """A table typed one row a line: a name, then `columns` amounts in yuan."""

    def __init__(self, label=None, columns: int = 1, **kwargs):
        super().__init__(label, **kwargs)
        self.columns = columns

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        rows = {k: (v if isinstance(v, list) else [v]) for k, v in (self.data or {}).items()}
        return pricing.format_amount_lines(rows)

    def process_formdata(self, valuelist):
        self.data = {}
        if valuelist:
            try:
                self.data = pricing.parse_amount_lines(valuelist[0], self.columns)
            except ValueError as error:
                number = str(error).split()[-1]
                raise ValueError(_l("Line %(number)s: a name, then %(count)s amount(s) in yuan, separated by "
                                    "spaces.", number=number, count=self.columns)) from None


class OptionalPriceField(PriceField):
    def pre_validate(self, form):
        if self.data is None and not self.process_errors:
            self.data = 0


class PriceListForm(FlaskForm):
    seen = HiddenField()  # the record's fingerprint when the form was opened
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=120)],
                       description=_l("e.g. 2027年服务价格表"))
    valid_from = DateField(_l("Valid from"), validators=[DataRequired()])
    valid_to = DateField(_l("Valid until"), validators=[Optional()], description=_l("Empty: until replaced"))
    labour_rates = AmountLinesField(
        _l("Labour per hour by product category (CNY incl. VAT)"), columns=2,
        description=_l("One category a line: category, standard rate, senior rate, e.g. 打印机 120 180"))
    callout_zones = AmountLinesField(
        _l("Call-out fee by district (CNY incl. VAT)"), columns=1,
        description=_l("One district a line, as in the service address, e.g. 朝阳区 80"))
    callout_per_km_fen = OptionalPriceField(_l("Call-out per km outside the districts (CNY)"))
    callout_minimum_fen = OptionalPriceField(_l("Minimum call-out fee by distance (CNY)"))
    depot_fee_fen = OptionalPriceField(_l("Depot handling fee (CNY)"))
    travel_quarter_fen = OptionalPriceField(
        _l("Travel per started quarter hour (CNY)"),
        description=_l("From the engineer's On my way to arrival, VAT as labour. 0: travel is not billed, the "
                       "call-out fee covers the trip"))
    vat_labour_bp = PercentField(_l("VAT on labour (%)"), default=600)
    vat_part_bp = PercentField(_l("VAT on parts (%)"), default=1300)
    vat_callout_bp = PercentField(_l("VAT on the call-out fee (%)"), default=600)
    vat_depot_bp = PercentField(_l("VAT on the depot fee (%)"), default=600)
    quote_tolerance_bp = PercentField(_l("A bill may exceed the approved quote by (%)"), default=1000,
                                      description=_l("Above this the customer approves again"))
    quote_tolerance_fen = OptionalPriceField(_l("… or by this amount, whichever is larger (CNY)"))


class ContractForm(FlaskForm):
    seen = HiddenField()  # the record's fingerprint when the form was opened
    number = StringField(_l("Contract number"), filters=[strip], validators=[DataRequired(), Length(max=40)],
                         description=_l("e.g. SC-2026-018"))
    customer_id = SelectField(_l("Customer"), coerce=optional_int, validate_choice=False)
    scope = SelectField(_l("Units covered"), choices=to_choices(labels.CONTRACT_SCOPE.items()))
    serials = TextAreaField(_l("Serial numbers (when a list)"), description=_l("One serial number a line"))
    product_model_ids = SelectMultipleField(_l("Models (when by model)"), coerce=int, validate_choice=False,
                                            widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    # Travel goes with the call-out (portal.domain.pricing.who_pays), so it is no choice of its own.
    covers = SelectMultipleField(_l("Covers"), choices=to_choices((k, v) for k, v in labels.LINE_KIND.items()
                                                                  if k != "travel"),
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    valid_from = DateField(_l("Valid from"), validators=[DataRequired()])
    valid_to = DateField(_l("Valid until"), validators=[DataRequired()])
    response_hours = IntegerField(_l("Response time (hours)"), validators=[Optional(), NumberRange(min=1, max=720)],
                                  description=_l("Empty: the SLA policy's target applies"))
    visits_per_year = IntegerField(_l("Visits per contract year"), validators=[Optional(), NumberRange(min=0,
                                                                                                       max=1000)],
                                   description=_l("Empty: unlimited"))
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=2000)])
    active = BooleanField(_l("Active"), default=True)

    def validate_serials(self, field):
        serials = [s.strip().upper() for s in (field.data or "").splitlines() if s.strip()]
        if any(len(s) > 80 for s in serials):
            raise ValidationError(_l("A serial number has at most 80 characters."))
        if len(serials) > 2000:
            raise ValidationError(_l("At most 2000 serial numbers."))


def serial_list(text: str | None) -> list[str]:
    return list(dict.fromkeys(s.strip().upper() for s in (text or "").splitlines() if s.strip()))

