"""Returns and exchanges under 三包 (RMA): asked by the desk within the entitlement, approved by a supervisor who
sees it, the unit received back, then a refund (integer fen, at most the price paid) or an exchange unit; the
unit record is updated (old unit retired, the new one registered with a new 三包 period and its warranty)."""
from flask_babel import lazy_gettext as _l

from portal.domain import entitlement as rules
from portal.domain.money import fen_to_yuan, yuan_to_fen
from portal.domain.time import utcnow
from portal.domain.warranty import warranty_end
from portal.extensions import db
from portal.models import Asset, Rma, Ticket, User
from portal.services import ServiceError, bill_points, billing, entitlement, points, sla
from portal.services.events import add_event
from portal.services.localtime import local_today
from portal.services.transitions import apply_action

KINDS = (rules.RETURN, rules.EXCHANGE)


def of_ticket(ticket: Ticket) -> Rma | None:
    return db.session.scalar(db.select(Rma).where(Rma.ticket_id == ticket.id))


def request(ticket: Ticket, user: User, *, kind: str, reason: str) -> Rma:
    apply_action(ticket, "request_rma", user)
    if kind not in KINDS:
        raise ServiceError(_l("Choose return or exchange."), field="kind")
    if not (reason or "").strip():
        raise ServiceError(_l("Say why (what the customer chose)."), field="reason")
    if of_ticket(ticket) is not None:
        raise ServiceError(_l("This ticket already has an RMA."), status=409)
    result = entitlement.of_ticket(ticket)
    if kind not in result.options:
        raise ServiceError(_l("Not within the 三包 entitlement: %(why)s", why=" ".join(entitlement.explain(result))),
                           field="kind")
    record = Rma(ticket_id=ticket.id, number="RMA" + ticket.number[2:], kind=kind, status="requested",
                 reason=reason.strip()[:500], entitlement=entitlement.snapshot(result), requested_by_id=user.id)
    db.session.add(record)
    add_event(ticket, user, "rma_requested", body=record.reason, data={"number": record.number, "kind": kind},
              customer_visible=True)
    return record


def refunds_of(bill) -> list[Rma]:
    """The refunds that name this bill, for the bill's pages."""
    return list(db.session.scalars(db.select(Rma).where(Rma.bill_id == bill.id, Rma.refund_fen.is_not(None))
                                   .order_by(Rma.id)))


def refundable_fen(ticket: Ticket) -> tuple[int | None, int]:
    """What a return may give back, in fen: (the price paid for the unit, what was paid on the ticket's bill).
    The refund is at most their sum: the money actually paid."""
    bill = billing.bill_of(ticket)
    paid_on_bill = (bill.paid_fen - bill.refunded_fen) if bill is not None else 0
    return (ticket.asset.price_paid_fen if ticket.asset is not None else None), max(0, paid_on_bill)


def _open(ticket: Ticket) -> Rma:
    record = of_ticket(ticket)
    if record is None:
        raise ServiceError(_l("This ticket has no RMA."), status=409)
    return record


def approve(ticket: Ticket, supervisor: User) -> Rma:
    apply_action(ticket, "approve_rma", supervisor)
    record = _open(ticket)
    if record.status != "requested":
        raise ServiceError(_l("This RMA is not waiting for approval."), status=409)
    record.status, record.approved_by_id, record.approved_at = "approved", supervisor.id, utcnow()
    add_event(ticket, supervisor, "rma_approved", data={"number": record.number}, customer_visible=True)
    return record


def receive(ticket: Ticket, user: User) -> Rma:
    apply_action(ticket, "request_rma", user)  # the desk's step, in the same statuses
    record = _open(ticket)
    if record.status != "approved":
        raise ServiceError(_l("The RMA must be approved by a supervisor first."), status=409)
    record.status, record.received_at = "received", utcnow()
    add_event(ticket, user, "rma_received", data={"number": record.number}, customer_visible=True)
    return record


def complete(ticket: Ticket, user: User, *, refund_yuan: str | None = None,
             exchange_serial: str | None = None) -> Rma:
    """The refund (at most the price paid) or the exchange unit; the unit record follows; the ticket closes."""
    record = _open(ticket)
    if record.status != "received":
        raise ServiceError(_l("The RMA must be approved and the unit received back first."), status=409)
    asset = ticket.asset
    if asset is None:
        raise ServiceError(_l("The ticket has no registered unit."), status=409)
    now = utcnow()
    if record.kind == rules.RETURN:
        try:
            fen = yuan_to_fen(refund_yuan)
        except ValueError:
            raise ServiceError(_l("Enter the refund in yuan, e.g. 3999 or 3999.00."), field="refund") from None
        unit_fen, bill_fen = refundable_fen(ticket)
        if unit_fen is None:
            raise ServiceError(_l("Record the price paid on the unit first."), field="refund")
        if fen <= 0:
            raise ServiceError(_l("Enter the refund in yuan, e.g. 3999 or 3999.00."), field="refund")
        if fen > unit_fen + bill_fen:
            raise ServiceError(_l("The refund cannot be more than what was paid (¥%(paid)s: the unit ¥%(unit)s, "
                                  "on this ticket's bill ¥%(bill)s).", paid=fen_to_yuan(unit_fen + bill_fen),
                                  unit=fen_to_yuan(unit_fen), bill=fen_to_yuan(bill_fen)), field="refund")
        record.refund_fen = fen
        bill = billing.bill_of(ticket)
        if bill is not None:
            # The bill shows the refund; what it gives back of the bill's payments is the part above the unit.
            record.bill_id = bill.id
            bill.refunded_fen += max(0, fen - unit_fen) if bill_fen else 0
        # Points the service earned are taken back with the money.
        points.take_back_for_ticket(ticket.id, actor=user)
        # ... and gives back those the bill was paid with.
        bill_points.release(ticket.id, actor=user, refunded=True)
        # Retired: the day its QR label and the scan page read (device labels).
        asset.retired_on = local_today()
    else:
        serial = (exchange_serial or "").strip().upper()
        if not serial:
            raise ServiceError(_l("Enter the exchange unit's serial number."), field="exchange_serial")
        if db.session.scalar(db.select(Asset.id).where(Asset.serial == serial)) is not None:
            raise ServiceError(_l("This serial number is already registered."), field="exchange_serial")
        today = local_today()
        new = Asset(customer_id=asset.customer_id, product_model_id=asset.product_model_id, serial=serial,
                    purchase_date=today, invoice_date=today, price_paid_fen=asset.price_paid_fen,
                    purchase_channel=asset.purchase_channel,
                    warranty_end=warranty_end(today, asset.product_model.warranty_months))
        db.session.add(new)
        db.session.flush()
        asset.retired_on, asset.replaced_by_id = today, new.id
        record.exchange_asset_id = new.id
    apply_action(ticket, "complete_rma", user)
    record.status, record.completed_at = "completed", now
    ticket.closed_at = ticket.resolved_at = now
    sla.refresh(ticket)
    add_event(ticket, user, "rma_completed", data={"number": record.number, "kind": record.kind,
                                                   "refund_fen": record.refund_fen,
                                                   "serial": (exchange_serial or "").strip().upper() or None},
              customer_visible=True)
    return record
