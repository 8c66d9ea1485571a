"""Start page, language switch, service worker, favicon, health check."""
from flask import current_app, redirect, send_from_directory, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField

from portal.extensions import db
from portal.services import accounts
from portal.site.blueprint import bp
from portal.web.access import public
from portal.web.forms import submit
from portal.web.render import home_for, safe_next


@bp.get("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(home_for(current_user))


class LanguageForm(FlaskForm):
    locale = StringField()
    next = StringField()
    scope = StringField()  # "session": on the signing screen, for this visit only


def _choose(form: LanguageForm) -> None:
    locale = form.locale.data
    if locale not in current_app.config["LANGUAGES"]:
        return
    session["locale"] = locale
    # On the signing screen the customer picks a language for this visit, not the engineer's setting.
    if current_user.is_authenticated and form.scope.data != "session":
        accounts.set_locale(current_user, locale)


@bp.post("/language")
@public
def set_language():
    form = LanguageForm()
    back = safe_next(form.next.data, url_for("site.index"))
    return submit(form, _choose, done=lambda _r: redirect(back), again=lambda status, error: redirect(back))


@bp.get("/sw.js")
@public
def service_worker():
    """The service worker, served from the root so that it may control every page."""
    response = send_from_directory(current_app.static_folder, "js/sw.js", mimetype="text/javascript",
                                   max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.cache_control.no_cache = True
    return response


@bp.get("/favicon.ico")
@public
def favicon():
    """Browsers ask for it on every site whatever the page links to."""
    return send_from_directory(current_app.static_folder, "icons/favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 24 * 3600)


@bp.get("/healthz")
@public
def healthz():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
