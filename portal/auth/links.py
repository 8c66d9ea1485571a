"""Customer sign-in by link: the invitation that sets a password, and the passwordless e-mail link."""
from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.auth.blueprint import bp
from portal.services import accounts
from portal.web.access import public
from portal.web.forms import submit
from portal.web.ratelimit import limiter
from portal.web.render import home_for, render

# Per client address and per e-mail address: no mailbox is flooded, from one address or from many.
PER_ADDRESS, PER_EMAIL = "5 per 15 minutes", "5 per hour"


def _email_key() -> str:
    return "login-link-email:" + (request.form.get("email") or "").strip().lower()[:254]


class LinkRequestForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=accounts.MIN_PASSWORD, max=200, message=_l("Use at least 10 characters."))])
    confirm = PasswordField(_l("The same password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class UseLinkForm(FlaskForm):
    """Only the CSRF token: mail scanners that open links must not spend them, so a button signs in."""


def _signed_in(user):
    # As the normal sign-in: a fresh session, nothing from before carries over.
    session.clear()
    login_user(user)
    session.permanent = True
    return redirect(home_for(user))


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


def _gone_or(page):
    """A link spent by another request meanwhile is gone; any other refusal comes back to the form."""
    def again(status, error):
        return _link_gone() if status == 410 else page(status)
    return again


@bp.route("/account/login/<token>", methods=["GET", "POST"])
@public
def link_login(token: str):
    row = accounts.find_token(token, "login")
    if row is None:
        return _link_gone()
    form = UseLinkForm()

    def page(status: int):
        return render("account/link_login.html", form=form, name=row.user.name, http_status=status)

    if request.method == "GET":
        return page(200)
    return submit(form, lambda f: accounts.spend_token(row), again=_gone_or(page),
                  done=lambda user: _signed_in(user))


@bp.route("/account/invite/<token>", methods=["GET", "POST"])
@public
def invite(token: str):
    row = accounts.find_token(token, "invite")
    if row is None:
        return _link_gone()
    form = SetPasswordForm()

    def page(status: int):
        return render("account/invite.html", form=form, user=row.user, http_status=status)

    def set_password(f):
        accounts.set_password(row.user, f.password.data)
        return accounts.spend_token(row)

    def done(user):
        flash(_("Your password is set. Welcome!"), "success")
        return _signed_in(user)

    if request.method == "GET":
        return page(200)
    return submit(form, set_password, again=_gone_or(page), done=done)
