"""Start page, language switch, service worker, favicon, health check."""
from flask import current_app, redirect, request, send_from_directory, session, url_for
from flask_login import current_user

from portal.extensions import db
from portal.site.blueprint import bp
from portal.web.access import public
from portal.web.forms import commit
from portal.web.render import home_for, safe_next


@bp.get("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(home_for(current_user))


@bp.post("/language")
@public
def set_language():
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        # On the signing screen the customer picks a language for this visit, not the engineer's setting.
        if current_user.is_authenticated and request.form.get("scope") != "session":
            current_user.locale = locale
            commit()
    return redirect(safe_next(request.form.get("next"), url_for("site.index")))


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
