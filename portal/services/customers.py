"""Customers found as the phone rings: the search text each customer keeps, and the indexed search over it
by name, phone (any four or more digits), e-mail, serial number or ticket number."""
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.domain import phones, search, workflow
from portal.extensions import db
from portal.models import Asset, Contact, Customer, CustomerAddress, Ticket

HIT_LIMIT = 8
TICKET_NUMBER = re.compile(r"^sr\d{4,}$")
MIN_DIGITS = 4
FTS_QUERY = {"trigram": "SELECT rowid FROM customer_search_trigram WHERE customer_search_trigram MATCH :p",
             "bigram": "SELECT rowid FROM customer_search_bigram WHERE customer_search_bigram MATCH :p"}


@dataclass
class CustomerHit:
    """A customer the search found, with the contact and unit the query matched, if it matched one."""

    customer: Customer
    contact: Contact | None = None
    asset: Asset | None = None
    open_tickets: list[Ticket] = field(default_factory=list)


def reindex(customer: Customer) -> None:
    """Write the customer's search text from its name, contacts and registered units (call after a change)."""
    db.session.flush()
    contacts = db.session.execute(db.select(Contact.name, Contact.phone, Contact.email)
                                  .where(Contact.customer_id == customer.id).order_by(Contact.id)).all()
    serials = db.session.scalars(db.select(Asset.serial).where(Asset.customer_id == customer.id)
                                 .order_by(Asset.id)).all()
    text = search.customer_document(customer.name, contacts, serials)
    customer.search_text, customer.search_bigrams = text, " ".join(search.bigrams(text))


def _index_condition(q: str):
    """Customer ids whose search text holds q, through the trigram or bigram index (never a scan)."""
    kind = search.query_kind(q)
    if kind == "scan":
        return sa.false()
    if db.engine.dialect.name == "postgresql":
        if kind == "trigram":
            return Customer.search_text.contains(q, autoescape=True)
        return sa.text("string_to_array(customer.search_bigrams, ' ') @> ARRAY[:bigram]::text[]").bindparams(
            bigram=q)
    return Customer.id.in_(sa.text(FTS_QUERY[kind]).bindparams(p=search.fts_phrase(q)))


def usable_query(raw: str | None) -> str:
    """The query as searched, or "" when it is too short to mean anything (one character, under 4 digits)."""
    q = search.customer_query(raw)[:100]
    if len(q) < 2 or (q.isdigit() and len(q) < MIN_DIGITS):
        return ""
    return q


def search_condition(q: str):
    """Customers whose name, contacts or serials hold q, or with a ticket whose number starts with it."""
    condition = _index_condition(q)
    if TICKET_NUMBER.match(q):  # the unique index on the number answers a prefix as a range
        upper = q.upper()
        condition = sa.or_(condition, Customer.id.in_(db.select(Ticket.customer_id).where(
            Ticket.number >= upper, Ticket.number < upper + "~")))
    return condition


def find(raw: str | None, limit: int = HIT_LIMIT) -> list[CustomerHit]:
    """Active customers for the intake search, with the contact and unit the query matched."""
    q = usable_query(raw)
    if not q:
        return []
    customers = db.session.scalars(db.select(Customer).where(search_condition(q), Customer.active.is_(True))
                                   .options(selectinload(Customer.contacts))
                                   .order_by(Customer.name, Customer.id).limit(limit)).all()
    if not customers:
        return []
    ids = [c.id for c in customers]
    assets = db.session.scalars(db.select(Asset).where(Asset.customer_id.in_(ids)).order_by(Asset.id)).all()
    hits = []
    for customer in customers:
        hit = CustomerHit(customer=customer, contact=_matching_contact(customer.contacts, q))
        hit.asset = next((a for a in assets if a.customer_id == customer.id and q in a.serial.lower()), None)
        hits.append(hit)
    return hits


def _matching_contact(contacts: list[Contact], q: str) -> Contact | None:
    for contact in (c for c in contacts if c.active):
        if (q in search.normalize(contact.name) or (q.isdigit() and q in phones.search_key(contact.phone))
                or q in (contact.email or "").lower()):
            return contact
    return None


def open_tickets(customer_id: int | None, limit: int = 20) -> list[Ticket]:
    """The customer's tickets still open, newest first (what the caller is most likely calling about)."""
    if not customer_id:
        return []
    return list(db.session.scalars(db.select(Ticket).where(
        Ticket.customer_id == customer_id, Ticket.status.in_(workflow.OPEN_STATUSES))
        .order_by(Ticket.id.desc()).limit(limit)))


def sites(customer_id: int | None) -> list[CustomerAddress]:
    """The customer's addresses where engineers go, the default first."""
    if not customer_id:
        return []
    return list(db.session.scalars(db.select(CustomerAddress).where(CustomerAddress.customer_id == customer_id)
                                   .order_by(CustomerAddress.is_default.desc(), CustomerAddress.id)))


def service_address(customer: Customer, site_id: int | None, typed: str | None) -> str | None:
    """The ticket's service address: typed at intake, else the site picked, else the default site, else the
    customer's address. A site of another customer is ignored."""
    if (typed or "").strip():
        return typed.strip()[:300]
    options = sites(customer.id)
    site = next((s for s in options if s.id == site_id), None) or (options[0] if options else None)
    return site.address if site is not None else customer.address


def likely_duplicates(name: str | None, phone: str | None) -> list[CustomerHit]:
    """Customers already on file that a new one probably is: a contact with the same phone number, or the same
    name (spaces and case aside). Found through the search index, then compared exactly."""
    key, wanted = phones.search_key(phone), search.normalize(name)
    hits = {}
    for query in (key if len(key) >= MIN_DIGITS else "", wanted):
        for hit in find(query) if query else []:
            same_phone = [c for c in hit.customer.contacts if key and phones.search_key(c.phone) == key]
            if same_phone or search.normalize(hit.customer.name) == wanted:
                hit.contact = same_phone[0] if same_phone else hit.contact
                hits.setdefault(hit.customer.id, hit)
    return list(hits.values())


def create(*, kind: str, name: str, contact_name: str, phone: str, email: str | None, address: str | None,
           site_label: str) -> tuple[Customer, Contact]:
    """A customer made at intake: its contact (phone in the stored form) and, given an address, its first
    site, which is the default."""
    customer = Customer(name=name.strip(), kind=kind if kind in ("company", "individual") else "company",
                        address=(address or "").strip() or None)
    contact = Contact(name=contact_name.strip(), phone=phones.normalize(phone) or phone.strip(),
                      email=(email or "").strip().lower() or None)
    customer.contacts.append(contact)
    db.session.add(customer)
    db.session.flush()
    if customer.address:
        db.session.add(CustomerAddress(customer_id=customer.id, label=site_label, address=customer.address,
                                       is_default=True))
    reindex(customer)
    return customer, contact
