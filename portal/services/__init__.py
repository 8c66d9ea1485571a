"""Use cases. They change state and flush; the request commits once (portal.web.forms.commit).

A service may use the services listed before it in ORDER, never one after it: the lower ones know nothing of
the higher ones, and there is no cycle (tests/unit/test_layers.py holds the code to this)."""
from flask_babel import lazy_gettext as _l

from portal.domain import stale

ORDER = (
    # Plumbing that knows no other service.
    "signals", "kept", "localtime", "charts", "exports", "presence", "storage", "images", "ticket_files", "tokens",
    "security_log", "jobs", "mailer", "resolution_links", "visit_calendar", "knowledge", "routing", "coverage",
    "documents", "customer_data", "customers", "tiers", "customer_records", "catalogue", "price_lists",
    "organisation", "imports", "import_runs",
    # Loyalty points: a ledger that knows no ticket use case, and the points a bill holds on it.
    "points", "bill_points",
    # The ticket's timeline (telling the inbox and the channels), its workflow moves and its SLA clocks.
    "wechat", "inbox", "preferences", "message_texts", "provider_templates", "events", "transitions", "sla",
    "entitlement", "rollup", "stats_read", "stats", "defects", "dashboard",
    # Use cases, lower ones first.
    "tickets", "bulk", "queue", "dispatch", "fieldwork", "intake", "conflicts", "selfservice", "billing", "payments",
    "sessions", "two_factor", "accounts", "batch", "confirmation", "reports", "acceptance", "remote_signing",
    "callbacks", "replies", "mail_replies", "device_labels", "checkins", "proactive", "monthly", "desk_work",
    "resolution",
    # Service modes (issue 14).
    "remote", "depot", "rma",
    # Visits moved, cancelled and booked by customers (issue 13).
    "visits",
)


class ServiceError(Exception):
    """A request the rules refuse; `message` is shown to the user, `status` answers HTTP clients, `field` names
    the form field it is about (None: the form as a whole)."""

    def __init__(self, message, status: int = 422, field: str | None = None):
        super().__init__(str(message))
        self.message, self.status, self.field = message, status, field


class StaleEdit(ServiceError):
    """Someone saved the record after the form was opened: `current` holds what it says now."""

    def __init__(self, current: dict):
        super().__init__(_l("Someone else changed this record meanwhile. Check the current values below and "
                            "save again."), status=409)
        self.current = current


def check_fresh(record, fields, seen: str | None) -> None:
    """Refuse a master-data form opened on other values than `record` holds now (portal.domain.stale)."""
    if record is not None:
        current = {f: getattr(record, f) for f in fields}
        if stale.is_stale(seen, current):
            raise StaleEdit(current)
