"""SLA policies per priority, edited by an admin: targets, business hours, holidays."""
from datetime import date, time, timedelta

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, NumberRange

from portal.backoffice.blueprint import bp
from portal.domain.roles import ADMINS
from portal.extensions import db
from portal.models import SlaPolicy
from portal.services import sla
from portal.web.access import roles_required
from portal.web.fields import to_choices
from portal.web.forms import refused, saved, submit
from portal.web.render import render

WEEKDAYS = "1234567"  # ISO: Monday = 1


MAX_CLOSED_DAYS = 31


def _longest_closed_run(holidays: list[str], weekdays: str) -> date | None:
    """The first day of a run of more than MAX_CLOSED_DAYS days without business hours, if there is one."""
    open_days = {int(c) for c in weekdays.strip() if c in WEEKDAYS}
    closed = set(holidays)
    day, last = date.fromisoformat(min(holidays)), date.fromisoformat(max(holidays)) + timedelta(days=7)
    run_start, run = None, 0
    while day <= last:
        if day.isoformat() in closed or day.isoweekday() not in open_days:
            run_start, run = (run_start or day), run + 1
            if run > MAX_CLOSED_DAYS:
                return run_start
        else:
            run_start, run = None, 0
        day += timedelta(days=1)
    return None


class PolicyForm(Form):
    response_minutes = IntegerField(_l("First response (min)"), validators=[InputRequired(), NumberRange(1, 43200)])
    update_minutes = IntegerField(_l("Update interval (min)"), validators=[InputRequired(), NumberRange(1, 43200)])
    resolution_minutes = IntegerField(_l("Resolution (min)"), validators=[InputRequired(), NumberRange(1, 525600)])
    around_the_clock = BooleanField(_l("Around the clock"))
    first_response_on = SelectField(_l("The first response is"), choices=to_choices([
        ("contact_or_receipt", _l("the first customer contact, or the engineer confirming receipt")),
        ("contact", _l("the first customer contact only"))]))
    weekdays = StringField(_l("Working days (1 = Monday … 7)"), default="12345")
    opens = StringField(_l("Opens"), default="09:00")
    closes = StringField(_l("Closes"), default="18:00")
    holidays = TextAreaField(_l("Holidays (one date per line, YYYY-MM-DD)"))

    def validate_weekdays(self, field):
        if not self.around_the_clock.data and (not field.data or any(c not in WEEKDAYS for c in field.data.strip())):
            raise ValidationError(_l("Digits 1 to 7, for example 12345 for Monday to Friday."))

    def validate_closes(self, field):
        try:
            opens, closes = time.fromisoformat(self.opens.data), time.fromisoformat(field.data)
        except (TypeError, ValueError) as exc:
            raise ValidationError(_l("Times as HH:MM.")) from exc
        if closes <= opens:
            raise ValidationError(_l("Closing must come after opening."))

    def validate_holidays(self, field):
        self.holiday_dates = []
        for line in (field.data or "").split():
            try:
                self.holiday_dates.append(date.fromisoformat(line).isoformat())
            except ValueError as exc:
                raise ValidationError(_l("Not a date: %(value)s", value=line)) from exc
        if not self.around_the_clock.data and self.holiday_dates:
            start = _longest_closed_run(self.holiday_dates, self.weekdays.data or "")
            if start is not None:
                raise ValidationError(_l("With these holidays the service is closed for more than %(n)s days in a "
                                         "row from %(day)s: the clock would never run.", n=MAX_CLOSED_DAYS,
                                         day=start.isoformat()))


class PoliciesForm(FlaskForm):
    policies = FieldList(FormField(PolicyForm))


def _save(rows: list[SlaPolicy], form: PoliciesForm) -> None:
    sla.save_policies([_policy_values(entry.form) for entry in form.policies.entries], rows,
                      by=current_user._get_current_object())


def _policy_values(data: PolicyForm) -> dict:
    return {"response_minutes": data.response_minutes.data, "update_minutes": data.update_minutes.data,
            "resolution_minutes": data.resolution_minutes.data, "around_the_clock": data.around_the_clock.data,
            "first_response_on": data.first_response_on.data,
            "weekdays": sorted({int(c) - 1 for c in (data.weekdays.data or "").strip()}),
            "opens": data.opens.data, "closes": data.closes.data, "holidays": data.holiday_dates}


@bp.route("/admin/sla", methods=["GET", "POST"])
@roles_required(*ADMINS)
def sla_policies():
    rows = db.session.scalars(db.select(SlaPolicy).order_by(SlaPolicy.priority)).all()
    form = PoliciesForm(data={"policies": [{
        "response_minutes": r.response_minutes, "update_minutes": r.update_minutes,
        "resolution_minutes": r.resolution_minutes, "around_the_clock": r.around_the_clock,
        "first_response_on": r.first_response_on,
        "weekdays": "".join(str(d + 1) for d in r.weekdays), "opens": r.opens, "closes": r.closes,
        "holidays": "\n".join(r.holidays)} for r in rows]})

    def page(status: int):
        return render("backoffice/sla_policies.html", form=form, rows=rows, http_status=status)

    if request.method == "GET":
        return page(200)
    return submit(form, lambda f: _save(rows, f),
                  done=lambda _r: saved(_("SLA policies saved; open tickets were recalculated."),
                                        url_for("backoffice.sla_policies")),
                  again=lambda status, error: refused(form, status, page, error))
