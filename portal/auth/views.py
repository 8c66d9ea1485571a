"""Sign-in (password, then the code of an authenticator app when the account has two-factor sign-in) and
sign-out. Failed sign-ins are counted per account and per address (portal.web.throttle) and logged; the answer
is the same for unknown addresses, which cost one password hash like known ones."""
import time
from dataclasses import dataclass

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.blueprint import bp
from portal.auth.forms import CodeForm, LoginForm
from portal.domain.roles import EVERY_ROLE
from portal.extensions import db, login_manager
from portal.models import User
from portal.services import accounts, security_log, two_factor
from portal.web import throttle
from portal.web.access import public, roles_required
from portal.web.errors import error_response, wants_json
from portal.web.forms import ButtonForm, submit
from portal.web.render import home_for, render, safe_next
from portal.web.session import sign_in, sign_out, signed_in_user

login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"
login_manager.user_loader(signed_in_user)

# The password step is good for this long while the second step waits for its code.
SECOND_STEP_SECONDS = 300
WRONG = _l("E-mail or password is wrong.")


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


@dataclass
class Outcome:
    """What a sign-in step came to: signed in, a second step to take, wrong, or locked (minutes left)."""
    state: str
    user: User | None = None
    minutes: int = 0


def _locked_message(minutes: int) -> str:
    return _("Too many failed sign-ins: this account is locked for %(minutes)s more minutes. Its owner has been "
             "told by e-mail. You can also ask for a sign-in link.", minutes=minutes)


def _blocked_message(minutes: int) -> str:
    return _("Too many failed sign-ins from this address. Try again in %(minutes)s minutes.", minutes=minutes)


def _failure(email: str, user: User | None, reason: str) -> Outcome:
    """Count and log a failed step; lock the account (and tell its owner) at the limit."""
    locked_now, blocked_now = throttle.failed(email)
    security_log.record(security_log.SIGN_IN_FAILED, user=user, email=email, detail={"reason": reason})
    if blocked_now:
        security_log.record(security_log.ADDRESS_BLOCKED, detail={"minutes": throttle.lock_minutes()})
    if not locked_now:
        return Outcome("wrong")
    minutes = throttle.lock_minutes()
    security_log.record(security_log.LOCKED, user=user, email=email, detail={"minutes": minutes})
    if user is not None and user.active:
        accounts.notify_locked(user, minutes)
    return Outcome("locked", minutes=minutes)


def _password_step(form: LoginForm) -> Outcome:
    email = accounts.normalized_email(form.email.data)
    minutes = throttle.account_locked(email)
    if minutes:
        return Outcome("locked", minutes=minutes)
    user, ok = accounts.check_password(email, form.password.data)
    if not ok:
        return _failure(email, user, "password")
    if user.two_factor_enabled:
        session["second_step"] = {"user": user.id, "remember": bool(form.remember.data), "at": int(time.time())}
        return Outcome("second_step", user)
    throttle.succeeded(email)
    sign_in(user, remember=bool(form.remember.data), method="password")
    return Outcome("signed_in", user)


def _answer(outcome: Outcome, form, page):
    """The page after a sign-in step: onwards, or the form again with the reason next to it."""
    target = request.args.get("next")
    if outcome.state == "signed_in":
        if two_factor.must_enrol(outcome.user):
            flash(_("Your role needs two-factor sign-in: set it up now."), "info")
            return redirect(url_for("auth.two_factor_settings"))
        return redirect(safe_next(target, home_for(outcome.user)))
    if outcome.state == "second_step":
        return redirect(url_for("auth.second_step", next=target) if target else url_for("auth.second_step"))
    if outcome.state == "locked":
        form.form_errors.append(_locked_message(outcome.minutes))
        return page(429)
    field = form.code if isinstance(form, CodeForm) else form.password
    field.errors = [*field.errors, str(_l("This code does not match.") if isinstance(form, CodeForm) else WRONG)]
    return page(422)


def _refuse_blocked_address(form, page):
    minutes = throttle.address_blocked()
    if minutes:
        form.form_errors.append(_blocked_message(minutes))
        return page(429)
    return None


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
    return _refuse_blocked_address(form, page) or submit(
        form, _password_step, done=lambda outcome: _answer(outcome, form, page),
        again=lambda status, error: page(status))


def _pending_user() -> tuple[User, dict] | None:
    """The account whose password was right a moment ago and whose code is asked for now."""
    pending = session.get("second_step")
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > SECOND_STEP_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.active or not user.two_factor_enabled:
        return None
    return user, pending


def _code_step(user: User, pending: dict, code: str) -> Outcome:
    minutes = throttle.account_locked(user.email)
    if minutes:
        return Outcome("locked", minutes=minutes)
    method = two_factor.verify(user, code)
    if method is None:
        return _failure(user.email, user, "two_factor_code")
    throttle.succeeded(user.email)
    sign_in(user, remember=bool(pending.get("remember")), method=method)
    return Outcome("signed_in", user)


@bp.route("/login/two-factor", methods=["GET", "POST"])
@public
def second_step():
    found = _pending_user()
    if found is None:
        session.pop("second_step", None)
        flash(_("Sign in with your password first."), "info")
        return redirect(url_for("auth.login"))
    user, pending = found
    form = CodeForm()

    def page(status: int):
        return render("auth/second_step.html", form=form, http_status=status)

    if request.method == "GET":
        return page(200)
    return _refuse_blocked_address(form, page) or submit(
        form, lambda f: _code_step(user, pending, f.code.data), done=lambda outcome: _answer(outcome, form, page),
        again=lambda status, error: page(status))


@bp.post("/logout")
@roles_required(*EVERY_ROLE)
def logout():
    def done(_result):
        flash(_("You are signed out."), "info")
        return redirect(url_for("auth.login"))

    user = current_user._get_current_object()
    return submit(ButtonForm(), lambda _f: sign_out(user), done=done,
                  again=lambda status, error: redirect(url_for("auth.login")))


@bp.before_app_request
def enrol_first():
    """Where two-factor sign-in is required (production, admins and supervisors), an account without it
    reaches only the enrolment and sign-out until it has set it up."""
    if not current_app.config.get("TWO_FACTOR_REQUIRED") or request.endpoint in ENROL_ENDPOINTS:
        return None
    if current_user.is_authenticated and two_factor.must_enrol(current_user):
        if wants_json() or request.headers.get("X-Requested-With") == "outbox":
            return error_response(403, _("Set up two-factor sign-in first."))
        return redirect(url_for("auth.two_factor_settings"))
    return None


ENROL_ENDPOINTS = frozenset({"static", "auth.two_factor_settings", "auth.two_factor_start", "auth.two_factor_confirm",
                             "auth.logout", "site.set_language", "site.favicon", "site.service_worker",
                             "site.healthz", "auth.login", "auth.second_step"})
