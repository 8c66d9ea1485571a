"""Use cases. They change state and flush; the request commits once (portal.web.forms.commit).

A service may use the services listed before it in ORDER, never one after it: the lower ones know nothing of
the higher ones, and there is no cycle (tests/unit/test_layers.py holds the code to this)."""

ORDER = (
    # Plumbing that knows no other service.
    "localtime", "charts", "exports", "presence", "storage", "images", "tokens", "security_log", "jobs", "mailer",
    "visit_calendar", "knowledge", "routing", "coverage", "documents", "customer_data", "customers", "tiers",
    "customer_records", "catalogue", "price_lists", "organisation", "imports",
    # Loyalty points: a ledger that knows no ticket use case.
    "points",
    # The ticket's timeline (telling the inbox and the channels), its workflow moves and its SLA clocks.
    "wechat", "inbox", "preferences", "message_texts", "events", "transitions", "sla", "stats", "defects", "dashboard",
    # Use cases, lower ones first.
    "tickets", "bulk", "queue", "dispatch", "fieldwork", "intake", "conflicts", "selfservice", "billing", "payments",
    "sessions", "two_factor", "accounts", "batch", "confirmation", "reports", "acceptance", "remote_signing",
    "callbacks", "replies", "device_labels", "checkins", "proactive", "monthly",
)


class ServiceError(Exception):
    """A request the rules refuse; `message` is shown to the user, `status` answers HTTP clients, `field` names
    the form field it is about (None: the form as a whole)."""

    def __init__(self, message, status: int = 422, field: str | None = None):
        super().__init__(str(message))
        self.message, self.status, self.field = message, status, field
