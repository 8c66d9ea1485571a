"""Warranty and coverage of a unit: the one place the desk, the phone, the customer portal and every document
get it from. The rule itself is portal.domain.warranty.warranty_status; this gathers its inputs (the model's
months, the purchase date, an extended warranty, parts fitted later). Service contracts and 三包 entitlement
will join it here."""
from datetime import date

from portal.domain.warranty import WarrantyStatus, warranty_status
from portal.extensions import db
from portal.models import Asset, Part, PartUsage, ProductModel, Ticket
from portal.services.localtime import local, local_today


def cover(model: ProductModel, purchase: date | None, extended_end: date | None, today: date,
          parts=()) -> WarrantyStatus:
    return warranty_status(purchase, model.warranty_months, extended_end, today, parts=parts)


def asset_cover(asset: Asset, today: date, parts=()) -> WarrantyStatus:
    return cover(asset.product_model, asset.purchase_date, asset.extended_warranty_end, today, parts)


def ticket_cover(ticket: Ticket, today: date, parts=()) -> WarrantyStatus:
    """The ticket's unit: the registered asset, else the model and the purchase date told at intake."""
    if ticket.asset is not None:
        return asset_cover(ticket.asset, today, parts)
    return cover(ticket.product_model, ticket.purchase_date, None, today, parts)


def service_day(ticket: Ticket) -> date:
    """The day the work is judged on: the hand-over, so that a summary signed the next day reads the same."""
    return local(ticket.resolved_at).date() if ticket.resolved_at else local_today()


def replaced_parts(serial: str, customer_id: int | None) -> list[tuple[str, date]]:
    """Parts fitted to this unit on its tickets, each with its own warranty end."""
    return [tuple(row) for row in db.session.execute(
        db.select(Part.name, PartUsage.warranty_until).join(Part, Part.id == PartUsage.part_id)
        .join(Ticket, Ticket.id == PartUsage.ticket_id)
        .where(Ticket.serial == serial, Ticket.customer_id == customer_id, PartUsage.warranty_until.is_not(None)))]
