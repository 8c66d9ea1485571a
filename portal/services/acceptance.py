"""The customer's signed acceptance (or refusal), remote signing links, and the confirmation PDF
rendered from an acceptance once."""
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from portal import pdf
from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import (
    Acceptance,
    Attachment,
    Diagnosis,
    Document,
    Inspection,
    RemoteAcceptanceLink,
    Ticket,
    User,
    Visit,
    WorkRecord,
)
from portal.services import ServiceError, billing, coverage, sla
from portal.services.confirmation import confirmation_context
from portal.services.documents import seal
from portal.services.events import add_event
from portal.services.fieldwork import current_visit
from portal.services.images import prepare_signature
from portal.services.storage import store_bytes
from portal.services.transitions import apply_action

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def work_summary(ticket: Ticket) -> dict:
    """What the customer is asked to accept, in a canonical form whose hash is recorded."""
    inspections = db.session.scalars(
        db.select(Inspection).where(Inspection.ticket_id == ticket.id).order_by(Inspection.id)).all()
    records = db.session.scalars(
        db.select(WorkRecord).where(WorkRecord.ticket_id == ticket.id).order_by(WorkRecord.id)).all()
    diagnoses = db.session.scalars(
        db.select(Diagnosis).where(Diagnosis.ticket_id == ticket.id).order_by(Diagnosis.id)).all()
    chargeable = [u.part.code for r in records for u in r.parts if u.chargeable]
    cover = coverage.ticket_cover(ticket, coverage.service_day(ticket))
    estimate = diagnoses[-1].estimated_cost if diagnoses and diagnoses[-1].estimated_cost else None
    return {
        "ticket": ticket.number,
        "customer": ticket.customer.name,
        "product": ticket.product_model.code,
        "serial": ticket.serial,
        "problem": ticket.description,
        "engineer": ticket.assignee.name if ticket.assignee else None,
        "findings": [i.findings for i in inspections],
        "causes": [{"category": d.cause_category, "cause": d.cause, "fix": d.permanent_fix or d.workaround}
                   for d in diagnoses],
        "work": [{"text": r.work_done, "minutes": r.labour_minutes} for r in records],
        "parts": [
            {"code": u.part.code, "quantity": u.quantity, "removed": u.removed_serial,
             "installed": u.installed_serial, "chargeable": u.chargeable,
             "warranty_until": u.warranty_until.isoformat() if u.warranty_until else None}
            for r in records for u in r.parts
        ],
        # What is known of the cost until prices exist: the warranty, the labour time, the chargeable parts and
        # the estimate given. Out of warranty, or with a chargeable part, the charge is still to be confirmed.
        "fees": {"in_warranty": cover.covered, "warranty_basis": cover.basis,
                 "warranty_until": cover.end.isoformat() if cover.end else None,
                 "labour_minutes": sum(r.labour_minutes for r in records), "chargeable_parts": chargeable,
                 "estimate": str(estimate) if estimate else None,
                 "to_be_confirmed": not cover.covered or bool(chargeable)},
        # The bill from the recorded work and parts (portal.services.billing): frozen as shown when signed.
        "bill": billing.summary(billing.compute(ticket)),
    }


