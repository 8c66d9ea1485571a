"""The customer blueprint object, which its route modules register on."""
from flask import Blueprint

bp = Blueprint("customer", __name__, url_prefix="/my")
