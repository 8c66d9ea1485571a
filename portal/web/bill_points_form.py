"""The form choosing the loyalty points a bill takes, the same for the customer and the desk."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange


class BillPointsForm(FlaskForm):
    points = IntegerField(_l("Points to spend on this bill"), validators=[
        InputRequired(_l("Enter a number of points, 0 or more.")),
        NumberRange(min=0, max=10_000_000, message=_l("Enter a number of points, 0 or more."))],
        description=_l("0 gives back the points held for the bill."))
