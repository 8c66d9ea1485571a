"""What every printed document shares: the company header, the ticket, customer, product and parts blocks with
their formatting, and for stored documents the company's seal and a verify link. The confirmation and the back
office's documents are built from these, so a fact reads the same on each."""
import threading
from datetime import date, datetime
from pathlib import Path

import segno
from flask import current_app
from flask_babel import force_locale

from portal import labels
from portal.domain.money import fen_to_yuan
from portal.domain.pricing import bp_to_percent
from portal.domain.privacy import mask_phone
from portal.domain.warranty import WarrantyStatus
from portal.models import Ticket, WorkRecord
from portal.pdf.seal import Seal
from portal.services import coverage
from portal.services.localtime import local, zone

_lock = threading.Lock()


# ---- Formatting ------------------------------------------------------------------------------------------

def fmt_time(moment: datetime | None) -> str:
    return local(moment).strftime("%Y-%m-%d %H:%M:%S") if moment is not None else ""


def fmt_date(day: date | None) -> str:
    return day.isoformat() if day else ""


def zone_note(moment: datetime) -> str:
    """Printed once under the document: the zone every time on it is given in."""
    offset = local(moment).strftime("%z")
    return f"时区 Time zone: {zone().key} (UTC{offset[:3]}:{offset[3:]})"


def bilingual(table: dict, code: str | None) -> str:
    """'中文 English' for a code, as the printed copy serves readers of both languages."""
    if not code or code not in table:
        return code or ""
    with force_locale("zh_CN"):
        zh = str(table[code])
    with force_locale("en"):
        en = str(table[code])
    return zh if zh == en else f"{zh} {en}"


def warranty_text(status: WarrantyStatus) -> str:
    if status.basis == "unknown":
        return "未知 Unknown"
    if status.covered:
        return f"保修期内 In warranty (至 until {status.end.isoformat()})"
    return f"已过保 Out of warranty (至 until {status.end.isoformat()})"


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


# ---- Blocks ----------------------------------------------------------------------------------------------

def company_block() -> dict:
    config = current_app.config
    return {"name": config["COMPANY_NAME"], "address": config["COMPANY_ADDRESS"], "phone": config["COMPANY_PHONE"],
            "logo": logo_bytes()}


def ticket_block(ticket: Ticket) -> dict:
    return {"number": ticket.number, "created_at": fmt_time(ticket.created_at),
            "channel": bilingual(labels.CHANNEL, ticket.channel),
            "category": bilingual(labels.CATEGORY, ticket.category),
            "priority": ticket.priority or "", "description": ticket.description}


def customer_block(ticket: Ticket, *, mask_contact: bool) -> dict:
    """`mask_contact` for documents that leave the office; the back office calls the customer back."""
    return {"name": ticket.customer.name, "contact_name": ticket.contact_name,
            "contact_phone": mask_phone(ticket.contact_phone) if mask_contact else ticket.contact_phone,
            "address": ticket.customer.address or ""}


def product_block(ticket: Ticket, on: date) -> dict:
    return {"model_code": ticket.product_model.code, "model_name": ticket.product_model.name,
            "serial": ticket.serial, "purchase_date": fmt_date(ticket.purchase_date),
            "warranty": warranty_text(coverage.ticket_cover(ticket, on))}


def parts_rows(records: list[WorkRecord]) -> list[dict]:
    return [{"code": u.part.code, "name": u.part.name, "quantity": u.quantity, "removed_serial": u.removed_serial,
             "installed_serial": u.installed_serial, "chargeable": u.chargeable,
             "warranty_until": fmt_date(u.warranty_until)}
            for r in records for u in r.parts]


def generated_at(moment: datetime) -> str:
    return f"{fmt_time(moment)} · {zone_note(moment)}"


# ---- Stored documents ------------------------------------------------------------------------------------

def seal_files(config) -> tuple[str, str] | None:
    """The configured seal's key and certificate, when both files are there."""
    key, cert = config.get("PDF_SEAL_KEY"), config.get("PDF_SEAL_CERT")
    if not key or not cert or not Path(key).is_file() or not Path(cert).is_file():
        return None
    return key, cert


def company_seal() -> Seal | None:
    """The configured seal, loaded once per process; None when no key and certificate are there."""
    files = seal_files(current_app.config)
    if files is None:
        return None
    key, cert = files
    cache = current_app.extensions.setdefault("portal_seal", {})
    with _lock:
        if (key, cert) not in cache:
            cache[(key, cert)] = Seal(key, cert)
        return cache[(key, cert)]


def seal(pdf: bytes, reason: str) -> bytes:
    stamp = company_seal()
    if stamp is None:
        return pdf
    return stamp.apply(pdf, reason=reason, location=current_app.config["COMPANY_NAME"][:60])


def verify_url(code: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/verify/{code}"


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").png_data_uri(scale=4, border=2)


def logo_bytes() -> bytes | None:
    path = current_app.config.get("COMPANY_LOGO")
    if not path or not Path(path).is_file():
        return None
    return Path(path).read_bytes()


def bill_block(bill: dict | None) -> dict | None:
    """A bill summary (portal.services.billing.summary) as printed: amounts in yuan, payer and reason in both
    languages. None when there is nothing to bill."""
    if not bill or not bill.get("lines"):
        return None
    return {
        "lines": [{"description": line["description"] or bilingual(labels.LINE_KIND, line["kind"]),
                   "ref": line.get("ref") or "",
                   "quantity": f"{line['quantity']} 分钟 min" if line["kind"] in ("labour", "travel")
                   else str(line["quantity"]),
                   "unit_price": fen_to_yuan(line["unit_price"]) + {"labour": "/h", "travel": "/15 min"}.get(
                       line["kind"], ""),
                   "vat": f"{bp_to_percent(line['vat_bp'])}%", "amount": fen_to_yuan(line["amount"]),
                   "payer": bilingual(labels.PAYER, line["payer"]),
                   "reason": bilingual(labels.BILL_REASON, line["reason"]) + (
                       f" (≤ {bill['sanbao_until']})" if line["reason"] == "sanbao" and bill.get("sanbao_until")
                       else "")} for line in bill["lines"]],
        "travel_minutes": bill.get("travel_minutes"),
        "gross": fen_to_yuan(bill["gross"]), "covered": fen_to_yuan(bill["covered"]),
        "due": fen_to_yuan(bill["due"]), "contract": bill.get("contract") or "",
        "vat_by_rate": [(f"{bp_to_percent(rate)}%", fen_to_yuan(vat)) for rate, vat in bill.get("vat_by_rate", [])],
    }