def canonical(summary: dict) -> str:
    return json.dumps(summary, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def hash_of(summary: dict) -> str:
    return hashlib.sha256(canonical(summary).encode()).hexdigest()


def summary_hash(ticket: Ticket) -> str:
    return hash_of(work_summary(ticket))


def parse_client_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return as_utc(moment)


@dataclass
class Signing:
    """What the signing screen sends: the customer's answer and the evidence around it."""
    signer_name: str
    shown_summary_sha256: str
    signature_png: bytes | None = None
    client_signed_at: datetime | None = None
    client_sent_at: datetime | None = None
    functional_check: str | None = None
    customer_verification: str | None = None
    rating: int | None = None
    comment: str | None = None
    user_agent: str | None = None
    ip_address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None


def _check_summary(ticket: Ticket, shown: str) -> tuple[str, str]:
    summary = canonical(work_summary(ticket))
    digest = hashlib.sha256(summary.encode()).hexdigest()
    if shown != digest:
        raise ServiceError(_l("The work summary changed after it was shown. Please let the customer read "
                              "it again and sign."), status=409)
    return summary, digest


def _signer(engineer: User | None, link: RemoteAcceptanceLink | None) -> User | None:
    """Who acts in the workflow: the engineer on whose phone the customer signs, or (None) the customer
    signing through a remote link."""
    if (engineer is None) == (link is None):
        raise ValueError("either the engineer's phone or a remote link, not both")
    return engineer


def _require_confirmed_signer(link: RemoteAcceptanceLink | None) -> None:
    """Through a link, the signer first shows they read the contact's mailbox (portal.services.remote_signing)."""
    if link is not None and link.code_verified_at is None:
        raise ServiceError(_l("Enter the code we sent you first."), field="code")


def _signer_evidence(link: RemoteAcceptanceLink | None) -> dict:
    if link is None:
        return {}
    return {"code_sent_to": link.sent_to, "code_confirmed_at": as_utc(link.code_verified_at).isoformat()}


def accept_work(ticket: Ticket, engineer: User | None, signing: Signing,
                link: RemoteAcceptanceLink | None = None) -> Acceptance:
    """Close the ticket with the customer's signature, given on `engineer`'s phone or through `link`."""
    apply_action(ticket, "accept", _signer(engineer, link))
    _require_confirmed_signer(link)
    assignee = engineer or ticket.assignee
    summary, digest = _check_summary(ticket, signing.shown_summary_sha256)
    billing.freeze(ticket)
    if signing.client_signed_at is None:
        raise ServiceError(_l("The device did not send the signing time. Please sign again."))
    if not signing.signature_png:
        raise ServiceError(_l("Please sign in the box."))
    signature = prepare_signature(signing.signature_png)
    key, sha = store_bytes(signature.data, ".png")
    image = Attachment(ticket=ticket, uploaded_by_id=assignee.id, purpose="signature",
                       filename=f"signature-{ticket.number}.png", content_type=signature.content_type,
                       size=len(signature.data), sha256=sha, storage_key=key,
                       width=signature.width, height=signature.height)
    now = utcnow()
    # The skew between the phone's clock and ours, read when the request left the phone: an offline
    # replay arrives hours after signing, and that is not a wrong clock.
    device_now = signing.client_sent_at or signing.client_signed_at
    skew = round((now - device_now).total_seconds())
    acceptance = Acceptance(
        ticket_id=ticket.id, engineer_id=assignee.id, signature=image, signer_name=signing.signer_name,
        comment=signing.comment or None, client_signed_at=signing.client_signed_at, server_received_at=now,
        client_sent_at=signing.client_sent_at, clock_skew_seconds=skew,
        user_agent=(signing.user_agent or "")[:400] or None, ip_address=signing.ip_address, summary=summary,
        summary_sha256=digest, verification_code="".join(secrets.choice(CODE_ALPHABET) for _ in range(10)),
        functional_check=signing.functional_check, customer_verification=signing.customer_verification,
        rating=signing.rating, latitude=signing.latitude, longitude=signing.longitude,
        location_accuracy_m=signing.accuracy_m, remote_link_id=link.id if link else None,
    )
    db.session.add(acceptance)
    ticket.closed_at = now
    ticket.resolved_at = ticket.resolved_at or now
    if link is None:
        visit: Visit | None = current_visit(ticket, engineer)
        if visit is not None:
            visit.departed_at = now
    else:
        link.used_at = now
    add_event(ticket, engineer, "accepted", body=signing.signer_name, customer_visible=True,
              data={"rating": signing.rating, "remote": link is not None, "clock_skew_seconds": skew,
                    **_signer_evidence(link)})
    sla.refresh(ticket)
    db.session.flush()
    store_confirmation(ticket, acceptance, signature.data)
    return acceptance


def reject_work(ticket: Ticket, engineer: User | None, signing: Signing, reason: str,
                link: RemoteAcceptanceLink | None = None) -> None:
    """"Not satisfied": the ticket goes back to diagnosis, with the customer's reason on the timeline."""
    if not (reason or "").strip():
        raise ServiceError(_l("Tell us what is not right."), status=422)
    apply_action(ticket, "reject", _signer(engineer, link))
    _require_confirmed_signer(link)
    _check_summary(ticket, signing.shown_summary_sha256)
    ticket.reopen_count += 1
    ticket.resolved_at = None
    if link is not None:
        link.used_at = utcnow()
    add_event(ticket, engineer, "rejected", body=reason.strip(), customer_visible=True,
              data={"signer_name": signing.signer_name, "rating": signing.rating, "remote": link is not None,
                    "functional_check": signing.functional_check, **_signer_evidence(link)})
    sla.refresh(ticket)


def store_confirmation(ticket: Ticket, acceptance: Acceptance, signature_png: bytes) -> Document:
    """Render the confirmation once; every later download returns these stored bytes."""
    data = seal(pdf.render_confirmation(confirmation_context(ticket, acceptance, signature_png)),
                reason=f"Service confirmation {ticket.number}")
    key, sha = store_bytes(data, ".pdf")
    document = Document(ticket_id=ticket.id, acceptance_id=acceptance.id, kind="confirmation", version=1,
                        filename=f"{ticket.number}-confirmation.pdf", size=len(data), sha256=sha,
                        storage_key=key)
    db.session.add(document)
    return document


def preview_html(ticket: Ticket) -> str:
    """The confirmation as it will print, before the customer signs: the same document, unsigned."""
    return pdf.render_html(confirmation_context(ticket, summary_sha256=summary_hash(ticket)))
