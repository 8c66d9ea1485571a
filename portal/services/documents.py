"""What every stored document gets: the company's seal when one is configured, and a verify link."""
import threading
from pathlib import Path

import segno
from flask import current_app

from portal.pdf.seal import Seal

_lock = threading.Lock()


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
