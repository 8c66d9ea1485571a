"""Customer sign-in by link: the invitation that sets a password, and the passwordless e-mail link.

A link's token is in its path, and so in access logs and in the browser's history: its first open only stores
the token's row id in the (signed) session cookie and redirects to a token-free page, which works for
LINK_MINUTES in that browser. Mail scanners that open links spend nothing: a button signs in."""
import time

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.auth.blueprint import bp
from portal.domain.passwords import MAX_LENGTH
from portal.services import accounts
from portal.web.access import public
from portal.web.forms import submit
from portal.web.ratelimit import limiter
from portal.web.render import home_for, render
from portal.web.session import sign_in

LINK_MARKER = "account_link"
LINK_MINUTES = 30

# Per client address and per e-mail address: no mailbox is flooded, from one address or from many.
PER_ADDRESS, PER_EMAIL = "5 per 15 minutes", "5 per hour"


def _email_key() -> str:
    return "login-link-email:" + (request.form.get("email") or "").strip().lower()[:254]


class LinkRequestForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=MAX_LENGTH)],
                             description=_l("At least 10 characters; not your e-mail address nor a common password."))
    confirm = PasswordField(_l("The same password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class UseLinkForm(FlaskForm):
    """Only the CSRF token: mail scanners that open links must not spend them, so a button signs in."""


def _link_gone():
    return render("account/link_gone.html", http_status=410)


@bp.post("/account/login-link")
@public
@limiter.limit(PER_ADDRESS, methods=["POST"])
@limiter.limit(PER_EMAIL, key_func=_email_key, methods=["POST"])
def request_login_link():
    def done(_result):
        # The same answer whether or not the address is known, and for an address that is not one.
        flash(_("If this address belongs to a customer account, a sign-in link is on its way. It works once "
                "and for 30 minutes."), "info")
        return redirect(url_for("auth.login"))
    return submit(LinkRequestForm(), lambda f: accounts.request_login_link(f.email.data), done=done,
                  again=lambda status, error: done(None))


def _exchange(token: str, kind: str, endpoint: str):
    """The link's first open: remember which token in this browser's session, continue without it in the URL."""
    row = accounts.find_token(token, kind)
    if row is None:
        return _link_gone()
    session[LINK_MARKER] = {"id": row.id, "kind": kind, "at": int(time.time())}
    return redirect(url_for(endpoint))


def _marked(kind: str):
    """The token this browser opened a link of `kind` for, while it and the marker are still good."""
    marker = session.get(LINK_MARKER)
    if not isinstance(marker, dict) or marker.get("kind") != kind or \
            time.time() - marker.get("at", 0) > LINK_MINUTES * 60:
        return None
    return accounts.find_token_by_id(marker.get("id"), kind)


def _gone_or(page):
    """A link spent by another request meanwhile is gone; any other refusal comes back to the form."""
    def again(status, error):
        return _link_gone() if status == 410 else page(status)
    return again


def _spend_and_sign_in(row, method: str):
    user = accounts.spend_token(row)
    sign_in(user, remember=False, method=method)
    return user


@bp.get("/account/login/<token>")
@public
def link_login(token: str):
    return _exchange(token, "login", "auth.link_login_continue")


@bp.route("/account/login/continue", methods=["GET", "POST"])
@public
def link_login_continue():
    row = _marked("login")
    if row is None:
        return _link_gone()
    form = UseLinkForm()

    def page(status: int):
        return render("account/link_login.html", form=form, name=row.user.name, http_status=status)

    if request.method == "GET":
        return page(200)
    return submit(form, lambda f: _spend_and_sign_in(row, "link"), again=_gone_or(page),
                  done=lambda user: redirect(home_for(user)))


@bp.get("/account/invite/<token>")
@public
def invite(token: str):
    return _exchange(token, "invite", "auth.invite_continue")


@bp.route("/account/invite/continue", methods=["GET", "POST"])
@public
def invite_continue():
    row = _marked("invite")
    if row is None:
        return _link_gone()
    form = SetPasswordForm()

    def page(status: int):
        return render("account/invite.html", form=form, user=row.user, http_status=status)

    def set_password(f):
        accounts.set_password(row.user, f.password.data)
        return _spend_and_sign_in(row, "invite")

    def done(user):
        flash(_("Your password is set. Welcome!"), "success")
        return redirect(home_for(user))

    if request.method == "GET":
        return page(200)
    return submit(form, set_password, again=_gone_or(page), done=done)
