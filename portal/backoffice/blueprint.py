"""The backoffice blueprint object, which its route modules register on."""
from flask import Blueprint

bp = Blueprint("backoffice", __name__, url_prefix="/desk")
