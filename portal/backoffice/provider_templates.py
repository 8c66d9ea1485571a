"""Admin: the provider's approved templates for text messages and WeChat, per kind of message: the template id
and which placeholder fills each template variable; unknown placeholders are refused when saving."""
from flask import abort, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from portal import labels
from portal.backoffice.blueprint import bp
from portal.domain import provider_templates as rules
from portal.domain.roles import ADMINS
from portal.services import provider_templates as service
from portal.web.access import roles_required
from portal.web.forms import refused, saved, submit
from portal.web.render import render

CHANNEL = {"sms": _l("Text message"), "wechat": _l("WeChat")}


class TemplateForm(FlaskForm):
    template_id = StringField(_l("Template id"), validators=[Length(max=80)],
                              description=_l("As the provider approved it. Leave empty to remove this template."))
    variables = TextAreaField(_l("Template variables"), validators=[Length(max=2000)],
                              description=_l("One per line: the template's variable name = a placeholder, e.g. "
                                             "thing1={number}"))


def _checked(channel: str, kind: str) -> None:
    if channel not in rules.CHANNELS or kind not in rules.KINDS:
        abort(404)


@bp.get("/admin/provider-templates")
@roles_required(*ADMINS)
def provider_templates():
    rows = service.all_rows()
    table = [{"kind": kind, "label": labels.MESSAGE_TEXT.get(kind, kind),
              "cells": [{"channel": channel, "row": rows.get((channel, kind))} for channel in rules.CHANNELS]}
             for kind in rules.KINDS]
    return render("backoffice/provider_templates.html", table=table, channels=CHANNEL, mapping_text=rules.mapping_text)


def _page(channel: str, kind: str, form: TemplateForm | None = None, status: int = 200):
    row = service.of(channel, kind)
    form = form or TemplateForm(formdata=None, template_id=row.template_id if row is not None else "",
                                variables=rules.mapping_text(row.variables if row is not None else None))
    return render("backoffice/provider_template.html", channel=channel, channel_label=CHANNEL[channel], kind=kind,
                  label=labels.MESSAGE_TEXT.get(kind, kind), placeholders=rules.VARIABLES[kind], form=form,
                  row=row, http_status=status)


@bp.get("/admin/provider-templates/<channel>/<kind>")
@roles_required(*ADMINS)
def provider_template(channel: str, kind: str):
    _checked(channel, kind)
    return _page(channel, kind)


@bp.post("/admin/provider-templates/<channel>/<kind>")
@roles_required(*ADMINS)
def save_provider_template(channel: str, kind: str):
    _checked(channel, kind)
    form = TemplateForm()
    return submit(form, lambda f: service.save(channel, kind, f.template_id.data or "", f.variables.data or "",
                                               current_user),
                  done=lambda _r: saved(_("Provider template saved."), url_for("backoffice.provider_templates")),
                  again=lambda status, error: refused(form, status, lambda code: _page(channel, kind, form, code),
                                                      error))
