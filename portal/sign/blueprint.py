"""The sign blueprint object, which its route modules register on."""
from flask import Blueprint

bp = Blueprint("sign", __name__, url_prefix="/sign")
