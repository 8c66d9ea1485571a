"""A label's page, /u/<ref>: the unit's model and serial, then three steps on the same page: who reports (a code
goes to their mobile by text message), the code typed back, and the fault with photos, registered as a request
on the unit. The confirmed check is kept in the session, for this unit only. The owner (signed in, or confirmed
with a phone number on file) also sees the unit's service life."""
from flask import abort, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.device.blueprint import bp
from portal.device.forms import CodeForm, PhoneForm, ReportForm
from portal.domain.roles import STAFF, Role
from portal.extensions import db
from portal.models import Asset, PhoneCheck, Ticket
from portal.services import device_labels
from portal.web.access import public
from portal.web.forms import refused, saved, submit
from portal.web.ratelimit import limiter
from portal.web.render import render

SESSION_KEY = "label_checks"
PAGE_LOOKS = "60 per minute"
CODES = "5 per 15 minutes"
TRIES = "10 per 15 minutes"
REPORTS = "10 per hour"
TOO_MANY = _l("Too many tries. Wait 15 minutes and try again.")


def _unit(ref: str) -> Asset:
    asset = device_labels.find(ref)
    if asset is None:
        abort(404)
    return asset


def _check(asset: Asset) -> PhoneCheck | None:
    check_id = (session.get(SESSION_KEY) or {}).get(str(asset.id))
    check = db.session.get(PhoneCheck, check_id) if isinstance(check_id, int) else None
    return check if check is not None and check.asset_id == asset.id else None


def _remember(asset: Asset, check: PhoneCheck) -> None:
    session[SESSION_KEY] = {**(session.get(SESSION_KEY) or {}), str(asset.id): check.id}


def _check_key() -> str:
    return f"label-check:{(session.get(SESSION_KEY) or {})}"


def owner_sees(asset: Asset, check: PhoneCheck | None) -> bool:
    """The unit's service life is for its owner: their login, the staff, or a phone of theirs just confirmed."""
    if current_user.is_authenticated:
        if current_user.role in STAFF:
            return True
        if current_user.role == Role.CUSTOMER and current_user.customer_id == asset.customer_id:
            return True
    return (check is not None and check.verified_at is not None
            and device_labels.owner_contact(asset, check.phone) is not None)


def page_context(asset: Asset, *, phone_form=None, code_form=None, report_form=None) -> dict:
    check = _check(asset)
    step, registered = "phone", None
    if check is not None and check.ticket_id is not None:
        step, registered = "done", db.session.get(Ticket, check.ticket_id)
    elif check is not None and device_labels.usable(check, asset):
        step = "report"
    elif check is not None and check.verified_at is None:
        step = "code"
    return {"asset": asset, "model": asset.product_model, "retired": device_labels.retired(asset), "step": step,
            "check": check, "registered": registered, "ref": device_labels.reference(asset),
            "phone_form": phone_form or PhoneForm(formdata=None), "code_form": code_form or CodeForm(formdata=None),
            "report_form": report_form or ReportForm(formdata=None),
            "life": device_labels.lifetime(asset) if owner_sees(asset, check) else None,
            "customer_facing": True}


def _page(asset: Asset, status: int = 200, **forms):
    return render("device/label.html", http_status=status, **page_context(asset, **forms))


@bp.get("/<ref>")
@public
@limiter.limit(PAGE_LOOKS)
def label(ref: str):
    return _page(_unit(ref))


@bp.post("/<ref>/code")
@public
@limiter.limit(CODES, error_message=TOO_MANY)
def send_code(ref: str):
    asset = _unit(ref)
    form = PhoneForm()

    def done(check: PhoneCheck):
        _remember(asset, check)
        return saved(_("We sent a 6-digit code to %(phone)s.", phone=check.phone), url_for("device.label", ref=ref))

    return submit(form, lambda f: device_labels.send_code(asset, name=f.name.data, phone=f.phone.data), done=done,
                  again=lambda status, error: refused(form, status, lambda code: _page(asset, code, phone_form=form),
                                                      error))


@bp.post("/<ref>/confirm")
@public
@limiter.limit(TRIES, error_message=TOO_MANY)
@limiter.limit(TRIES, key_func=_check_key, error_message=TOO_MANY)
def confirm(ref: str):
    asset = _unit(ref)
    check = _check(asset)
    if check is None:
        return _page(asset, 409)
    form = CodeForm()
    return submit(form, lambda f: device_labels.confirm_code(check, f.code.data),
                  done=lambda _r: saved(_("Your phone number is confirmed."), url_for("device.label", ref=ref)),
                  again=lambda status, error: refused(form, status, lambda code: _page(asset, code, code_form=form),
                                                      error))


@bp.post("/<ref>/report")
@public
@limiter.limit(REPORTS, error_message=TOO_MANY)
def report(ref: str):
    asset = _unit(ref)
    check = _check(asset)
    form = ReportForm()
    if check is None:
        return _page(asset, 409, report_form=form)

    def use_case(f):
        return device_labels.register_report(check, asset, description=f.description.data,
                                             photos=request.files.getlist(f.photos.name))

    def done(ticket):
        return saved(_("Your service request is registered. Your number is %(number)s; please quote it whenever "
                       "you contact us.", number=ticket.number), url_for("device.label", ref=ref))

    return submit(form, use_case, done=done,
                  again=lambda status, error: refused(form, status,
                                                      lambda code: _page(asset, code, report_form=form), error))
