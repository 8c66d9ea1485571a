"""Payments recorded against a bill (not processed: cash, a transfer, a WeChat Pay / Alipay reference, or on
account for contract customers) and the customer's invoice requests, which the back office marks issued with the
e-invoice file attached."""
import re
import zipfile
from datetime import datetime
from io import BytesIO
from xml.etree import ElementTree

from flask_babel import lazy_gettext as _l

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Bill, InvoiceRequest, Payment, Ticket, User
from portal.services import ServiceError, billing
from portal.services.events import add_event
from portal.services.storage import store_bytes

METHODS = ("cash", "transfer", "wechat", "alipay", "account")
NEEDS_REFERENCE = ("transfer", "wechat", "alipay")
REFERENCE = re.compile(r"^[0-9A-Za-z\-_]{6,64}$")
TAX_NUMBER = re.compile(r"^[0-9A-Z]{15,20}$")
MAX_INVOICE_FILE = 5 * 1024 * 1024


def record_payment(ticket: Ticket, user: User, *, method: str, amount_fen: int, reference: str | None,
                   client_recorded_at: datetime | None = None) -> Payment:
    bill = billing.refresh(ticket)
    if method not in METHODS:
        raise ServiceError(_l("Choose how the customer paid."), field="method")
    reference = (reference or "").strip() or None
    if method in NEEDS_REFERENCE:
        if not reference or not REFERENCE.match(reference):
            raise ServiceError(_l("Type the payment's reference number (6 to 64 letters and digits)."),
                               field="reference")
        taken = db.session.scalar(db.select(Payment.id).where(Payment.method == method,
                                                              Payment.reference == reference))
        if taken:
            raise ServiceError(_l("A payment with this reference is already recorded."), field="reference")
    if method == "account" and bill.contract_id is None:
        raise ServiceError(_l("Only contract customers pay on account."), field="method")
    if amount_fen <= 0:
        raise ServiceError(_l("Enter the amount paid."), field="amount")
    if amount_fen > bill.outstanding_fen:
        raise ServiceError(_l("More than the ¥%(due)s still to pay.", due=f"{bill.outstanding_fen / 100:.2f}"),
                           field="amount")
    payment = Payment(bill_id=bill.id, method=method, amount_fen=amount_fen, reference=reference,
                      recorded_by_id=user.id, client_recorded_at=client_recorded_at)
    db.session.add(payment)
    bill.paid_fen += amount_fen
    add_event(ticket, user, "payment_recorded", data={"method": method, "amount_fen": amount_fen})
    db.session.flush()
    return payment


def unpaid_bills(customer_query: str | None = None, limit: int = 200) -> list[Bill]:
    select = db.select(Bill).where(Bill.due_fen > Bill.paid_fen).order_by(Bill.id.desc()).limit(limit)
    return list(db.session.scalars(select))


# --- invoice requests ------------------------------------------------------------------------------------


def request_invoice(bill: Bill, user: User, data: dict) -> InvoiceRequest:
    kind, title_kind = data.get("kind"), data.get("title_kind")
    if kind not in ("ordinary", "special"):
        raise ServiceError(_l("Choose the kind of invoice."), field="kind")
    if title_kind not in ("person", "company"):
        raise ServiceError(_l("Choose a person or a company."), field="title_kind")
    if kind == "special" and title_kind != "company":
        raise ServiceError(_l("A special VAT invoice is made out to a company."), field="title_kind")
    tax = (data.get("tax_number") or "").strip().upper()
    if title_kind == "company" and not TAX_NUMBER.match(tax):
        raise ServiceError(_l("The tax number has 15 to 20 letters and digits."), field="tax_number")
    if kind == "special":
        for name, message in (("address", _l("The registered address is required for a special invoice.")),
                              ("phone", _l("The registered phone is required for a special invoice.")),
                              ("bank", _l("The bank is required for a special invoice.")),
                              ("bank_account", _l("The bank account is required for a special invoice."))):
            if not (data.get(name) or "").strip():
                raise ServiceError(message, field=name)
    if bill.due_fen <= 0:
        raise ServiceError(_l("Nothing was charged on this bill: there is nothing to invoice."), status=409)
    open_request = db.session.scalar(db.select(InvoiceRequest.id).where(InvoiceRequest.bill_id == bill.id))
    if open_request:
        raise ServiceError(_l("An invoice has already been requested for this bill."), status=409)
    request = InvoiceRequest(
        bill_id=bill.id, customer_id=bill.customer_id, requested_by_id=user.id, kind=kind, title_kind=title_kind,
        title=data["title"].strip(), tax_number=tax or None,
        **{k: (data.get(k) or "").strip() or None for k in ("address", "phone", "bank", "bank_account", "email")})
    db.session.add(request)
    add_event(bill.ticket, user, "invoice_requested", customer_visible=True, data={"kind": kind})
    db.session.flush()
    return request


def invoice_file_type(data: bytes) -> tuple[str, str] | None:
    """(content type, suffix) of an e-invoice judged by its content: PDF, OFD (a zip holding OFD.xml), XML."""
    if data.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                if any(name.upper().endswith("OFD.XML") for name in archive.namelist()):
                    return "application/ofd", ".ofd"
        except zipfile.BadZipFile:
            return None
        return None
    head = data.lstrip(b"\xef\xbb\xbf \r\n\t")[:200]
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data[:4096].upper():
            return None  # no entities: an XML invoice needs none
        try:
            ElementTree.fromstring(data)  # noqa: S314 - DOCTYPE and ENTITY were refused just above
        except ElementTree.ParseError:
            return None
        return "application/xml", ".xml"
    return None


def mark_issued(request: InvoiceRequest, user: User, *, number: str, filename: str, data: bytes) -> InvoiceRequest:
    if request.status == "issued":
        raise ServiceError(_l("This invoice is already marked issued."), status=409)
    number = (number or "").strip()
    if not re.match(r"^[0-9A-Za-z]{8,40}$", number):
        raise ServiceError(_l("The invoice number has 8 to 40 letters and digits."), field="invoice_number")
    if not data:
        raise ServiceError(_l("Attach the electronic invoice (PDF, OFD or XML)."), field="file")
    if len(data) > MAX_INVOICE_FILE:
        raise ServiceError(_l("The file is larger than 5 MB."), field="file")
    kind = invoice_file_type(data)
    if kind is None:
        raise ServiceError(_l("This file is not a PDF, OFD or XML invoice."), field="file")
    key, sha = store_bytes(data, kind[1])
    request.status, request.invoice_number, request.issued_at, request.issued_by_id = "issued", number, utcnow(), \
        user.id
    request.file_key, request.file_sha256, request.file_type = key, sha, kind[0]
    request.file_name = f"invoice-{number}{kind[1]}"
    add_event(request.bill.ticket, user, "invoice_issued", customer_visible=True, data={"number": number})
    db.session.flush()
    return request


def pending_invoice_requests(limit: int = 200) -> list[InvoiceRequest]:
    return list(db.session.scalars(db.select(InvoiceRequest).where(InvoiceRequest.status == "pending")
                                   .order_by(InvoiceRequest.id).limit(limit)))
