"""The customer's own view of their tickets and documents."""
from flask import Blueprint

bp = Blueprint("customer", __name__, url_prefix="/my")

from portal.customer import account, actions, follow, requests, views  # noqa: E402,F401
