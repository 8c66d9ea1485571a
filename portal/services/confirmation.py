"""The plain dict the confirmation PDF is rendered from: every value formatted, nothing lazy."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale

from portal import labels
from portal.domain.privacy import mask_phone
from portal.domain.warranty import in_warranty
from portal.extensions import db
from portal.models import Attachment, Inspection, Visit, WorkRecord
from portal.services.documents import logo_bytes, qr_data_uri, verify_url
from portal.services.storage import read_bytes

PHOTOS_PER_INSPECTION = 4


def fmt_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def zone_note(moment: datetime) -> str:
    """Printed once under the document: the zone every time on it is given in."""
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    offset = moment.astimezone(tz).strftime("%z")
    return f"时区 Time zone: {tz.key} (UTC{offset[:3]}:{offset[3:]})"


def fmt_date(day: date | None) -> str:
    return day.isoformat() if day else ""


def bilingual(table: dict, code: str | None) -> str:
    """'中文 English' for a code, as the printed copy serves readers of both languages."""
    if not code or code not in table:
        return code or ""
    with force_locale("zh_CN"):
        zh = str(table[code])
    with force_locale("en"):
        en = str(table[code])
    return zh if zh == en else f"{zh} {en}"


def warranty_text(ticket, today: date) -> str:
    asset = ticket.asset
    end = None
    if asset is not None:
        end = max(filter(None, [asset.warranty_end, asset.extended_warranty_end]), default=None)
    if end is None:
        return "未知 Unknown"
    if in_warranty(end, today):
        return f"保修期内 In warranty (至 until {end.isoformat()})"
    return f"已过保 Out of warranty (至 until {end.isoformat()})"


def skew_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    sign = "+" if seconds >= 0 else "-"
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min" if minutes else "",
             f"{secs} s" if secs and not days else ""]
    return sign + " ".join(p for p in parts if p) if any(parts) else "0 s"


def location_text(acceptance) -> str:
    if acceptance.latitude is None or acceptance.longitude is None:
        return ""
    text = f"{acceptance.latitude:.5f}, {acceptance.longitude:.5f}"
    if acceptance.location_accuracy_m is not None:
        text += f" (±{acceptance.location_accuracy_m:.0f} m)"
    return text


def confirmation_context(ticket, acceptance, signature_png: bytes | None, preview: bool = False) -> dict:
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
    config = current_app.config
    check_url = None if preview else verify_url(acceptance.verification_code)
    return {
        "company": {"name": config["COMPANY_NAME"], "address": config["COMPANY_ADDRESS"],
                    "phone": config["COMPANY_PHONE"], "logo": logo_bytes()},
        "verify": {"url": check_url, "qr": qr_data_uri(check_url),
                   "page": f"{config['PUBLIC_BASE_URL']}/verify"} if check_url else None,
        "preview": preview,
        "ticket": {"number": ticket.number, "created_at": fmt_time(ticket.created_at),
                   "channel": bilingual(labels.CHANNEL, ticket.channel),
                   "category": bilingual(labels.CATEGORY, ticket.category),
                   "priority": ticket.priority or "", "description": ticket.description},
        "customer": {"name": ticket.customer.name, "contact_name": ticket.contact_name,
                     "contact_phone": mask_phone(ticket.contact_phone), "address": ticket.customer.address},
        "product": {"model_code": ticket.product_model.code, "model_name": ticket.product_model.name,
                    "serial": ticket.serial, "purchase_date": fmt_date(ticket.purchase_date),
                    "warranty": warranty_text(ticket, acceptance.server_received_at.date())},
        "engineer": {"name": acceptance.engineer.name if acceptance.engineer else ""},
        "visits": [{"arrived_at": fmt_time(v.arrived_at)} for v in visits if v.arrived_at],
        "inspections": [{"created_at": fmt_time(i.created_at), "findings": i.findings,
                         "photos": by_inspection.get(i.id, [])} for i in inspections],
        "work": [{"created_at": fmt_time(r.created_at), "work_done": r.work_done,
                  "labour_minutes": r.labour_minutes} for r in records],
        "parts": [{"code": u.part.code, "name": u.part.name, "quantity": u.quantity,
                   "removed_serial": u.removed_serial, "installed_serial": u.installed_serial,
                   "chargeable": u.chargeable, "warranty_until": fmt_date(u.warranty_until)}
                  for r in records for u in r.parts],
        "acceptance": {"signer_name": acceptance.signer_name, "signature_png": signature_png,
                       "comment": acceptance.comment,
                       "functional_check": acceptance.functional_check or "",
                       "customer_verification": acceptance.customer_verification or "",
                       "rating": acceptance.rating,
                       "clock_skew": skew_text(acceptance.clock_skew_seconds),
                       "clock_skew_flagged": acceptance.clock_skew_flagged,
                       "location": location_text(acceptance),
                       "remote": bool(acceptance.remote_link_id),
                       "client_signed_at": fmt_time(acceptance.client_signed_at),
                       "server_received_at": fmt_time(acceptance.server_received_at),
                       "verification_code": acceptance.verification_code,
                       "summary_sha256": acceptance.summary_sha256},
        "generated_at": f"{fmt_time(acceptance.server_received_at)} · {zone_note(acceptance.server_received_at)}",
    }
