"""Rendering: the page or its htmx fragment from one context, post/redirect/get that htmx follows, safe
redirect targets, and each role's home page."""
from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request, url_for

from portal.domain.roles import Role


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


def home_for(user) -> str:
    if user.role == Role.ENGINEER:
        return url_for("engineer.my_jobs")
    if user.role == Role.CUSTOMER:
        return url_for("customer.tickets")
    if user.role == Role.MANAGER:
        return url_for("backoffice.dashboard_page")
    return url_for("backoffice.queue")
