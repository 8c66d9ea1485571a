"""Error pages in the user's language; htmx requests get a fragment, JSON clients a JSON reason."""
import logging

from flask import request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db
from portal.web.render import render

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    401: (_l("Sign-in required"), _l("Please sign in to continue.")),
    403: (_l("Not allowed"), _l("You do not have access to this page or record.")),
    404: (_l("Not found"), _l("There is no such page or record.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("The record changed meanwhile. Reload and try again.")),
    413: (_l("Too large"), _l("The upload is too large. Send fewer or smaller photos.")),
    422: (_l("Cannot be processed"), _l("Some of the data sent is not valid.")),
    429: (_l("Too many requests"), _l("Too many tries from this address. Wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. It has been logged; please try again.")),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(code: int, detail: str | None = None, **extra):
    """The error page, its htmx fragment, or for JSON clients {"ok": false, "error": ..., **extra}."""
    title, message = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    message = detail or message
    if wants_json():
        return {"ok": False, "error": str(message), "title": str(title), **extra}, code
    return render("errors/error.html", "errors/_error.html", http_status=code,
                  code=code, title=title, message=message)


def register(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_response(400, str(_l("Your session changed or the form came from elsewhere. Reload "
                                          "the page and send the form again.")), csrf=True)

    @app.errorhandler(StaleDataError)
    def stale(error):
        # Two saves raced on the same ticket; the later one lost the optimistic lock.
        db.session.rollback()
        return error_response(409)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if request_ctx.url_adapter is None:  # the Host is not a trusted one: no page (nor link) is built for it
            return app.response_class(f"{error.code} {error.name}", error.code, mimetype="text/plain")
        return error_response(error.code)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        log.error("unhandled error on %s %s", request.method, request.path)
        return error_response(500)
