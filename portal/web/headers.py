"""Security headers on every response: the Content-Security-Policy, no sniffing, no framing, the referrer,
HSTS in production, and no caching of pages that carry personal data."""
from flask import current_app, request

# Scripts and styles come only from our own files: no inline <script>, no <style>, no style="" attribute and
# no eval (htmx's allowEval is off in base.html). Photo previews are blob: URLs, the signature pad and Pico's
# icons data: URLs.
POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
))
HSTS = "max-age=31536000; includeSubDomains"
# Files of the app itself, the same for every user: browsers may keep them (each view sets its own caching).
SHARED = {"static", "site.service_worker", "site.favicon"}


def security_headers(response):
    headers = response.headers
    # A view with a policy of its own (the print preview) keeps it.
    headers.setdefault("Content-Security-Policy", POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors, for browsers that predate it
    # Not no-referrer: Flask-WTF checks the Referer of every form post over HTTPS, and the portal's own pages
    # must keep sending it to the portal. Other sites never learn a path (with a ticket or token in it).
    headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config.get("ENV_NAME") == "production":
        headers.setdefault("Strict-Transport-Security", HSTS)
    # Pages, fragments and JSON answers carry personal data (names, phones, addresses, photos): kept by no
    # cache at all, so nothing stays behind on a shared phone or desk after sign-out. A view that decides for
    # itself (downloads, the service worker) has set Cache-Control already.
    if request.endpoint not in SHARED and "Cache-Control" not in headers:
        headers["Cache-Control"] = "private, no-store"
    return response


def private_file(response):
    """A stored file (photo, PDF) the user may see: never in a shared cache, and the browser checks back with
    the server (which checks access again) before every reuse; the ETag keeps that check to a 304."""
    cache = response.cache_control
    cache.public = False
    cache.max_age = None
    cache.private = True
    cache.no_cache = True
    response.headers.pop("Expires", None)
    return response


def register(app) -> None:
    app.after_request(security_headers)
