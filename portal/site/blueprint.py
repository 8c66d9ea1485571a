"""The site blueprint object, which its route modules register on."""
from flask import Blueprint

bp = Blueprint("site", __name__)
