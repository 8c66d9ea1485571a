"""Sign-in and sign-out."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from portal.auth import links, track, views  # noqa: E402,F401
