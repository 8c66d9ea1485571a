"""The depot path: parcels in and out (carrier and tracking number checked against the carrier's pattern, a
misfit questioned and confirmable), hand-over at a service point, the workshop's receipt with the serial checked
against the ticket (a mismatch flagged with a note, never silently accepted), pick-up with a code."""
import hmac
import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from portal.domain import carriers as rules
from portal.domain.roles import CUSTOMERS
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import DepotReceipt, Parcel, ServicePoint, Ticket, User
from portal.services import ServiceError
from portal.services.events import add_event
from portal.services.transitions import apply_action

METHODS = ("parcel", "service_point")


def carrier_list() -> tuple[rules.Carrier, ...]:
    return rules.from_settings(current_app.config.get("CARRIERS"))


def carrier(code: str | None) -> rules.Carrier | None:
    return next((c for c in carrier_list() if c.code == (code or "").upper()), None)


def tracking(carrier_code: str | None, number: str | None) -> rules.NoTracking:
    """The adapter a carrier API would be asked through; none is reachable, so none is asked."""
    return rules.NoTracking()


def parcels(ticket: Ticket) -> list[Parcel]:
    return list(db.session.scalars(db.select(Parcel).options(joinedload(Parcel.service_point))
                                   .where(Parcel.ticket_id == ticket.id).order_by(Parcel.id)))


def awaiting_pickup(ticket: Ticket) -> Parcel | None:
    """The way back waiting at a service point for the customer and their code, if any."""
    return db.session.scalar(db.select(Parcel).where(
        Parcel.ticket_id == ticket.id, Parcel.direction == "out", Parcel.method == "service_point",
        Parcel.pickup_code.is_not(None), Parcel.received_at.is_(None)).order_by(Parcel.id.desc()).limit(1))


def hand_over(ticket: Ticket, user: User, *, code: str) -> Parcel:
    """The customer picks the unit up at the service point: the code they were sent is checked (a wrong one saves
    nothing: the caller counts the tries); then they sign the acceptance there or through the signing link."""
    apply_action(ticket, "hand_over", user, refused=_l("The unit is handed over once the repair is finished."))
    parcel = awaiting_pickup(ticket)
    if parcel is None:
        raise ServiceError(_l("No unit waits for pick-up on this ticket."), status=409)
    typed = "".join((code or "").split())
    if not typed:
        raise ServiceError(_l("Enter the customer's pick-up code."), field="code")
    if not hmac.compare_digest(typed.encode(), parcel.pickup_code.encode()):
        raise ServiceError(_l("The pick-up code does not match. Nothing was handed over."), field="code")
    parcel.received_at = utcnow()
    add_event(ticket, user, "picked_up", data={"point": parcel.service_point.name if parcel.service_point else ""},
              customer_visible=True)
    return parcel


def receipts(ticket: Ticket) -> list[DepotReceipt]:
    return list(db.session.scalars(db.select(DepotReceipt).where(DepotReceipt.ticket_id == ticket.id)
                                   .order_by(DepotReceipt.id)))


def _checked_number(carrier_code: str | None, number: str | None, confirm_misfit: bool) -> tuple[str, str, bool]:
    chosen = carrier(carrier_code)
    if chosen is None:
        raise ServiceError(_l("Choose the carrier."), field="carrier")
    number = rules.normalize(number)
    if not rules.plausible(number):
        raise ServiceError(_l("Enter the tracking number: 6 to 40 letters and digits."), field="tracking_number")
    misfit = not chosen.fits(number)
    if misfit and not confirm_misfit:
        raise ServiceError(_l("%(number)s does not look like a %(carrier)s number. Check it, or tick that it is "
                              "right.", number=number, carrier=chosen.name), field="tracking_number")
    return chosen.code, number, misfit


def _service_point(point_id) -> ServicePoint:
    point = db.session.get(ServicePoint, point_id) if point_id else None
    if point is None or not point.active:
        raise ServiceError(_l("Choose a service point."), field="service_point_id")
    return point


