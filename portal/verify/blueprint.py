"""The verify blueprint object, which its route modules register on."""
from flask import Blueprint

bp = Blueprint("verify", __name__, url_prefix="/verify")
