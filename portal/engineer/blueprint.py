"""The engineer blueprint object, which its route modules register on."""
from flask import Blueprint

bp = Blueprint("engineer", __name__, url_prefix="/m")
