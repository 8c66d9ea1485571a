"""Downloads of stored files: photos, signatures and PDF documents, each behind the ticket's access check."""
from flask import Blueprint

bp = Blueprint("documents", __name__, url_prefix="/files")

from portal.documents import views  # noqa: E402,F401
