"""The session cookie, and the sign-in session it carries.

Cookie: written back by requests that changed the session only (SESSION_REFRESH_EACH_REQUEST is off: the
sign-in record's expiry does not slide, so neither need the cookie's). An htmx fragment (the intake's live
completeness check, say) that left before a form post and came back after it must not put back the session as
it was when it left (the post's flash, the new ticket number, would be lost): fragments never write it unless
they changed it. The app's own files (scripts, styles, the service worker) never write it: the phone fetches
them in the background (the worker's update check), and one still on its way when the user signs out would
otherwise bring the old session cookie back.

Sign-in session: Flask-Login keeps the key of a portal.services.sessions record in the session cookie (and in
the remember cookie); every request that reads current_user looks the record and its user up in one statement
and signs out when the record no longer holds. Its last-seen time is written at most once a minute, after the
response has gone out, in a transaction of its own: the request's own transaction stays the one of
portal.web.forms, and a page view never waits on a write."""
import logging

from flask import g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from portal.domain.sessions import touch_due
from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import User, UserSession
from portal.services import security_log, sessions
from portal.web.render import is_htmx

log = logging.getLogger(__name__)
FILES = {"static", "site.service_worker", "site.favicon"}
# Requests a page makes by itself (the bell polling every 30 s): not activity, so an open tab does not keep an
# office session past its idle timeout.
PASSIVE_ENDPOINTS = frozenset({"site.inbox_count"})


class FragmentSafeSessionInterface(SecureCookieSessionInterface):
    def should_set_cookie(self, app, session) -> bool:
        if request.endpoint in FILES:
            return False
        if session.modified:
            return True
        if is_htmx():
            return False
        return super().should_set_cookie(app, session)


def _forget() -> None:
    """The cookie names a session that ended: drop it, and the remember cookie with it."""
    session.pop("_user_id", None)
    session["_remember"] = "clear"


def signed_in_user(key: str) -> User | None:
    """Flask-Login's user loader: the user of a live session, None (signed out) otherwise."""
    found = sessions.find(key)
    if found is None:
        _forget()
        return None
    record, user = found
    now = utcnow()
    if sessions.end_reason(record, user, now) is not None:
        _forget()
        return None
    user.session_key = key
    g.user_session = record
    if touch_due(now, as_utc(record.last_seen_at)) and request.endpoint not in PASSIVE_ENDPOINTS:
        g.session_touch = (record.id, now, request.remote_addr)
    return user


def current_session() -> UserSession | None:
    return g.get("user_session")


def _touch(engine, session_id: str, now, ip: str | None) -> None:
    try:
        with engine.begin() as connection:
            connection.execute(db.update(UserSession).where(UserSession.id == session_id)
                               .values(last_seen_at=now, last_ip=ip))
    except SQLAlchemyError as error:  # a busy database: the next request tries again
        log.warning("last-seen time not written: %s", type(error).__name__)


def init_sessions(app) -> None:
    @app.after_request
    def touch_after_response(response):
        touch = g.pop("session_touch", None)
        if touch is not None:
            engine = db.engine
            response.call_on_close(lambda: _touch(engine, *touch))
        return response


def sign_in(user: User, *, remember: bool, method: str) -> None:
    """Open a new sign-in session for `user` on this device and put its key in the cookies."""
    sessions.start(user, remember=remember, method=method, user_agent=request.user_agent.string,
                   ip=request.remote_addr)
    security_log.record(security_log.SIGN_IN, user=user, detail={"method": method, "remember": remember})
    # A fresh session: nothing from before (CSRF token, a pending second step, a link) carries over, and the
    # account's own language setting applies.
    session.clear()
    login_user(user, remember=remember)
    session.permanent = True


def sign_out(user: User, scope: str = "this_device") -> None:
    """End this device's session (the others stay) and clear both cookies."""
    record = current_session()
    if record is not None:
        sessions.end(record, "signed_out")
    security_log.record(security_log.SIGN_OUT, user=user, detail={"scope": scope})
    logout_user()
    session.clear()
    session["_remember"] = "clear"  # Flask-Login deletes the remember cookie on the way out
