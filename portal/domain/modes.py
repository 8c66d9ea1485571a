"""Service modes: remote, on site, depot (send-in and walk-in). Which one a ticket should take, suggested from
its category and what the customer asked for; the path of each is in the workflow table."""
REMOTE, ONSITE, DEPOT = "remote", "onsite", "depot"
MODES = (REMOTE, ONSITE, DEPOT)
# Tickets from before modes existed, and any not triaged yet, follow the on-site path.
DEFAULT = ONSITE
# What the customer ticked on their request (Ticket.service_mode) as a mode.
REQUESTED = {"remote": REMOTE, "onsite": ONSITE, "send_in": DEPOT}


def effective(mode: str | None) -> str:
    return mode if mode in MODES else DEFAULT


def suggest(category: str | None, requested: str | None) -> tuple[str, str]:
    """(mode, why): a return needs the unit back; a question is answered remotely; otherwise what the customer
    asked for, else on site."""
    if category == "return":
        return DEPOT, "return_needs_unit"
    if category == "appearance":
        return DEPOT, "accessory_by_post"
    if category in ("consultation", "proactive"):
        return REMOTE, "advice_remote"
    if requested in REQUESTED:
        return REQUESTED[requested], "customer_asked"
    return ONSITE, "default"


def needs_reason(current: str | None, chosen: str) -> bool:
    """Changing a mode already set needs a reason (kept in the history); setting it the first time does not."""
    return current in MODES and current != chosen
