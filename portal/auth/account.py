"""The account page of every role: sign-in sessions (end one, or all), the password, two-factor sign-in."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.blueprint import bp
from portal.auth.forms import ConfirmCodeForm, CurrentPasswordForm, PasswordChangeForm
from portal.domain.roles import EVERY_ROLE
from portal.domain.sessions import device_name
from portal.services import ServiceError, accounts, security_log, sessions, two_factor
from portal.web import throttle
from portal.web.access import roles_required
from portal.web.forms import ButtonForm, refused, saved, submit
from portal.web.render import render
from portal.web.session import current_session, sign_in, sign_out


def _me():
    return current_user._get_current_object()


def account_context() -> dict:
    me, this = _me(), current_session()
    rows = [{"id": s.id, "device": device_name(s.user_agent), "created_at": s.created_at,
             "last_seen_at": s.last_seen_at, "ip": s.last_ip or s.ip_address, "remember": s.remember,
             "this": this is not None and s.id == this.id} for s in sessions.live_for(me)]
    return {"user": me, "sessions": rows, "button": ButtonForm(), "two_factor_on": me.two_factor_enabled,
            "two_factor_required": two_factor.required_for(me)}


@bp.get("/account")
@roles_required(*EVERY_ROLE)
def account():
    return render("auth/account.html", **account_context())


def _signed_out_everywhere(_result):
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/account/sessions/end-all")
@roles_required(*EVERY_ROLE)
def end_all_sessions():
    me = _me()

    def end_all(_form):
        sessions.end_all(me, "signed_out_everywhere")
        sign_out(me, scope="everywhere")

    return submit(ButtonForm(), end_all, done=_signed_out_everywhere,
                  again=lambda status, error: redirect(url_for("auth.account")))


@bp.post("/account/sessions/<session_id>/end")
@roles_required(*EVERY_ROLE)
def end_session(session_id: str):
    me, this = _me(), current_session()
    record = sessions.owned(me, session_id)
    if record is None:
        abort(404)
    if this is not None and record.id == this.id:
        return submit(ButtonForm(), lambda _f: sign_out(me), done=lambda _r: redirect(url_for("auth.login")),
                      again=lambda status, error: redirect(url_for("auth.account")))

    def end(_form):
        sessions.end(record, "signed_out_elsewhere")
        security_log.record(security_log.SIGN_OUT, user=me, detail={"scope": "other_device",
                                                                   "device": device_name(record.user_agent)})

    return submit(ButtonForm(), end, done=lambda _r: saved(_("That device is signed out."), url_for("auth.account")),
                  again=lambda status, error: redirect(url_for("auth.account")))


def _guarded(me, change):
    """Run `change`, which asks for the current password: refused while the account is locked, and a wrong
    password counts as a failed sign-in (a session left open must not become a way to guess the password)."""
    minutes = throttle.account_locked(me.email)
    if minutes:
        raise ServiceError(_("Too many failed tries: wait %(minutes)s minutes.", minutes=minutes), status=429,
                           field="current_password")
    try:
        return change()
    except ServiceError as error:
        if error.field == "current_password":
            throttle.failed(me.email)
        raise


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required(*EVERY_ROLE)
def change_password():
    me, this = _me(), current_session()
    form = PasswordChangeForm()

    def page(status: int):
        return render("auth/password.html", form=form, http_status=status)

    def change(f):
        _guarded(me, lambda: accounts.change_password(me, f.current_password.data, f.new_password.data))
        # Every session ended with the old password; this device goes on in a new one.
        sign_in(me, remember=bool(this and this.remember), method="password_change")

    if request.method == "GET":
        return page(200)
    return submit(form, change, done=lambda _r: saved(_("Your password is changed. Every other device is signed "
                                                        "out."), url_for("auth.account")),
                  again=lambda status, error: refused(form, status, page, error))


# ---- two-factor sign-in ------------------------------------------------------------------------------------

def two_factor_context(**extra) -> dict:
    me = _me()
    context = {"user": me, "on": me.two_factor_enabled, "pending": bool(me.totp_secret) and not me.two_factor_enabled,
               "required": two_factor.required_for(me), "button": ButtonForm(), "codes": None,
               "confirm_form": ConfirmCodeForm(formdata=None),
               "renew_form": CurrentPasswordForm(prefix="renew", formdata=None),
               "disable_form": CurrentPasswordForm(prefix="disable", formdata=None)}
    if context["pending"]:
        context["qr"], context["secret"] = two_factor.qr_svg_data_uri(me), me.totp_secret
    if context["on"]:
        context["codes_left"] = two_factor.recovery_codes_left(me)
    context.update(extra)
    return context


def _two_factor_page(status: int = 200, **extra):
    return render("auth/two_factor.html", http_status=status, **two_factor_context(**extra))


@bp.get("/account/two-factor")
@roles_required(*EVERY_ROLE)
def two_factor_settings():
    return _two_factor_page()


def _back_to_settings(message=None):
    return lambda _r: saved(message, url_for("auth.two_factor_settings"))


@bp.post("/account/two-factor/start")
@roles_required(*EVERY_ROLE)
def two_factor_start():
    return submit(ButtonForm(), lambda _f: two_factor.begin(_me()), done=_back_to_settings(),
                  again=lambda status, error: _two_factor_page(status))


@bp.post("/account/two-factor/confirm")
@roles_required(*EVERY_ROLE)
def two_factor_confirm():
    form = ConfirmCodeForm()
    # The codes are shown once, in the answer to this post, and never stored in the clear.
    return submit(form, lambda f: two_factor.confirm(_me(), f.code.data),
                  done=lambda codes: _two_factor_page(codes=codes, confirm_form=form),
                  again=lambda status, error: _two_factor_page(status, confirm_form=form))


@bp.post("/account/two-factor/recovery-codes")
@roles_required(*EVERY_ROLE)
def two_factor_recovery_codes():
    form = CurrentPasswordForm(prefix="renew")

    def renew(f):
        _guarded(_me(), lambda: accounts.confirm_password(_me(), f.current_password.data))
        return two_factor.renew_recovery_codes(_me())

    return submit(form, renew, done=lambda codes: _two_factor_page(codes=codes),
                  again=lambda status, error: _two_factor_page(status, renew_form=form))


@bp.post("/account/two-factor/disable")
@roles_required(*EVERY_ROLE)
def two_factor_disable():
    form = CurrentPasswordForm(prefix="disable")

    def disable(f):
        _guarded(_me(), lambda: accounts.confirm_password(_me(), f.current_password.data))
        two_factor.disable(_me())

    return submit(form, disable, done=_back_to_settings(_("Two-factor sign-in is off.")),
                  again=lambda status, error: _two_factor_page(status, disable_form=form))
