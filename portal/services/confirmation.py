"""The plain dict the service confirmation is rendered from, every value formatted and nothing lazy: signed (with
the acceptance's evidence) or, before signing, the preview of the same document."""
import json

from flask import current_app

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Acceptance, Attachment, Inspection, Ticket, Visit, WorkRecord
from portal.services import billing, coverage
from portal.services.documents import (
    bill_block,
    company_block,
    customer_block,
    fmt_time,
    generated_at,
    parts_rows,
    product_block,
    qr_data_uri,
    skew_text,
    ticket_block,
    verify_url,
)
from portal.services.storage import read_bytes

PHOTOS_PER_INSPECTION = 4


def location_text(acceptance: Acceptance) -> str:
    if acceptance.latitude is None or acceptance.longitude is None:
        return ""
    text = f"{acceptance.latitude:.5f}, {acceptance.longitude:.5f}"
    if acceptance.location_accuracy_m is not None:
        text += f" (±{acceptance.location_accuracy_m:.0f} m)"
    return text


def _acceptance_block(acceptance: Acceptance | None, signature_png: bytes | None, summary_sha256: str) -> dict:
    if acceptance is None:  # the preview: nothing is signed yet
        return {"signer_name": "—", "signature_png": None, "comment": None, "functional_check": "",
                "customer_verification": "", "rating": None, "clock_skew": "", "clock_skew_flagged": False,
                "location": "", "remote": False, "client_signed_at": "", "server_received_at": "",
                "verification_code": "", "summary_sha256": summary_sha256}
    return {"signer_name": acceptance.signer_name, "signature_png": signature_png, "comment": acceptance.comment,
            "functional_check": acceptance.functional_check or "",
            "customer_verification": acceptance.customer_verification or "", "rating": acceptance.rating,
            "clock_skew": skew_text(acceptance.clock_skew_seconds), "clock_skew_flagged": acceptance.clock_skew_flagged,
            "location": location_text(acceptance), "remote": bool(acceptance.remote_link_id),
            "client_signed_at": fmt_time(acceptance.client_signed_at),
            "server_received_at": fmt_time(acceptance.server_received_at),
            "verification_code": acceptance.verification_code, "summary_sha256": acceptance.summary_sha256,
            "identity": identity_text(acceptance.remote_link)}


def identity_text(link) -> str:
    """How a signer on their own phone showed they are the contact: the code sent to the contact's e-mail."""
    if link is None or link.code_verified_at is None:
        return ""
    return (f"一次性验证码已发送至 {link.sent_to}，于 {fmt_time(link.code_verified_at)} 验证 · "
            f"One-time code sent to {link.sent_to}, confirmed at {fmt_time(link.code_verified_at)}")


def confirmation_context(ticket: Ticket, acceptance: Acceptance | None = None, signature_png: bytes | None = None,
                         summary_sha256: str = "") -> dict:
    """The confirmation of `acceptance`, or without one the preview of the summary `summary_sha256` shows."""
    inspections = db.session.scalars(
        db.select(Inspection).where(Inspection.ticket_id == ticket.id).order_by(Inspection.id)).all()
    photos = db.session.scalars(
        db.select(Attachment).where(Attachment.ticket_id == ticket.id, Attachment.purpose == "inspection")
        .order_by(Attachment.id)).all()
    by_inspection: dict[int, list[bytes]] = {}
    for photo in photos:
        bucket = by_inspection.setdefault(photo.inspection_id, [])
        if len(bucket) < PHOTOS_PER_INSPECTION:
            bucket.append(read_bytes(photo.storage_key))
    records = db.session.scalars(
        db.select(WorkRecord).where(WorkRecord.ticket_id == ticket.id).order_by(WorkRecord.id)).all()
    visits = db.session.scalars(
        db.select(Visit).where(Visit.ticket_id == ticket.id).order_by(Visit.id)).all()
    check_url = verify_url(acceptance.verification_code) if acceptance is not None else None
    engineer = acceptance.engineer if acceptance is not None else ticket.assignee
    return {
        "font_family": current_app.config["PDF_FONT_FAMILY"],
        "company": company_block(),
        "verify": {"url": check_url, "qr": qr_data_uri(check_url),
                   "page": f"{current_app.config['PUBLIC_BASE_URL']}/verify"} if check_url else None,
        "preview": acceptance is None,
        "ticket": ticket_block(ticket),
        "customer": customer_block(ticket, mask_contact=True),
        "product": product_block(ticket, coverage.service_day(ticket)),
        "engineer": {"name": engineer.name if engineer else ""},
        "visits": [{"arrived_at": fmt_time(v.arrived_at)} for v in visits if v.arrived_at],
        "inspections": [{"created_at": fmt_time(i.created_at), "findings": i.findings,
                         "photos": by_inspection.get(i.id, [])} for i in inspections],
        "work": [{"created_at": fmt_time(r.created_at), "work_done": r.work_done,
                  "labour_minutes": r.labour_minutes} for r in records],
        "parts": parts_rows(records),
        # The bill as signed (frozen in the acceptance's summary), or as it would be now on the preview.
        "bill": bill_block(json.loads(acceptance.summary).get("bill") if acceptance is not None
                           else billing.summary(billing.compute(ticket))),
        "acceptance": _acceptance_block(acceptance, signature_png, summary_sha256),
        "generated_at": generated_at(acceptance.server_received_at if acceptance is not None else utcnow()),
    }
