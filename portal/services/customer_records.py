"""Customer master data kept at the desk: customers, their contacts and sites, created, edited and deactivated
(never deleted: tickets refer to them); every change is written to the security log with before → after."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from portal.domain import phones, search
from portal.domain.money import yuan_to_fen
from portal.domain.warranty import warranty_end
from portal.extensions import db
from portal.models import Asset, Contact, Customer, CustomerAddress, ProductModel, User
from portal.services import ServiceError, check_fresh, customers, security_log, signals, tiers

CUSTOMER_FIELDS = ("name", "kind", "tier", "region", "address", "account_manager_id")
CONTACT_FIELDS = ("name", "phone", "email")
SITE_FIELDS = ("label", "address", "is_default")
KINDS = ("company", "individual")


@dataclass
class Page:
    rows: list
    number: int
    has_next: bool


def _snapshot(record, fields) -> dict:
    return {f: getattr(record, f) for f in fields} if record is not None else {}


def _audit(by: User | None, what: str, before: dict, after: dict) -> None:
    if diff := security_log.changes(before, after):
        security_log.record(security_log.MASTER_DATA_CHANGED, user=by, detail={what: diff})


def listing(query: str | None, number: int, size: int, inactive: bool = False) -> Page:
    """One page of customers by name, or those the search finds (the intake search's index)."""
    select = db.select(Customer).order_by(Customer.name, Customer.id)
    q = customers.usable_query(query)
    if q:
        select = select.where(customers.search_condition(q))
    if not inactive:
        select = select.where(Customer.active.is_(True))
    rows = db.session.scalars(select.limit(size + 1).offset((number - 1) * size)).all()
    return Page(rows=list(rows[:size]), number=number, has_next=len(rows) > size)


def save_customer(customer: Customer | None, data: dict, by: User | None, seen: str | None = None) -> Customer:
    """Create (customer None) or change a customer; the first contact comes with a new one. `seen`: the
    fingerprint of the customer as the form showed it (a change since is refused, StaleEdit)."""
    check_fresh(customer, CUSTOMER_FIELDS, seen)
    if data.get("kind") not in KINDS:
        raise ServiceError(_l("Choose one of the offered values."), field="kind")
    if not tiers.is_offered(data.get("tier"), customer.tier if customer is not None else None):
        raise ServiceError(_l("Choose one of the offered values."), field="tier")
    manager_id = data.get("account_manager_id")
    if manager_id and db.session.get(User, manager_id) is None:
        raise ServiceError(_l("Unknown account manager."), field="account_manager_id")
    before = _snapshot(customer, CUSTOMER_FIELDS)
    if customer is None:
        customer = Customer()
        db.session.add(customer)
    for field in CUSTOMER_FIELDS:
        setattr(customer, field, data.get(field) or (None if field != "name" else data.get(field)))
    customer.kind, customer.tier = data["kind"], data["tier"]
    db.session.flush()
    _audit(by, f"customer #{customer.id}", before, _snapshot(customer, CUSTOMER_FIELDS))
    customers.reindex(customer)
    if before and before.get("tier") != customer.tier:
        # The new tier's response target applies to the open tickets (sla listens).
        signals.sla_targets_changed.send(customer_ids=[customer.id])
    return customer


def set_customer_active(customer: Customer, active: bool, by: User | None) -> None:
    _audit(by, f"customer #{customer.id} {customer.name}", {"active": customer.active}, {"active": active})
    customer.active = active


def save_contact(customer: Customer, contact: Contact | None, data: dict, by: User | None,
                 seen: str | None = None) -> Contact:
    check_fresh(contact, CONTACT_FIELDS, seen)
    phone = (data.get("phone") or "").strip()
    stored = phones.normalize(phone) if phone else None
    if phone and stored is None:
        raise ServiceError(_l("Enter a mainland mobile (11 digits) or a landline with its area code, "
                              "e.g. 138 1234 5678 or 021-6234 5678."), field="phone")
    before = _snapshot(contact, CONTACT_FIELDS)
    if contact is None:
        contact = Contact(customer_id=customer.id)
        db.session.add(contact)
    contact.name, contact.phone = data["name"], stored
    contact.email = (data.get("email") or "").strip().lower() or None
    db.session.flush()
    _audit(by, f"customer #{customer.id} {customer.name} · contact #{contact.id}", before,
           _snapshot(contact, CONTACT_FIELDS))
    customers.reindex(customer)
    return contact


def set_contact_active(contact: Contact, active: bool, by: User | None) -> None:
    _audit(by, f"customer #{contact.customer_id} · contact #{contact.id} {contact.name}",
           {"active": contact.active}, {"active": active})
    contact.active = active


def save_site(customer: Customer, site: CustomerAddress | None, data: dict, by: User | None,
              seen: str | None = None) -> CustomerAddress:
    check_fresh(site, SITE_FIELDS, seen)
    before = _snapshot(site, SITE_FIELDS)
    if site is None:
        site = CustomerAddress(customer_id=customer.id, is_default=False)
        db.session.add(site)
    site.label, site.address = data["label"], data["address"]
    db.session.flush()
    first = not db.session.scalar(db.select(CustomerAddress.id).where(
        CustomerAddress.customer_id == customer.id, CustomerAddress.id != site.id).limit(1))
    if data.get("is_default") or first:
        db.session.execute(db.update(CustomerAddress).where(
            CustomerAddress.customer_id == customer.id, CustomerAddress.id != site.id).values(is_default=False))
        site.is_default = True
    if site.is_default:
        customer.address = site.address
    _audit(by, f"customer #{customer.id} {customer.name} · site #{site.id}", before, _snapshot(site, SITE_FIELDS))
    return site


UNIT_FIELDS = ("serial", "product_model_id", "purchase_date", "invoice_date", "purchase_channel",
               "extended_warranty_end", "retired_on", "price_paid")
UNIT_AUDIT = UNIT_FIELDS[:-1] + ("price_paid_fen",)


def units(customer_id: int) -> list[Asset]:
    return list(db.session.scalars(db.select(Asset).where(Asset.customer_id == customer_id)
                                   .options(joinedload(Asset.product_model)).order_by(Asset.serial)))


def find_units(query: str | None, limit: int = 50) -> list[Asset]:
    """Units whose serial starts with the query (a range on the unique serial index)."""
    q = search.clean(query).strip().upper()[:80]
    if len(q) < 2:
        return []
    return list(db.session.scalars(db.select(Asset).where(Asset.serial >= q, Asset.serial < q + "~")
                                   .options(joinedload(Asset.product_model), joinedload(Asset.customer))
                                   .order_by(Asset.serial).limit(limit)))


def save_unit(customer: Customer, unit: Asset | None, data: dict, by: User | None) -> Asset:
    """Register or correct a unit of the customer; the warranty end follows the purchase date, the model's
    warranty months and an extended warranty."""
    serial = (data.get("serial") or "").strip().upper()
    owner = db.session.scalar(db.select(Asset).where(Asset.serial == serial, Asset.id != (unit.id if unit else 0)))
    if owner is not None:
        raise ServiceError(_l("This serial number is registered to another customer.")
                           if owner.customer_id != customer.id else _l("This serial number is already registered."),
                           field="serial")
    model = db.session.get(ProductModel, data.get("product_model_id") or 0)
    if model is None:
        raise ServiceError(_l("Choose one of the offered values."), field="product_model_id")
    if data.get("invoice_date") and data.get("purchase_date") and data["invoice_date"] < data["purchase_date"]:
        raise ServiceError(_l("The invoice date cannot be before the purchase date."), field="invoice_date")
    before = {f: _plain(getattr(unit, f)) for f in UNIT_AUDIT} if unit else {}
    if unit is None:
        unit = Asset(customer_id=customer.id)
        db.session.add(unit)
    unit.serial, unit.product_model = serial, model
    unit.purchase_date, unit.invoice_date = data.get("purchase_date"), data.get("invoice_date")
    unit.purchase_channel = (data.get("purchase_channel") or "").strip() or None
    unit.extended_warranty_end = data.get("extended_warranty_end")
    unit.retired_on = data.get("retired_on")
    if data.get("price_paid"):
        try:
            unit.price_paid_fen = yuan_to_fen(data["price_paid"])
        except ValueError:
            raise ServiceError(_l("Enter a price in yuan, e.g. 128 or 128.50."), field="price_paid") from None
    else:
        unit.price_paid_fen = None
    unit.warranty_end = warranty_end(unit.purchase_date, model.warranty_months)
    db.session.flush()
    _audit(by, f"customer #{customer.id} {customer.name} · unit #{unit.id}", before,
           {f: _plain(getattr(unit, f)) for f in UNIT_AUDIT})
    customers.reindex(customer)
    return unit


def _plain(value):
    """Dates as ISO text: the security log keeps JSON."""
    return value.isoformat() if hasattr(value, "isoformat") else value
