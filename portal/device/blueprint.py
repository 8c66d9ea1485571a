"""The device blueprint object, which its route modules register on."""
from flask import Blueprint

bp = Blueprint("device", __name__, url_prefix="/u")
