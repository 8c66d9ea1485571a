"""A contact's message preferences through the link in messages, without signing in. The token (signed, naming
the contact) is in the link's path, so in logs and history: its first open keeps the contact's id in this
browser's session and redirects to a token-free page, like the other link pages."""
import time

from flask import redirect, session, url_for
from flask_babel import gettext as _

from portal.domain import message_prefs as rules
from portal.extensions import db
from portal.models import Contact
from portal.services import preferences
from portal.site.blueprint import bp
from portal.web.access import public
from portal.web.forms import refused, saved, submit
from portal.web.preference_form import PreferencesForm, form_for
from portal.web.ratelimit import limiter
from portal.web.render import render

MARKER = "contact_preferences"
MARKER_MINUTES = 60


def _gone():
    return render("site/contact_preferences_gone.html", http_status=410)


def _marked() -> Contact | None:
    marker = session.get(MARKER)
    if not isinstance(marker, dict) or time.time() - marker.get("at", 0) > MARKER_MINUTES * 60:
        return None
    contact = db.session.get(Contact, marker.get("id")) if isinstance(marker.get("id"), int) else None
    return contact if contact is not None and contact.active else None


def _page(contact: Contact, form: PreferencesForm, status: int = 200):
    return render("site/contact_preferences.html", form=form, kinds=rules.KINDS, contact_name=contact.name,
                  http_status=status)


@bp.get("/messages/p/<token>")
@public
@limiter.limit("30 per 15 minutes")
def contact_preferences_link(token: str):
    contact = preferences.contact_from_token(token)
    if contact is None:
        return _gone()
    session[MARKER] = {"id": contact.id, "at": int(time.time())}
    return redirect(url_for("site.contact_preferences"))


@bp.get("/messages/preferences")
@public
def contact_preferences():
    contact = _marked()
    if contact is None:
        return _gone()
    return _page(contact, form_for(preferences.of_contact(contact)))


@bp.post("/messages/preferences")
@public
def save_contact_preferences():
    contact = _marked()
    if contact is None:
        return _gone()
    form = PreferencesForm()
    return submit(form, lambda f: preferences.save_for_contact(
        contact, None, channels={kind: getattr(f.channels, kind).data for kind in rules.KINDS},
        opted_out=f.opted_out.data, quiet=f.quiet_value()),
        done=lambda _r: saved(_("Your message preferences are saved."), url_for("site.contact_preferences")),
        again=lambda status, error: refused(form, status, lambda code: _page(contact, form, code), error))
