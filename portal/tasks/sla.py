"""The SLA sweep: tickets whose clock reached 80 % or its target since they were last read are marked at risk or
breached and escalated. Running it twice changes nothing."""
from datetime import datetime

from portal.domain.time import utcnow
from portal.extensions import db
from portal.services import sla


def sweep(now: datetime | None = None, batch: int = 500) -> dict:
    """Every open ticket due for a check, in batches of `batch`, each committed."""
    now = now or utcnow()
    counts = {"checked": 0, "sla_at_risk": 0, "sla_breached": 0, "escalated": 0}
    last_id = 0
    while tickets := sla.due_for_check(now, last_id, batch):
        for ticket in tickets:
            counts["checked"] += 1
            for kind in sla.sweep_ticket(ticket, now):
                counts[kind] += 1
            last_id = ticket.id
        db.session.commit()
    return counts
