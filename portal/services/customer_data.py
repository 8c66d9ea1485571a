"""What a customer login may see of its own customer, as plain data (the profile page and the data download
both read it, so the download never holds more than the pages show), and the addresses they keep."""

from sqlalchemy.orm import joinedload

from portal.domain.privacy import mask_email, mask_phone
from portal.extensions import db
from portal.models import Acceptance, Asset, Contact, Customer, CustomerAddress, Document, Ticket, TicketEvent, User
from portal.services import coverage
from portal.services.localtime import local_today

# Event kinds whose text the customer wrote or was sent (as on their ticket page); other bodies stay internal.
CUSTOMER_BODIES = ("rejected", "customer_updated", "accepted")


def contacts_for(user: User) -> list[dict]:
    """The company's contacts; phone and e-mail in full only for the user's own contact."""
    rows = db.session.scalars(db.select(Contact).where(Contact.customer_id == user.customer_id)
                              .order_by(Contact.id)).all()
    return [{"id": c.id, "name": c.name, "own": c.id == user.contact_id,
             "phone": (c.phone or "") if c.id == user.contact_id else mask_phone(c.phone),
             "email": (c.email or "") if c.id == user.contact_id else mask_email(c.email)} for c in rows]


def addresses_for(user: User) -> list[CustomerAddress]:
    return list(db.session.scalars(db.select(CustomerAddress).where(CustomerAddress.customer_id == user.customer_id)
                                   .order_by(CustomerAddress.is_default.desc(), CustomerAddress.id)))


def make_default(address: CustomerAddress) -> None:
    db.session.execute(db.update(CustomerAddress).where(
        CustomerAddress.customer_id == address.customer_id, CustomerAddress.id != address.id)
        .values(is_default=False))
    address.is_default = True


def add_address(user: User, *, label: str, text: str, default: bool) -> CustomerAddress:
    """A new site of the customer; the first one is the default."""
    address = CustomerAddress(customer_id=user.customer_id, label=label, address=text, is_default=False)
    db.session.add(address)
    db.session.flush()
    first = not db.session.scalar(db.select(CustomerAddress.id).where(
        CustomerAddress.customer_id == user.customer_id, CustomerAddress.id != address.id).limit(1))
    if default or first:
        make_default(address)
    return address


def update_address(address: CustomerAddress, *, label: str, text: str, default: bool) -> None:
    address.label, address.address = label, text
    if default:
        make_default(address)


def delete_address(address: CustomerAddress) -> None:
    """Delete it; when it was the default, the oldest remaining address becomes the default."""
    was_default, customer_id = address.is_default, address.customer_id
    db.session.delete(address)
    db.session.flush()
    if was_default:
        successor = db.session.scalar(db.select(CustomerAddress).where(
            CustomerAddress.customer_id == customer_id).order_by(CustomerAddress.id).limit(1))
        if successor is not None:
            successor.is_default = True


def assets_for(user: User) -> list[Asset]:
    return list(db.session.scalars(db.select(Asset).where(Asset.customer_id == user.customer_id)
                                   .options(joinedload(Asset.product_model)).order_by(Asset.id)))


def _own_phone(user: User) -> str | None:
    contact = db.session.get(Contact, user.contact_id) if user.contact_id else None
    return contact.phone if contact is not None else None


def _iso(value):
    return value.isoformat() if value is not None else None


def export(user: User) -> dict:
    """Everything the customer may see about themselves, for "Download my data"."""
    customer = db.session.get(Customer, user.customer_id)
    own_phone = _own_phone(user)
    tickets = db.session.scalars(db.select(Ticket).where(Ticket.customer_id == user.customer_id)
                                 .order_by(Ticket.id)).all()
    ticket_ids = [t.id for t in tickets]
    events, acceptances, documents = {}, {}, {}
    if ticket_ids:
        visible = db.select(TicketEvent).where(TicketEvent.ticket_id.in_(ticket_ids),
                                               TicketEvent.customer_visible.is_(True))
        for e in db.session.scalars(visible.order_by(TicketEvent.id)):
            events.setdefault(e.ticket_id, []).append(
                {"kind": e.kind, "at": _iso(e.created_at), "text": e.body if e.kind in CUSTOMER_BODIES else None})
        for a in db.session.scalars(db.select(Acceptance).where(Acceptance.ticket_id.in_(ticket_ids))
                                    .order_by(Acceptance.id)):
            acceptances.setdefault(a.ticket_id, []).append(
                {"signer_name": a.signer_name, "signed_at": _iso(a.client_signed_at),
                 "received_at": _iso(a.server_received_at)})
        for d in db.session.scalars(db.select(Document).where(Document.ticket_id.in_(ticket_ids))
                                    .order_by(Document.id)):
            documents.setdefault(d.ticket_id, []).append(
                {"name": d.filename, "kind": d.kind, "sha256": d.sha256, "created_at": _iso(d.created_at)})
    return {
        "account": {"name": user.name, "email": user.email},
        "customer": {"name": customer.name, "kind": customer.kind, "tier": customer.tier,
                     "address": customer.address},
        "contacts": contacts_for(user),
        "addresses": [{"label": a.label, "address": a.address, "is_default": a.is_default}
                      for a in addresses_for(user)],
        "assets": [{"model": a.product_model.code, "model_name": a.product_model.name, "serial": a.serial,
                    "purchase_date": _iso(a.purchase_date),
                    "warranty_end": _iso(coverage.asset_cover(a, local_today()).standard_end),
                    "extended_warranty_end": _iso(a.extended_warranty_end)} for a in assets_for(user)],
        "tickets": [{
            "number": t.number, "status": t.status, "created_at": _iso(t.created_at),
            "model": t.product_model.code if t.product_model else None, "serial": t.serial,
            "description": t.description, "contact_name": t.contact_name,
            "contact_phone": t.contact_phone if own_phone and t.contact_phone == own_phone
            else mask_phone(t.contact_phone),
            "events": events.get(t.id, []), "acceptances": acceptances.get(t.id, []),
            "documents": documents.get(t.id, []),
        } for t in tickets],
    }
