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


class PointsForm(StepForm):
    """Points on the bill, chosen with the customer on site; checked against the balance when it arrives."""
    points = IntegerField(_l("Points to spend on this bill"), validators=[
        InputRequired(_l("Enter a number of points, 0 or more.")),
        NumberRange(min=0, max=10_000_000, message=_l("Enter a number of points, 0 or more."))],
        description=_l("0 gives back the points held for the bill."))


class RedeemForm(StepForm):
    """A reward the customer exchanges points for on site; checked against the balance when it arrives."""
    reward_id = SelectField(_l("Reward"), coerce=int, validate_choice=False)
