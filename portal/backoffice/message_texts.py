"""Admin: the message texts per kind and language (zh/en), with their placeholders, a preview with sample values
and the length of a text message; an empty text brings the built-in one back."""
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length

from portal import labels
from portal.backoffice.blueprint import bp
from portal.domain import message_texts as rules
from portal.domain.roles import ADMINS
from portal.services import message_texts as service
from portal.web.access import roles_required
from portal.web.forms import refused, saved, submit
from portal.web.render import render

LANGUAGE = {"zh_CN": "中文", "en": "English"}


class TextForm(FlaskForm):
    locale = HiddenField()
    body = TextAreaField(_l("Text"), validators=[Length(max=rules.MAX_LENGTH)],
                         description=_l("Leave empty to use the built-in text."))


def _kind_or_404(kind: str) -> str:
    if kind not in rules.VARIABLES:
        abort(404)
    return kind


def _page(kind: str, forms: dict | None = None, previews: dict | None = None, status: int = 200):
    forms = forms or {}
    rows = []
    for locale in rules.LOCALES:
        row = service.written(kind, locale)
        form = forms.get(locale) or TextForm(formdata=None, body=row.body if row is not None else "", locale=locale)
        text = (previews or {}).get(locale)
        if text is None:
            text = service.preview(kind, row.body) if row is not None else service.builtin(kind, locale)
        rows.append({"locale": locale, "language": LANGUAGE[locale], "form": form, "written": row is not None,
                     "preview": text, "segments": rules.sms_segments(text), "length": len(text)})
    return render("backoffice/message_text.html", kind=kind, label=labels.MESSAGE_TEXT.get(kind, kind),
                  variables=rules.VARIABLES[kind], rows=rows, http_status=status)


@bp.get("/admin/message-texts")
@roles_required(*ADMINS)
def message_texts():
    kinds = [{"kind": kind, "label": labels.MESSAGE_TEXT.get(kind, kind), "variables": names}
             for kind, names in rules.VARIABLES.items()]
    return render("backoffice/message_texts.html", kinds=kinds)


@bp.get("/admin/message-texts/<kind>")
@roles_required(*ADMINS)
def message_text(kind: str):
    return _page(_kind_or_404(kind))


@bp.post("/admin/message-texts/<kind>")
@roles_required(*ADMINS)
def save_message_text(kind: str):
    """One language's text (the form's `locale`): previewed, or saved."""
    kind = _kind_or_404(kind)
    form = TextForm()
    locale = form.locale.data
    if locale not in rules.LOCALES:
        abort(404)
    body = (form.body.data or "").strip()
    if request.form.get("action") == "preview":
        if not form.validate_on_submit():
            return _page(kind, {locale: form}, status=422)
        wrong = rules.problems(kind, body)
        if wrong:
            form.body.errors = [_("Unknown placeholders: %(names)s.", names=", ".join(wrong))]
            return _page(kind, {locale: form}, status=422)
        return _page(kind, {locale: form},
                     {locale: service.preview(kind, body) if body else service.builtin(kind, locale)})
    return submit(form, lambda f: service.save(kind, locale, body, current_user),
                  done=lambda _r: saved(_("Message text saved."), url_for("backoffice.message_text", kind=kind)),
                  again=lambda status, error: refused(form, status, lambda code: _page(kind, {locale: form},
                                                                                       status=code), error))
