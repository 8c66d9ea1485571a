"""Customer master data kept at the desk: customers, their contacts and sites, created, edited and deactivated
(never deleted: tickets refer to them); every change is written to the security log with before → after."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.domain import phones
from portal.extensions import db
from portal.models import Contact, Customer, CustomerAddress, User
from portal.services import ServiceError, customers, security_log

CUSTOMER_FIELDS = ("name", "kind", "tier", "region", "address", "account_manager_id")
CONTACT_FIELDS = ("name", "phone", "email")
SITE_FIELDS = ("label", "address", "is_default")
KINDS, TIERS = ("company", "individual"), ("standard", "vip")


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


def save_customer(customer: Customer | None, data: dict, by: User | None) -> Customer:
    """Create (customer None) or change a customer; the first contact comes with a new one."""
    if data.get("kind") not in KINDS or data.get("tier") not in TIERS:
        raise ServiceError(_l("Choose one of the offered values."), field="kind")
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
    return customer


def set_customer_active(customer: Customer, active: bool, by: User | None) -> None:
    _audit(by, f"customer #{customer.id} {customer.name}", {"active": customer.active}, {"active": active})
    customer.active = active


def save_contact(customer: Customer, contact: Contact | None, data: dict, by: User | None) -> Contact:
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


def save_site(customer: Customer, site: CustomerAddress | None, data: dict, by: User | None) -> CustomerAddress:
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
