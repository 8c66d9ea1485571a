"""Printed documents of the back office, rendered on demand: the intake receipt for depot repairs, the
internal service report, and batches of reports in one PDF. Each context is a plain dict."""
from datetime import datetime

from flask import current_app
from sqlalchemy.orm import joinedload, selectinload

from portal import labels, pdf
from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import (
    Acceptance,
    Diagnosis,
    Inspection,
    Loaner,
    PartUsage,
    ServicePoint,
    Ticket,
    TicketEvent,
    WorkRecord,
)
from portal.services.documents import (
    bilingual,
    company_block,
    customer_block,
    fmt_time,
    generated_at,
    parts_rows,
    product_block,
    skew_text,
    ticket_block,
)
from portal.services.localtime import local_today


def _duration(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return ""
    seconds = max(0, int((as_utc(end) - as_utc(start)).total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    return " ".join(p for p in (f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min")
                    if p)



def _base(ticket: Ticket, *, mask_contact: bool = False) -> dict:
    """Internal documents: the back office calls the customer back, so the phone is printed in full unless
    `mask_contact` (a customer's colleague reads it)."""
    return {
        "font_family": current_app.config["PDF_FONT_FAMILY"],
        "company": company_block(),
        "ticket": {**ticket_block(ticket), "status": bilingual(labels.STATUS, ticket.status),
                   "priority_reason": ticket.priority_reason or "", "accessories": ticket.accessories or "",
                   "condition": ticket.condition or "", "engineer": ticket.assignee.name if ticket.assignee else "",
                   "received_by": ticket.created_by.name if ticket.created_by else ""},
        "customer": customer_block(ticket, mask_contact=mask_contact),
        "product": product_block(ticket, local_today()),
        "generated_at": generated_at(utcnow()),
    }


def receipt_context(ticket: Ticket, mask_contact: bool = False) -> dict:
    return _base(ticket, mask_contact=mask_contact)


def _event_label(kind: str) -> str:
    return bilingual(labels.EVENT, kind)


def report_context(ticket: Ticket) -> dict:
    ctx = _base(ticket)
    events = db.session.scalars(db.select(TicketEvent).options(joinedload(TicketEvent.actor))
                                .where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)).all()
    inspections = db.session.scalars(db.select(Inspection).options(joinedload(Inspection.created_by))
                                     .where(Inspection.ticket_id == ticket.id).order_by(Inspection.id)).all()
    diagnoses = db.session.scalars(db.select(Diagnosis).where(Diagnosis.ticket_id == ticket.id)
                                   .order_by(Diagnosis.id)).all()
    records = db.session.scalars(
        db.select(WorkRecord).options(selectinload(WorkRecord.parts).joinedload(PartUsage.part))
        .where(WorkRecord.ticket_id == ticket.id).order_by(WorkRecord.id)).all()
    loaners = db.session.scalars(db.select(Loaner).where(Loaner.ticket_id == ticket.id).order_by(Loaner.id)).all()
    acceptance = db.session.scalar(db.select(Acceptance).where(Acceptance.ticket_id == ticket.id))
    due = ticket.response_due_at
    ctx.update({
        "sla": {"created_at": fmt_time(ticket.created_at), "response_due_at": fmt_time(due),
                "first_response_at": fmt_time(ticket.first_response_at),
                "time_to_respond": _duration(ticket.created_at, ticket.first_response_at),
                "response_late": bool(due and ticket.first_response_at
                                      and as_utc(ticket.first_response_at) > as_utc(due)),
                "resolved_at": fmt_time(ticket.resolved_at), "closed_at": fmt_time(ticket.closed_at),
                "time_to_close": _duration(ticket.created_at, ticket.closed_at),
                "visits": ticket.visit_count, "reopened": ticket.reopen_count},
        "events": [{"created_at": fmt_time(e.created_at), "kind": _event_label(e.kind),
                    "actor": e.actor.name if e.actor else "", "body": e.body or "", "visible": e.customer_visible}
                   for e in events],
        "inspections": [{"created_at": fmt_time(i.created_at), "by": i.created_by.name if i.created_by else "",
                         "findings": i.findings, "checklist": sorted((i.checklist or {}).items())}
                        for i in inspections],
        "diagnoses": [{"created_at": fmt_time(d.created_at), "category": bilingual(labels.CAUSE, d.cause_category),
                       "cause": d.cause, "workaround": d.workaround or "", "fix": d.permanent_fix or "",
                       "estimate": " · ".join(p for p in (
                           f"{d.estimated_minutes} min" if d.estimated_minutes else "",
                           f"¥{d.estimated_cost}" if d.estimated_cost else "") if p)}
                      for d in diagnoses],
        "work": [{"created_at": fmt_time(r.created_at), "work_done": r.work_done, "labour_minutes": r.labour_minutes}
                 for r in records],
        "labour_total": sum(r.labour_minutes for r in records),
        "parts": parts_rows(records),
        "loaners": [{"description": loaner.description, "serial": loaner.serial,
                     "issued_at": fmt_time(loaner.issued_at), "returned_at": fmt_time(loaner.returned_at)}
                    for loaner in loaners],
        "acceptance": None if acceptance is None else {
            "signer_name": acceptance.signer_name, "verification_code": acceptance.verification_code,
            "client_signed_at": fmt_time(acceptance.client_signed_at),
            "server_received_at": fmt_time(acceptance.server_received_at),
            "skew": skew_text(acceptance.clock_skew_seconds), "skew_flagged": acceptance.clock_skew_flagged,
            "rating": f"{acceptance.rating}/5" if acceptance.rating else "", "comment": acceptance.comment or ""},
    })
    return ctx


def intake_receipt(ticket: Ticket, mask_contact: bool = False) -> bytes:
    """The receipt; `mask_contact` for a reader who is not the caller (a colleague at the customer)."""
    return pdf.render_pdf("intake_receipt.html", receipt_context(ticket, mask_contact))


def packing_note(ticket: Ticket, mask_contact: bool = False) -> bytes:
    """The note a depot customer puts in the box: the ticket, the service points' addresses, the unit."""
    ctx = _base(ticket, mask_contact=mask_contact)
    ctx["points"] = [{"name": p.name, "address": p.address, "phone": p.phone, "opening_hours": p.opening_hours}
                     for p in db.session.scalars(db.select(ServicePoint).where(ServicePoint.active.is_(True))
                                                 .order_by(ServicePoint.name))]
    return pdf.render_pdf("packing_note.html", ctx)


def service_report(ticket: Ticket) -> bytes:
    return pdf.render_pdf("service_report.html", report_context(ticket))


def report_batch(ticket_ids, progress=None) -> bytes:
    """One PDF with a report per ticket, in the order given; progress(done) after each one."""
    with pdf.Batch() as batch:
        for done, ticket_id in enumerate(ticket_ids, start=1):
            ticket = db.session.get(Ticket, ticket_id)
            if ticket is not None:
                batch.add("service_report.html", report_context(ticket))
            if progress is not None:
                progress(done)
        if not batch.documents:
            raise ValueError("no tickets to print")
        return batch.write()
