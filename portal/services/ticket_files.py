"""Files the desk adds to a ticket's internal notes and customer-visible replies: photos (re-encoded like every
photo), short mp4 videos and PDFs. Each is recognised by its content, never by its name or the browser's type:
an mp4 by its ISO-BMFF `ftyp` box naming an mp4 brand, a PDF by its header and by pypdf reading its pages."""
import io

from flask import current_app
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from portal.extensions import db
from portal.models import Attachment, Ticket, User
from portal.services import ServiceError
from portal.services.images import NOT_A_PHOTO, prepare_photo
from portal.services.storage import store_bytes

# Major or compatible brands of an ftyp box that make the file an MP4 a browser plays (QuickTime's "qt  " alone
# does not).
MP4_BRANDS = frozenset({b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ",
                        b"mmp4", b"dash", b"MSNV"})
MAX_FILES = 6


def is_mp4(data: bytes) -> bool:
    """An ISO-BMFF file whose first box is `ftyp` with an mp4 major or compatible brand."""
    if len(data) < 16 or data[4:8] != b"ftyp":
        return False
    size = int.from_bytes(data[:4], "big")
    if size < 16 or size > min(len(data), 4096) or size % 4:
        return False
    brands = [data[8:12]] + [data[i:i + 4] for i in range(16, size, 4)]
    return any(b in MP4_BRANDS for b in brands)


def _pdf_pages(data: bytes) -> int:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ServiceError(_l("A password-protected PDF cannot be checked: attach it without a password."),
                               field="photos")
        return len(reader.pages)
    except ServiceError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError):
        return 0


def _mb(limit: int) -> int:
    return limit // (1024 * 1024)


def check(data: bytes, filename: str) -> tuple[bytes, str, str, int | None, int | None]:
    """(bytes to store, content type, file name, width, height) or a ServiceError said next to the file field."""
    base = (filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0] or "file")[:150]
    config = current_app.config
    if data[4:8] == b"ftyp":
        if len(data) > config["MAX_VIDEO_BYTES"]:
            raise ServiceError(_l("The video is larger than %(mb)s MB: send a shorter clip.",
                                  mb=_mb(config["MAX_VIDEO_BYTES"])), status=413, field="photos")
        if not is_mp4(data):
            raise ServiceError(_l("Only MP4 videos can be attached (this one is another format)."), field="photos")
        return data, "video/mp4", base + ".mp4", None, None
    if data.startswith(b"%PDF-"):
        if len(data) > config["MAX_PDF_BYTES"]:
            raise ServiceError(_l("The PDF is larger than %(mb)s MB.", mb=_mb(config["MAX_PDF_BYTES"])),
                               status=413, field="photos")
        if _pdf_pages(data) < 1:
            raise ServiceError(_l("This PDF is damaged or empty and cannot be opened."), field="photos")
        return data, "application/pdf", base + ".pdf", None, None
    try:
        image = prepare_photo(data)
    except ServiceError as refused:
        refused.field = refused.field or "photos"
        if str(refused.message) == str(NOT_A_PHOTO):
            refused.message = _l("Attach photos, MP4 videos or PDFs: %(name)s is none of them.", name=base)
        raise
    return image.data, image.content_type, base + ".jpg", image.width, image.height


SUFFIX = {"video/mp4": ".mp4", "application/pdf": ".pdf", "image/jpeg": ".jpg"}


def attach_files(ticket: Ticket, files, user: User | None, purpose: str) -> list[Attachment]:
    """Check and store every file, then add them to the ticket (nothing stored is referenced if one is refused:
    the request's transaction is rolled back)."""
    files = [f for f in files if f and f.filename]
    if len(files) > MAX_FILES:
        raise ServiceError(_l("At most %(num)d files at once.", num=MAX_FILES), field="photos")
    attachments = []
    for upload in files:
        data = upload.read()
        if not data:
            raise ServiceError(_l("The file is empty."), field="photos")
        stored, content_type, name, width, height = check(data, upload.filename)
        key, digest = store_bytes(stored, SUFFIX[content_type])
        attachment = Attachment(ticket=ticket, uploaded_by_id=user.id if user else None, purpose=purpose,
                                filename=name, content_type=content_type, size=len(stored), sha256=digest,
                                storage_key=key, width=width, height=height)
        db.session.add(attachment)
        attachments.append(attachment)
    db.session.flush()
    return attachments


def described(attachments: list[Attachment]) -> list[dict]:
    """What an event keeps of its files, so that a timeline draws them without reading the attachments."""
    return [{"id": a.id, "name": a.filename, "type": a.content_type} for a in attachments]
