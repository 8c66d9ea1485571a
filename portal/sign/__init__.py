"""Remote acceptance: the customer signs on their own phone from a single-use link, without an account."""
from flask import Blueprint

bp = Blueprint("sign", __name__, url_prefix="/sign")

from portal.sign import views  # noqa: E402,F401
