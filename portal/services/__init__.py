"""Use cases. They change state and flush; the request commits once (portal.web.forms.commit).

A service may use the services listed before it in ORDER, never one after it: the lower ones know nothing of
the higher ones, and there is no cycle (tests/unit/test_layers.py holds the code to this)."""

ORDER = (
    # Plumbing that knows no other service.
    "localtime", "presence", "storage", "images", "tokens", "security_log", "jobs", "mailer", "knowledge", "routing",
    "coverage", "documents", "customer_data", "customers", "customer_records", "catalogue", "organisation", "imports",
    # The ticket's timeline (telling the inbox and the channels), its workflow moves and its SLA clocks.
    "inbox", "events", "transitions", "sla", "entitlement",
    # Use cases, lower ones first.
    "tickets", "bulk", "queue", "dispatch", "fieldwork", "intake", "conflicts", "selfservice", "sessions",
    "two_factor", "accounts", "batch", "confirmation", "reports", "acceptance", "remote_signing",
    # Service modes (issue 14).
    "remote", "depot", "rma",
)


class ServiceError(Exception):
    """A request the rules refuse; `message` is shown to the user, `status` answers HTTP clients, `field` names
    the form field it is about (None: the form as a whole)."""

    def __init__(self, message, status: int = 422, field: str | None = None):
        super().__init__(str(message))
        self.message, self.status, self.field = message, status, field
