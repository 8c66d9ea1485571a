"""Loyalty points held for a bill as its discount, on the points ledger: a spending made when the customer or the
desk chooses them (oldest points first, refused when the balance is short, whoever spends meanwhile), trimmed to
what the bill can take whenever it is brought up to date, given back when the ticket is cancelled before signing
or the bill is refunded. The discount lines themselves are portal.domain.bill_points."""
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.models import Bill, PointsEntry, User
from portal.services import ServiceError, points


def points_per_yuan() -> int:
    return current_app.config["POINTS_DISCOUNT_PER_YUAN"]


def _release(bill: Bill, reason: str, actor: User | None) -> int:
    given = 0
    if bill.points_entry_id is not None:
        given = points.give_back(db.session.get(PointsEntry, bill.points_entry_id), reason, actor=actor)
    bill.points_entry_id = None
    if not bill.is_frozen:  # a signed bill keeps its discount line and figure; only the points go back
        bill.points_held = 0
    return given


def hold(bill: Bill, wanted: int, most: int, *, today: date, actor: User | None) -> None:
    """Hold `wanted` points for the draft bill (0 gives back what it holds); at most `most`, what the bill can
    take. The earlier choice is given back first, in the same transaction."""
    if bill.is_frozen:
        raise ServiceError(_l("The bill was signed and can no longer change."), status=409)
    if wanted < 0:
        raise ServiceError(_l("Enter a number of points, 0 or more."), field="points")
    if wanted > most:
        raise ServiceError(_l("This bill can take at most %(most)s points.", most=most), field="points")
    # Two choices for the same bill at once (the customer and the desk): the second waits for the first and then
    # gives back what the first held, never leaving a spending that no bill holds.
    points.lock_customer(bill.customer_id)
    db.session.refresh(bill, attribute_names=["points_entry_id", "points_held", "status"])
    if bill.is_frozen:
        raise ServiceError(_l("The bill was signed and can no longer change."), status=409)
    _release(bill, "bill_released", actor)
    if wanted:
        entry = points.spend(bill.customer_id, wanted, "bill_discount", today=today, actor=actor,
                             ticket_id=bill.ticket_id, note=bill.number)
        bill.points_entry_id, bill.points_held = entry.id, wanted
    db.session.flush()


def trim(bill: Bill, usable: int, *, today: date) -> None:
    """The bill now takes fewer points than it holds (its amount went down): the rest goes back."""
    if bill.is_frozen or usable >= bill.points_held:
        return
    hold(bill, usable, usable, today=today, actor=None)


def release(ticket_id: int, *, actor: User | None, refunded: bool = False) -> int:
    """A cancelled ticket's draft bill, or a refunded one, gives its points back. Returns the points."""
    bill = db.session.scalar(db.select(Bill).where(Bill.ticket_id == ticket_id))
    if bill is None or (bill.is_frozen and not refunded):
        return 0
    return _release(bill, "bill_refunded" if refunded else "bill_released", actor)
