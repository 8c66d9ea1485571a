"""Customer sign-in by link: the invitation that sets a password, and the passwordless e-mail link."""
from flask import flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.access import public
from portal.auth import bp
from portal.extensions import db
from portal.ratelimit import limiter
from portal.services import ServiceError, accounts
from portal.web import home_for, render


class LinkRequestForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=accounts.MIN_PASSWORD, max=200, message=_l("Use at least 10 characters."))])
    confirm = PasswordField(_l("The same password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class UseLinkForm(FlaskForm):
    """Only the CSRF token: mail scanners that open links must not spend them, so a button signs in."""


def _sign_in(user):
    # As the normal sign-in: a fresh session, nothing from before carries over.
    session.clear()
    login_user(user)
    session.permanent = True


def _link_gone():
    return render("account/link_gone.html", http_status=410)


@bp.post("/account/login-link")
@public
@limiter.limit("5 per 15 minutes", methods=["POST"])  # no mailbox flooding from one address
def request_login_link():
    form = LinkRequestForm()
    if form.validate_on_submit():
        accounts.request_login_link(form.email.data)
        db.session.commit()
    # The same answer whether or not the address is known.
    flash(_("If this address belongs to a customer account, a sign-in link is on its way. It works once and "
            "for 30 minutes."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/login/<token>", methods=["GET", "POST"])
@public
def link_login(token: str):
    row = accounts.find_token(token, "login")
    if row is None:
        return _link_gone()
    form = UseLinkForm()
    if form.validate_on_submit():
        user = row.user
        if not accounts.use_token(row):
            db.session.rollback()
            return _link_gone()
        db.session.commit()
        _sign_in(user)
        return redirect(home_for(user))
    return render("account/link_login.html", form=form, name=row.user.name)


@bp.route("/account/invite/<token>", methods=["GET", "POST"])
@public
def invite(token: str):
    row = accounts.find_token(token, "invite")
    if row is None:
        return _link_gone()
    form = SetPasswordForm()
    if form.validate_on_submit():
        user = row.user
        try:
            accounts.set_password(user, form.password.data)
        except ServiceError as error:
            form.password.errors.append(str(error.message))
            return render("account/invite.html", form=form, user=user, http_status=422)
        if not accounts.use_token(row):
            db.session.rollback()
            return _link_gone()
        db.session.commit()
        _sign_in(user)
        flash(_("Your password is set. Welcome!"), "success")
        return redirect(home_for(user))
    return render("account/invite.html", form=form, user=row.user, http_status=422 if form.errors else 200)
