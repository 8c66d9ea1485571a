"""The engineer's phone: my jobs, the job page and the on-site forms, and the customer's signature."""
from flask import Blueprint

bp = Blueprint("engineer", __name__, url_prefix="/m")

from portal.engineer import steps, views  # noqa: E402,F401
