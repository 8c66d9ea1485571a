"""The desk: intake, the queue, triage and assignment (agents, supervisors, back office)."""
from flask import Blueprint

bp = Blueprint("backoffice", __name__, url_prefix="/desk")

from portal.backoffice import bulk, customers, dispatch, intake, printing, selfservice, sla_admin, views  # noqa: E402,F401
