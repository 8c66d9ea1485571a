"""The session cookie, written back by pages and by requests that changed the session only.

With a permanent session Flask writes the cookie on every response. An htmx fragment (the intake's live
completeness check, say) that left before a form post and came back after it would then put back the
session as it was when it left, and the post's flash (the new ticket number) would be lost. Fragments that
change nothing in the session leave the cookie alone."""
from flask.sessions import SecureCookieSessionInterface

from portal.web.render import is_htmx


class FragmentSafeSessionInterface(SecureCookieSessionInterface):
    def should_set_cookie(self, app, session) -> bool:
        if session.modified:
            return True
        if is_htmx():
            return False
        return super().should_set_cookie(app, session)
