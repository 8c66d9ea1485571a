"""The message-preferences form, shared by the customer's own page, the desk's page of a contact without an
account and the contact's page opened from the link in messages."""
from datetime import time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, FormField, RadioField, SelectField, TimeField
from wtforms.validators import Optional

from portal import labels
from portal.domain import message_prefs as rules
from portal.web.fields import to_choices

QUIET = (("default", _l("The usual quiet hours (22:00 to 08:00)")), ("own", _l("My own quiet hours")),
         ("none", _l("No quiet hours: send at any time")))


class ChannelsForm(Form):
    """One select per kind of message (built below from rules.KINDS)."""


for _kind in rules.KINDS:
    setattr(ChannelsForm, _kind, SelectField(labels.MESSAGE_KIND[_kind],
                                             choices=to_choices(labels.MESSAGE_CHANNEL.items()), default="default"))


class PreferencesForm(FlaskForm):
    channels = FormField(ChannelsForm)
    opted_out = BooleanField(_l("No text messages or e-mails about my requests (the portal inbox keeps them all)"))
    quiet = RadioField(_l("Quiet hours"), choices=to_choices(QUIET), default="default")
    quiet_from = TimeField(_l("From"), validators=[Optional()])
    quiet_until = TimeField(_l("Until"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.quiet.data == "own" and (self.quiet_from.data is None or self.quiet_until.data is None):
            self.quiet_until.errors = [*self.quiet_until.errors, _("Give the start and the end of your quiet hours.")]
            return False
        return ok

    def quiet_value(self) -> tuple[time, time] | None | str:
        if self.quiet.data == "none":
            return None
        return "default" if self.quiet.data == "default" else (self.quiet_from.data, self.quiet_until.data)


def form_for(row) -> PreferencesForm:
    """The form filled from a MessagePreference or ContactPreference row (None: the defaults)."""
    form = PreferencesForm(formdata=None)
    if row is not None:
        for kind, choice in (row.channels or {}).items():
            if kind in rules.KINDS:
                getattr(form.channels, kind).data = choice
        form.opted_out.data = row.opted_out
        hours = rules.parse_hours(row.quiet_hours) if row.quiet_hours else None
        form.quiet.data = "default" if row.quiet_hours is None else ("own" if hours else "none")
        if hours:
            form.quiet_from.data, form.quiet_until.data = hours
    return form
