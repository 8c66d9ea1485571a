"""The auth blueprint object, which its route modules register on."""
from flask import Blueprint

bp = Blueprint("auth", __name__)
