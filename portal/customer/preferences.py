"""The customer's message preferences: the channel per kind of message, opting out of text and e-mail messages,
and quiet hours (messages written then wait for the morning, except P1 / safety and "On my way")."""
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.customer.blueprint import bp
from portal.domain import message_prefs as rules
from portal.domain.roles import CUSTOMERS
from portal.services import preferences, wechat
from portal.web.access import roles_required
from portal.web.forms import ButtonForm, commit, refused, saved, submit
from portal.web.preference_form import PreferencesForm, form_for
from portal.web.render import render


def _page(form: PreferencesForm, status: int = 200):
    return render("customer/messages.html", form=form, kinds=rules.KINDS, http_status=status)


@bp.get("/messages")
@roles_required(*CUSTOMERS)
def message_preferences():
    return _page(form_for(preferences.of(current_user)))


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
