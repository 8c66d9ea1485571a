"""File downloads. The stored bytes go out unchanged; nothing is re-rendered on download."""
from flask import abort, send_file

from portal.documents.blueprint import bp
from portal.domain.roles import EVERY_ROLE
from portal.services import images
from portal.services.storage import derived, path_of
from portal.web.access import load_attachment, load_document, roles_required
from portal.web.headers import private_file


@bp.get("/attachments/<int:attachment_id>")
@roles_required(*EVERY_ROLE)
def attachment(attachment_id: int):
    item = load_attachment(attachment_id)
    response = send_file(path_of(item.storage_key), mimetype=item.content_type, download_name=item.filename,
                         etag=item.sha256, conditional=True)
    return private_file(response)


@bp.get("/attachments/<int:attachment_id>/thumb")
@roles_required(*EVERY_ROLE)
def thumbnail(attachment_id: int):
    """A 320 px copy for photo strips: a phone on weak signal loads kilobytes, not the whole photo."""
    item = load_attachment(attachment_id)
    if not item.content_type.startswith("image/"):
        abort(404)
    response = send_file(derived(item.storage_key, "thumb.jpg", images.thumbnail), mimetype="image/jpeg",
                         etag=f"{item.sha256}-thumb", conditional=True)
    return private_file(response)


@bp.get("/documents/<int:document_id>")
@roles_required(*EVERY_ROLE)
def document(document_id: int):
    item = load_document(document_id)
    response = send_file(path_of(item.storage_key), mimetype="application/pdf", as_attachment=True,
                         download_name=item.filename, etag=item.sha256, conditional=True)
    return private_file(response)
