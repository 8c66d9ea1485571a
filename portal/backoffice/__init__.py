"""The desk: intake, the queue, triage and assignment (agents, supervisors, back office)."""
from flask import Blueprint

bp = Blueprint("backoffice", __name__, url_prefix="/desk")

# Who uses the desk: agents and supervisors work tickets, back office reads and prints, supervisors dispatch.
DESK = ("agent", "supervisor", "admin")
STAFF = DESK + ("backoffice",)
SUPERVISORS = ("supervisor", "admin")

from portal.backoffice import bulk, customers, dispatch, intake, printing, selfservice, sla_admin, views  # noqa: E402,F401
