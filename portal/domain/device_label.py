"""Device labels, as pure rules: the short signed reference a label's QR code carries, reading it back out of
a scanned URL, and laying labels out on A4 sheets (3 columns by 8 rows)."""
import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

COLUMNS, ROWS = 3, 8
PER_SHEET = COLUMNS * ROWS
SIGNATURE_CHARS = 10  # 50 bits: guessing a valid label by trying is hopeless under the page's rate limit
_REF = re.compile(rf"^([1-9][0-9]{{0,11}})-([a-z2-7]{{{SIGNATURE_CHARS}}})$")
_IN_URL = re.compile(rf"/u/([1-9][0-9]{{0,11}}-[a-z2-7]{{{SIGNATURE_CHARS}}})(?:[/?#]|$)")


def signature(asset_id: int, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"device-label:{asset_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:SIGNATURE_CHARS]


def reference(asset_id: int, secret: str) -> str:
    """What follows /u/ in a label's URL: the unit's id and its signature, e.g. 42-k3v9x2m7qa."""
    return f"{asset_id}-{signature(asset_id, secret)}"


def read_reference(ref: str | None, secret: str) -> int | None:
    """The unit id of a genuine reference; None for anything made up or mistyped."""
    match = _REF.match((ref or "").strip().lower())
    if match is None:
        return None
    asset_id = int(match.group(1))
    return asset_id if hmac.compare_digest(match.group(2), signature(asset_id, secret)) else None


def reference_in(text: str | None) -> str | None:
    """The reference inside whatever a QR reader returned (the whole URL, whichever host printed it)."""
    match = _IN_URL.search((text or "").strip())
    return match.group(1) if match else None


@dataclass(frozen=True)
class Sheet:
    rows: list[list]  # ROWS rows of COLUMNS cells; None where the sheet is not full


def sheets(labels: list, skip: int = 0) -> list[Sheet]:
    """`labels` on A4 sheets, left to right and top to bottom; `skip` cells left empty at the start, so that a
    sheet already partly used can go through the printer again."""
    cells = [None] * (skip % PER_SHEET) + list(labels)
    pages = []
    for start in range(0, max(len(cells), 1), PER_SHEET):
        page = cells[start:start + PER_SHEET]
        page += [None] * (PER_SHEET - len(page))
        pages.append(Sheet(rows=[page[r * COLUMNS:(r + 1) * COLUMNS] for r in range(ROWS)]))
    return pages
