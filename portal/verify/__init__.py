"""The public verify page: anyone holding a confirmation checks it against the archived original."""
from flask import Blueprint

bp = Blueprint("verify", __name__, url_prefix="/verify")

from portal.verify import views  # noqa: E402,F401
