"""The customer's message preferences: the channel per kind of message, opting out of text and e-mail messages,
and quiet hours (messages written then wait for the morning, except P1 / safety and "On my way")."""
from datetime import time

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, FormField, RadioField, SelectField, TimeField
from wtforms.validators import Optional

from portal import labels
from portal.customer.blueprint import bp
from portal.domain import message_prefs as rules
from portal.domain.roles import CUSTOMERS
from portal.services import preferences, wechat
from portal.web.access import roles_required
from portal.web.fields import to_choices
from portal.web.forms import ButtonForm, commit, refused, saved, submit
from portal.web.render import render

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
        return {"default": "default", "none": None}.get(self.quiet.data) or (self.quiet_from.data,
                                                                            self.quiet_until.data)


def _form_for(user) -> PreferencesForm:
    row = preferences.of(user)
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


def _page(form: PreferencesForm, status: int = 200):
    return render("customer/messages.html", form=form, kinds=rules.KINDS, http_status=status)


@bp.get("/messages")
@roles_required(*CUSTOMERS)
def message_preferences():
    return _page(_form_for(current_user))


@bp.post("/messages")
@roles_required(*CUSTOMERS)
def save_message_preferences():
    form = PreferencesForm()
    return submit(form, lambda f: preferences.save(
        current_user, channels={kind: getattr(f.channels, kind).data for kind in rules.KINDS},
        opted_out=f.opted_out.data, quiet=f.quiet_value()),
        done=lambda _r: saved(_("Your message preferences are saved."), url_for("customer.message_preferences")),
        again=lambda status, error: refused(form, status, lambda code: _page(form, code), error))


# ---- WeChat ----------------------------------------------------------------------------------------------

def _wechat_page(status: int = 200):
    link = wechat.link_of(current_user)
    context = {"configured": wechat.configured(), "linked": link is not None and link.openid is not None,
               "button": ButtonForm(), "qr": None, "url": None}
    if context["configured"] and not context["linked"]:
        link = wechat.start(current_user)
        commit()  # the state in the code must exist when WeChat calls back
        context["url"] = wechat.authorize_url(link)
        context["qr"] = wechat.qr_data_uri(context["url"])
    return render("customer/wechat.html", http_status=status, **context)


@bp.get("/wechat")
@roles_required(*CUSTOMERS)
def wechat_page():
    return _wechat_page()


@bp.post("/wechat/unlink")
@roles_required(*CUSTOMERS)
def wechat_unlink():
    form = ButtonForm()
    return submit(form, lambda _f: wechat.unlink(current_user),
                  done=lambda _r: saved(_("WeChat is unlinked: messages come as text messages again."),
                                        url_for("customer.wechat_page")),
                  again=lambda status, error: _wechat_page(status))
