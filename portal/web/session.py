"""The session cookie, written back by pages and by requests that changed the session only.

With a permanent session Flask writes the cookie on every response. An htmx fragment (the intake's live
completeness check, say) that left before a form post and came back after it would then put back the
session as it was when it left, and the post's flash (the new ticket number) would be lost. Fragments that
change nothing in the session leave the cookie alone.

The app's own files (scripts, styles, the service worker) never write it: the phone fetches them in the
background (the worker's update check), and one still on its way when the user signs out would otherwise
bring the old session cookie back."""
from flask import request
from flask.sessions import SecureCookieSessionInterface

from portal.web.render import is_htmx

FILES = {"static", "site.service_worker", "site.favicon"}


class FragmentSafeSessionInterface(SecureCookieSessionInterface):
    def should_set_cookie(self, app, session) -> bool:
        if request.endpoint in FILES:
            return False
        if session.modified:
            return True
        if is_htmx():
            return False
        return super().should_set_cookie(app, session)
