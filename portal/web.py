"""Shared web plumbing: the home redirect, the language switch, htmx-aware rendering, template helpers."""
from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, send_from_directory, session, url_for
from flask_babel import format_datetime, get_locale, get_timezone
from flask_login import current_user

from portal import labels
from portal.access import public
from portal.domain.privacy import mask_phone
from portal.extensions import db
from portal.models._base import as_utc

bp = Blueprint("web", __name__)


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render(template: str, partial: str | None = None, http_status: int = 200, **context):
    """The page, or only its swappable fragment when htmx asks; both from the same context."""
    body = render_template(partial if partial and is_htmx() else template, **context)
    response = current_app.make_response((body, http_status))
    response.vary.add("HX-Request")
    return response


def redirect_to(url: str):
    """Post/redirect/get that htmx follows too: a plain 302 would be swapped into the form."""
    if is_htmx():
        return current_app.response_class(status=204, headers={"HX-Redirect": url})
    return redirect(url)


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths, so a crafted link cannot bounce users elsewhere."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return fallback


@bp.get("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(home_for(current_user))


def home_for(user) -> str:
    if user.role == "engineer":
        return url_for("engineer.my_jobs")
    if user.role == "customer":
        return url_for("customer.tickets")
    return url_for("backoffice.queue")


@bp.post("/language")
@public
def set_language():
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        # On the signing screen the customer picks a language for this visit, not the engineer's setting.
        if current_user.is_authenticated and request.form.get("scope") != "session":
            current_user.locale = locale
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("web.index")))


@bp.get("/sw.js")
@public
def service_worker():
    """The service worker, served from the root so that it may control every page."""
    response = send_from_directory(current_app.static_folder, "js/sw.js", mimetype="text/javascript",
                                   max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.cache_control.no_cache = True
    return response


@bp.get("/healthz")
@public
def healthz():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}


# Numeric patterns read the same in every language: strftime in the user's time zone, ten times faster
# than Babel's formatter (the queue prints a hundred of them).
_NUMERIC = {"yyyy-MM-dd HH:mm": "%Y-%m-%d %H:%M", "yyyy-MM-dd HH:mm:ss": "%Y-%m-%d %H:%M:%S",
            "MM-dd HH:mm": "%m-%d %H:%M", "yyyy-MM-dd": "%Y-%m-%d", "HH:mm": "%H:%M"}


def _fmt_dt(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    if value is None:
        return ""
    value = as_utc(value)
    if fmt in _NUMERIC:
        return value.astimezone(get_timezone()).strftime(_NUMERIC[fmt])
    return format_datetime(value, fmt)


def register_template_helpers(app):
    app.jinja_env.filters["dt"] = _fmt_dt
    app.jinja_env.filters["mask_phone"] = mask_phone

    @app.context_processor
    def inject():
        return {"labels": labels, "current_locale": current_language(),
                "languages": app.config["LANGUAGES"]}


def current_language() -> str:
    """'zh_CN' or 'en': Babel spells the Chinese locale zh_Hans_CN, our settings and URLs do not."""
    locale = get_locale()
    return "zh_CN" if locale is not None and locale.language == "zh" else "en"
