"""Forms of the bill on the phone: the labour correction and a payment (both through the outbox)."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal import labels
from portal.engineer.forms import StepForm
from portal.web.fields import PriceField, strip, to_choices


class LabourForm(StepForm):
    labour_minutes = IntegerField(_l("Labour to bill (minutes)"), validators=[
        InputRequired(), NumberRange(min=0, max=24 * 60)])
    labour_reason = StringField(_l("Why it differs from the time on site"), filters=[strip],
                                validators=[Optional(), Length(max=300)])
    callout_km = IntegerField(_l("Distance for the call-out fee (km)"), validators=[Optional(), NumberRange(min=0,
                                                                                                           max=2000)],
                              description=_l("Only when the address is in no priced district"))


class PaymentForm(StepForm):
    method = SelectField(_l("Payment method"), choices=to_choices(labels.PAYMENT_METHOD.items()))
    amount = PriceField(_l("Amount (CNY)"))
    reference = StringField(_l("Reference number"), filters=[strip], validators=[Optional(), Length(max=64)],
                            description=_l("Transfer, WeChat Pay or Alipay: the transaction number on the "
                                           "customer's receipt"))
