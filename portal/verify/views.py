"""Check a service confirmation by its verification code: who signed, when, and the file's SHA-256.
Reveals nothing else (no contact data); an uploaded PDF is hashed in memory and never stored.

The archived file itself is checked on every lookup: re-hashed against its record and its seal validated,
so a file changed on disk shows as changed instead of the database's word being taken for it."""
import hashlib
import re

from flask import current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from portal.extensions import db
from portal.models import Acceptance, Document, Ticket
from portal.pdf.seal import SealCheck, check_seal
from portal.services.documents import seal_files
from portal.services.storage import read_bytes
from portal.verify.blueprint import bp
from portal.web.access import public
from portal.web.ratelimit import limiter
from portal.web.render import render

CODE_CHARS = re.compile(r"[^0-9A-Z]")
# Anyone may use this page: enough for a person checking a few documents, too few to walk the code space
# or to keep the server hashing uploads.
LOOKUPS, UPLOADS = "60 per minute", "10 per 15 minutes"
MAX_PDF_BYTES = 10 * 1024 * 1024


class CodeForm(FlaskForm):
    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(max=40)])


class UploadForm(FlaskForm):
    pdf = FileField(_l("The PDF you received"), validators=[FileRequired(_l("Choose the PDF file."))])


def normalise(code: str) -> str:
    return CODE_CHARS.sub("", (code or "").upper())[:20]


def _record(code: str):
    """(acceptance, ticket, document) for a code, or None."""
    row = db.session.execute(
        db.select(Acceptance, Ticket, Document)
        .join(Ticket, Ticket.id == Acceptance.ticket_id)
        .join(Document, (Document.acceptance_id == Acceptance.id) & (Document.kind == "confirmation"))
        .where(Acceptance.verification_code == code)).first()
    return row


def _stored(document: Document) -> bytes | None:
    """The archived file, or None when it is gone or unreadable."""
    try:
        return read_bytes(document.storage_key)
    except (OSError, ValueError):
        return None


def archive_check(document: Document, ticket_number: str) -> tuple[bool, SealCheck | None]:
    """(whether the stored file still is the one recorded, its seal check or None)."""
    stored = _stored(document)
    intact = stored is not None and hashlib.sha256(stored).hexdigest() == document.sha256
    if not intact:
        current_app.logger.error("the archived confirmation of %s does not match its record", ticket_number)
    files = seal_files(current_app.config)
    seal = check_seal(stored, our_cert=files[1] if files else None) if stored is not None else None
    return intact, seal


@bp.route("", methods=["GET"])
@public
@limiter.limit(LOOKUPS)
def start():
    form = CodeForm(request.args, meta={"csrf": False})
    if request.args.get("code"):
        if form.validate() and normalise(form.code.data):
            return redirect(url_for("verify.check", code=normalise(form.code.data)))
        form.code.errors = [_l("Enter the code printed on the confirmation.")]
    return render("verify/start.html", form=form, http_status=422 if form.code.errors else 200)


@bp.route("/<code>", methods=["GET", "POST"])
@public
@limiter.limit(LOOKUPS)
@limiter.limit(UPLOADS, methods=["POST"])
def check(code: str):
    clean = normalise(code)
    if clean != code:
        return redirect(url_for("verify.check", code=clean))
    found = _record(clean)
    if found is None:
        return render("verify/start.html", form=CodeForm(data={"code": code}, meta={"csrf": False}),
                      unknown=True, http_status=404)
    acceptance, ticket, document = found
    archive_intact, seal = archive_check(document, ticket.number)
    form = UploadForm()
    result = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            upload = form.pdf.data.stream.read(MAX_PDF_BYTES + 1)
            if len(upload) > MAX_PDF_BYTES:
                form.pdf.errors.append(_l("The file is larger than %(mb)s MB.", mb=MAX_PDF_BYTES // 2**20))
                status = 413
            else:
                digest = hashlib.sha256(upload).hexdigest()
                result = {"identical": digest == document.sha256, "sha256": digest, "size": len(upload)}
                current_app.logger.info("verify upload for %s: identical=%s", ticket.number, result["identical"])
        else:
            status = 422
    return render("verify/check.html", ticket_number=ticket.number, acceptance=acceptance, document=document,
                  archive_intact=archive_intact, seal=seal, form=form, result=result, http_status=status)
