"""Device labels: sheets of QR labels for a customer's units, and what a label's public page does: confirm the
reporter's mobile with a one-time text message, register their request with the unit's model and serial, and
show the owner the unit's lifetime record."""
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import segno
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from portal import pdf
from portal.domain import device_label as rules
from portal.domain import phones
from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import Asset, Contact, MaintenancePlan, Notification, PartUsage, PhoneCheck, Ticket, User, Visit
from portal.services import ServiceError, mailer
from portal.services import intake as intake_service
from portal.services.events import add_event
from portal.services.localtime import local_today
from portal.services.transitions import apply_action

CODE_TTL = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
CODES_PER_PHONE_PER_HOUR = 5
# After the code, the reporter has this long to describe the fault and send it.
REPORT_WITHIN = timedelta(minutes=30)
CHANNEL = "label"


# ---- The label -----------------------------------------------------------------------------------------------

def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def reference(asset: Asset) -> str:
    return rules.reference(asset.id, _secret())


def label_url(asset: Asset) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/u/{reference(asset)}"


def find(ref: str | None) -> Asset | None:
    """The unit of a genuine label reference, or None."""
    asset_id = rules.read_reference(ref, _secret())
    if asset_id is None:
        return None
    return db.session.get(Asset, asset_id, options=(joinedload(Asset.product_model),))


def find_scanned(text: str | None) -> Asset | None:
    """The unit of whatever a QR reader read off a label (the label's whole URL)."""
    return find(rules.reference_in(text))


def retired(asset: Asset) -> bool:
    return asset.retired_on is not None and asset.retired_on <= local_today()


def labels_of(customer_id: int, unit_ids: list[int] | None = None) -> list[Asset]:
    """The customer's units to print, by serial: those chosen, or all of them."""
    query = (db.select(Asset).where(Asset.customer_id == customer_id).options(joinedload(Asset.product_model))
             .order_by(Asset.serial))
    if unit_ids:
        query = query.where(Asset.id.in_(unit_ids))
    return list(db.session.scalars(query))


def sheet_context(assets: list[Asset], skip: int = 0) -> dict:
    phone = current_app.config["COMPANY_PHONE"]
    cells = [{"model": a.product_model.code, "model_name": a.product_model.name, "serial": a.serial,
              "phone": phone, "retired": retired(a),
              "qr": segno.make(label_url(a), error="m").svg_data_uri(border=0, dark="#000")} for a in assets]
    return {"font_family": current_app.config["PDF_FONT_FAMILY"], "company": current_app.config["COMPANY_NAME"],
            "sheets": rules.sheets(cells, skip)}


def label_sheets(assets: list[Asset], skip: int = 0) -> bytes:
    if not assets:
        raise ServiceError(_l("Choose at least one unit."), field="unit")
    return pdf.render_pdf("labels.html", sheet_context(assets, skip))


# ---- The reporter's phone ------------------------------------------------------------------------------------

def _digest(check_id: int, code: str) -> str:
    return hmac.new(f"{_secret()}:phone-check:{check_id}".encode(), code.encode(), hashlib.sha256).hexdigest()


def mobile(raw: str | None) -> str | None:
    """The stored form of a mainland mobile number (the code goes by text message), else None."""
    number = phones.normalize(raw)
    return number if number and number[0] == "1" and "-" not in number else None


def send_code(asset: Asset, *, name: str, phone: str) -> PhoneCheck:
    """A 6-digit code by text message to `phone`, valid CODE_TTL: at most one a minute and
    CODES_PER_PHONE_PER_HOUR an hour per number (the page adds a limit per client address)."""
    if retired(asset):
        raise ServiceError(_l("This unit is retired: it takes no service requests."), status=410)
    number = mobile(phone)
    if number is None:
        raise ServiceError(_l("Enter a mobile number: the code comes by text message."), field="phone")
    now = utcnow()
    recent = db.session.scalars(db.select(PhoneCheck.created_at).where(
        PhoneCheck.phone == number, PhoneCheck.created_at > now - timedelta(hours=1))).all()
    if any(now - as_utc(at) < RESEND_AFTER for at in recent):
        raise ServiceError(_l("We sent a code less than a minute ago: check your messages, or wait a moment."),
                           status=429, field="phone")
    if len(recent) >= CODES_PER_PHONE_PER_HOUR:
        raise ServiceError(_l("Too many codes for this number. Try again in an hour, or call us."), status=429,
                           field="phone")
    check = PhoneCheck(asset_id=asset.id, name=name.strip()[:120], phone=number, code_sha256="",
                       expires_at=now + CODE_TTL, created_at=now)
    db.session.add(check)
    db.session.flush()
    code = f"{secrets.randbelow(10 ** 6):06d}"
    check.code_sha256 = _digest(check.id, code)
    with force_locale(intake_service.customer_locale(asset.customer_id)):
        body = _("Your code to report a fault on %(serial)s: %(code)s. It works for 10 minutes; if you did not ask "
                 "for it, ignore this message.", serial=asset.serial, code=code)
    mailer.queue_notice(Notification(ticket_id=None, kind="phone_code", channel="sms", recipient=number, body=body,
                                     data={"code": code}, status="queued", created_at=now))
    return check


