"""The documents blueprint object, which its route modules register on."""
from flask import Blueprint

bp = Blueprint("documents", __name__, url_prefix="/files")
