"""Sign-in rotates the session; sign-out clears it."""
from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.auth.blueprint import bp
from portal.auth.forms import LoginForm
from portal.domain.roles import EVERY_ROLE
from portal.extensions import db, login_manager
from portal.models import User
from portal.services import accounts
from portal.web.access import public, roles_required
from portal.web.errors import error_response, wants_json
from portal.web.forms import ButtonForm, refused, submit
from portal.web.render import home_for, render, safe_next

login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str):
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    # A disabled account is signed out everywhere at once, replays from its phone included.
    return user if user is not None and user.active else None


@login_manager.unauthorized_handler
def unauthorized():
    if request.headers.get("HX-Request") == "true":
        return "", 401, {"HX-Redirect": url_for("auth.login")}
    if wants_json() or request.headers.get("X-Requested-With") == "outbox":
        # The phone's outbox keeps the entry and asks the engineer to sign in again; a redirect
        # to the sign-in page would look like success to it.
        return error_response(401, login_url=url_for("auth.login"))
    flash(_("Please sign in to continue."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _sign_in(form: LoginForm) -> User:
    user = accounts.authenticate(form.email.data, form.password.data)
    # A fresh session at sign-in: nothing from before (CSRF token included) carries over,
    # and the account's own language setting applies.
    session.clear()
    login_user(user, remember=form.remember.data)
    session.permanent = True
    return user


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()

    def page(status: int):
        return render("auth/login.html", form=form, http_status=status)

    if request.method == "GET":
        return page(200)
    return submit(form, _sign_in, done=lambda user: redirect(safe_next(request.args.get("next"), home_for(user))),
                  again=lambda status, error: refused(form, status, page, error))


@bp.post("/logout")
@roles_required(*EVERY_ROLE)
def logout():
    def sign_out(_form):
        logout_user()
        session.clear()

    def done(_result):
        flash(_("You are signed out."), "info")
        return redirect(url_for("auth.login"))

    return submit(ButtonForm(), sign_out, done=done, again=lambda status, error: redirect(url_for("auth.login")))