def send_unit(ticket: Ticket, user: User, *, method: str, carrier_code: str | None = None,
              number: str | None = None, confirm_misfit: bool = False, service_point_id=None) -> Parcel:
    """The unit on its way in: a parcel (the customer on the portal, or the desk) or a hand-over at a service
    point."""
    apply_action(ticket, "send_unit", user)
    if method not in METHODS:
        raise ServiceError(_l("Choose parcel or service point."), field="method")
    parcel = Parcel(ticket_id=ticket.id, direction="in", method=method, recorded_by_id=user.id)
    if method == "parcel":
        parcel.carrier, parcel.tracking_number, parcel.misfit_confirmed = _checked_number(
            carrier_code, number, confirm_misfit)
    else:
        parcel.service_point_id = _service_point(service_point_id).id
    db.session.add(parcel)
    add_event(ticket, user, "parcel_in", data={"method": method, "carrier": parcel.carrier,
                                               "number": parcel.tracking_number,
                                               "misfit": parcel.misfit_confirmed}, customer_visible=True)
    return parcel


def receive_unit(ticket: Ticket, engineer: User, *, serial: str, condition: str,
                 mismatch_note: str | None = None) -> DepotReceipt:
    """The workshop receives the unit: the serial is checked against the ticket; a mismatch needs a note and is
    flagged (internal event), never silently accepted."""
    read = (serial or "").strip().upper()
    if not read:
        raise ServiceError(_l("Scan or type the serial number on the unit."), field="serial")
    if not (condition or "").strip():
        raise ServiceError(_l("Describe the unit's condition."), field="condition")
    matches = ticket.serial is not None and read == ticket.serial.upper()
    note = (mismatch_note or "").strip()[:500] or None
    if not matches and note is None:
        raise ServiceError(_l("The serial %(read)s does not match the ticket (%(expected)s). Check the unit; to "
                              "receive it anyway, say why.", read=read, expected=ticket.serial or "—"),
                           field="serial")
    apply_action(ticket, "receive_unit", engineer)
    receipt = DepotReceipt(ticket_id=ticket.id, received_by_id=engineer.id, serial_read=read, serial_matches=matches,
                           mismatch_note=None if matches else note, condition=condition.strip()[:500])
    db.session.add(receipt)
    now = utcnow()
    for parcel in parcels(ticket):
        if parcel.direction == "in" and parcel.received_at is None:
            parcel.received_at = now
    if not matches:
        add_event(ticket, engineer, "serial_mismatch", body=note, data={"read": read, "expected": ticket.serial})
    add_event(ticket, engineer, "unit_received", body=receipt.condition, customer_visible=True)
    return receipt


def return_unit(ticket: Ticket, user: User, *, method: str, carrier_code: str | None = None,
                number: str | None = None, confirm_misfit: bool = False, service_point_id=None) -> Parcel:
    """The way back: a parcel, or waiting at a service point for pick-up with a code the customer is sent."""
    if user.role in CUSTOMERS:
        raise ServiceError(_l("Only the service desk records the way back."), status=403)
    apply_action(ticket, "return_unit", user)
    if method not in METHODS:
        raise ServiceError(_l("Choose parcel or service point."), field="method")
    parcel = Parcel(ticket_id=ticket.id, direction="out", method=method, recorded_by_id=user.id)
    if method == "parcel":
        parcel.carrier, parcel.tracking_number, parcel.misfit_confirmed = _checked_number(
            carrier_code, number, confirm_misfit)
        add_event(ticket, user, "parcel_sent", data={"carrier": parcel.carrier, "number": parcel.tracking_number},
                  customer_visible=True)
    else:
        point = _service_point(service_point_id)
        parcel.service_point_id = point.id
        parcel.pickup_code = f"{secrets.randbelow(10**6):06d}"
        add_event(ticket, user, "pickup_ready", data={"point": point.name, "address": point.address,
                                                     "code": parcel.pickup_code}, customer_visible=True)
    db.session.add(parcel)
    return parcel