def confirm_code(check: PhoneCheck, code: str | None) -> None:
    """Tries are limited per check by the rate limit of the page."""
    if check.verified_at is not None:
        return
    if as_utc(check.expires_at) <= utcnow():
        raise ServiceError(_l("This code has expired. Ask for a new one."), field="code")
    if not hmac.compare_digest(_digest(check.id, (code or "").strip()), check.code_sha256):
        raise ServiceError(_l("This code is not right. Check the latest text message we sent."), field="code")
    check.verified_at = utcnow()


def usable(check: PhoneCheck | None, asset: Asset) -> bool:
    """A confirmed phone that may still register its request for this unit."""
    return (check is not None and check.asset_id == asset.id and check.verified_at is not None
            and check.ticket_id is None and utcnow() - as_utc(check.verified_at) < REPORT_WITHIN)


def owner_contact(asset: Asset, phone: str | None) -> Contact | None:
    """The owner's active contact with this number, if the confirmed phone is one of theirs."""
    number = phones.normalize(phone)
    if not number:
        return None
    key = phones.search_key(number)
    contacts = db.session.scalars(db.select(Contact).where(
        Contact.customer_id == asset.customer_id, Contact.active.is_(True), Contact.phone.is_not(None))).all()
    return next((c for c in contacts if phones.search_key(c.phone) == key), None)


def register_report(check: PhoneCheck, asset: Asset, *, description: str, photos: list) -> Ticket:
    """The request from the label: the owner's unit with its model and serial, the reporter's confirmed phone."""
    if retired(asset):
        raise ServiceError(_l("This unit is retired: it takes no service requests."), status=410)
    if not usable(check, asset):
        raise ServiceError(_l("Confirm your phone number first."), status=409)
    customer = asset.customer
    contact = owner_contact(asset, check.phone)
    ticket = intake_service.register(
        user=None, customer=customer, contact=contact, photos=photos,
        form_data=dict(contact_name=check.name, contact_phone=check.phone, product_model=asset.product_model,
                       serial=asset.serial, purchase_date=asset.purchase_date, description=description,
                       channel=CHANNEL))
    check.ticket_id = ticket.id
    return ticket


# ---- The lifetime record -------------------------------------------------------------------------------------

@dataclass
class Lifetime:
    tickets: list
    visits: list
    parts: list
    next_maintenance: date | None


def lifetime(asset: Asset) -> Lifetime:
    """Every ticket of the unit, its visits and the parts replaced with their warranty, newest first."""
    tickets = db.session.scalars(db.select(Ticket).where(or_(
        Ticket.asset_id == asset.id, (Ticket.serial == asset.serial) & (Ticket.customer_id == asset.customer_id)))
        .order_by(Ticket.id.desc())).all()
    ids = [t.id for t in tickets] or [0]
    visits = db.session.scalars(db.select(Visit).where(Visit.ticket_id.in_(ids), Visit.arrived_at.is_not(None))
                                .order_by(Visit.arrived_at.desc())).all()
    parts = db.session.scalars(db.select(PartUsage).where(PartUsage.ticket_id.in_(ids))
                               .options(joinedload(PartUsage.part)).order_by(PartUsage.id.desc())).all()
    numbers = {t.id: t.number for t in tickets}
    next_maintenance = db.session.scalar(db.select(db.func.min(MaintenancePlan.next_due)).where(
        MaintenancePlan.asset_id == asset.id, MaintenancePlan.active.is_(True)))
    return Lifetime(tickets=list(tickets), visits=[(v, numbers.get(v.ticket_id)) for v in visits],
                    parts=[(p, numbers.get(p.ticket_id)) for p in parts], next_maintenance=next_maintenance)


# ---- On site ---------------------------------------------------------------------------------------------------

def confirm_serial(ticket: Ticket, engineer: User, *, typed: str | None, scanned: str | None) -> str:
    """The engineer checks the unit in front of them is the job's: its label scanned, or its serial typed. A
    ticket registered without a serial takes the one confirmed (and the unit, when it is the customer's)."""
    apply_action(ticket, "confirm_serial", engineer)
    method, asset = ("label", find_scanned(scanned)) if scanned else ("typed", None)
    if method == "label" and asset is None:
        raise ServiceError(_l("This QR code is not one of our device labels. Type the serial number instead."),
                           field="serial")
    serial = asset.serial if asset is not None else intake_service.normalize_serial(typed)
    if asset is None:
        asset = db.session.scalar(db.select(Asset).where(Asset.serial == serial))
    if ticket.serial and ticket.serial != serial:
        raise ServiceError(_l("This unit is %(found)s, not the job's unit %(expected)s. Check you are at the "
                              "right unit; call the desk if the job has the wrong serial.",
                              found=serial, expected=ticket.serial), field="serial")
    if not ticket.serial:
        if asset is not None and asset.customer_id != ticket.customer_id:
            raise ServiceError(_l("This unit is registered to another customer: call the desk."), field="serial")
        ticket.serial = serial
        if asset is not None:
            ticket.asset_id = asset.id
    add_event(ticket, engineer, "serial_confirmed", body=serial, data={"serial": serial, "method": method})
    return serial
