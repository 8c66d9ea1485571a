"""Payments recorded against a bill (not processed: cash, a transfer, a WeChat Pay / Alipay reference, or on
account for contract customers) and the customer's invoice requests, which the back office marks issued with the
e-invoice file attached."""
import re
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from xml.etree import ElementTree

from flask import current_app
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from sqlalchemy.orm import selectinload

from portal import labels, pdf
from portal.domain.money import fen_to_yuan
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Bill, InvoiceRequest, Payment, Ticket, User
from portal.services import ServiceError, billing, points
from portal.services.documents import (
    bilingual,
    bill_block,
    company_block,
    customer_block,
    fmt_time,
    generated_at,
    ticket_block,
)
from portal.services.events import add_event
from portal.services.localtime import local_today
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
        raise ServiceError(_l("More than the ¥%(due)s still to pay.", due=fen_to_yuan(bill.outstanding_fen)),
                           field="amount")
    payment = Payment(bill_id=bill.id, method=method, amount_fen=amount_fen, reference=reference,
                      recorded_by_id=user.id, client_recorded_at=client_recorded_at)
    db.session.add(payment)
    bill.paid_fen += amount_fen
    add_event(ticket, user, "payment_recorded", data={"method": method, "amount_fen": amount_fen})
    db.session.flush()
    if bill.outstanding_fen == 0 and ticket.customer is not None:
        # Seed 003: points for the paid service, per yuan and the tier's multiplier, once per ticket.
        tier = ticket.customer.tier_info
        points.earn_for_service(ticket.customer, ticket.id, bill.paid_fen, today=local_today(),
                                multiplier_percent=tier.points_percent if tier is not None else 100)
    return payment


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


# --- the back office's lists, the export, the bill PDF ---------------------------------------------------


def money_lists(*, bills: str = "unpaid", invoices: str = "pending", since: date | None = None,
                limit: int = 200) -> tuple[list[Bill], list[InvoiceRequest]]:
    """Bills (unpaid, or every bill with something to pay) and invoice requests (pending, issued, all), newest
    first, from `since` on."""
    bill_select = db.select(Bill).options(selectinload(Bill.customer), selectinload(Bill.ticket)).where(
        Bill.due_fen > 0).order_by(Bill.id.desc()).limit(limit)
    if bills == "unpaid":
        bill_select = bill_select.where(Bill.due_fen > Bill.paid_fen)
    request_select = db.select(InvoiceRequest).options(selectinload(InvoiceRequest.bill)).order_by(
        InvoiceRequest.id.desc()).limit(limit)
    if invoices in ("pending", "issued"):
        request_select = request_select.where(InvoiceRequest.status == invoices)
    if since is not None:
        start = datetime.combine(since, datetime.min.time(), tzinfo=UTC)
        bill_select = bill_select.where(Bill.created_at >= start)
        request_select = request_select.where(InvoiceRequest.created_at >= start)
    return list(db.session.scalars(bill_select)), list(db.session.scalars(request_select))


def export_xlsx(bills: list[Bill], requests: list[InvoiceRequest]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("账单 Bills")
    sheet.append(["账单号 Bill", "服务单 Ticket", "客户 Customer", "状态 Status", "应付 Due (CNY)", "已付 Paid (CNY)",
                  "未付 Outstanding (CNY)", "日期 Date"])
    for bill in bills:
        sheet.append([bill.number, bill.ticket.number, bill.customer.name, bill.status,
                      Decimal(bill.due_fen) / 100, Decimal(bill.paid_fen) / 100, Decimal(bill.outstanding_fen) / 100,
                      bill.created_at.date().isoformat()])
    sheet = book.create_sheet("发票申请 Invoice requests")
    sheet.append(["账单号 Bill", "类型 Kind", "抬头 Title", "税号 Tax number", "金额 Amount (CNY)", "状态 Status",
                  "发票号 Invoice number", "申请日期 Requested"])
    for request in requests:
        sheet.append([request.bill.number, request.kind, request.title, request.tax_number or "",
                      Decimal(request.bill.due_fen) / 100, request.status, request.invoice_number or "",
                      request.created_at.date().isoformat()])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def bill_lines_summary(bill: Bill) -> dict:
    """A stored bill as billing.summary gives a computed one (the pages and the PDF read either)."""
    totals = billing.stored_totals(bill)
    return {"lines": [{"kind": x.kind, "description": x.description, "ref": x.ref, "quantity": x.quantity,
                       "unit_price": x.unit_price_fen, "vat_bp": x.vat_bp, "amount": x.amount_fen, "payer": x.payer,
                       "reason": x.reason, "goodwill": x.goodwill_reason} for x in bill.lines],
            "gross": bill.gross_fen, "covered": bill.covered_fen, "due": bill.due_fen, "vat": bill.vat_fen,
            "vat_by_rate": [list(p) for p in totals.vat_by_rate],
            "contract": bill.contract.number if bill.contract else None, "problems": [],
            "sanbao_until": bill.sanbao_until.isoformat() if bill.sanbao_until else None,
            "travel_minutes": bill.travel_minutes}


def bill_pdf(bill: Bill, mask_contact: bool = True) -> bytes:
    ticket = bill.ticket
    ctx = {"font_family": current_app.config["PDF_FONT_FAMILY"], "company": company_block(),
           "ticket": ticket_block(ticket), "customer": customer_block(ticket, mask_contact=mask_contact),
           "number": bill.number, "status": bilingual(labels.BILL_STATUS, bill.status),
           "signed_at": fmt_time(bill.signed_at) if bill.signed_at else "",
           "bill": bill_block(bill_lines_summary(bill)),
           "payments": [{"method": bilingual(labels.PAYMENT_METHOD, p.method), "amount": fen_to_yuan(p.amount_fen),
                         "reference": p.reference or "", "at": fmt_time(p.created_at)} for p in bill.payments],
           "paid": fen_to_yuan(bill.paid_fen), "outstanding": fen_to_yuan(bill.outstanding_fen),
           "generated_at": generated_at(utcnow())}
    return pdf.render_pdf("bill.html", ctx)
