"""The SLA sweep, every minute on the task queue: tickets whose clock reached 80 % or its target since they were
last read are marked at risk or breached and escalated. Running it twice changes nothing."""
import logging
from datetime import datetime

from huey import crontab

from portal.domain.time import utcnow
from portal.extensions import db, huey
from portal.services import sla
from portal.tasks.queue import app_context

log = logging.getLogger(__name__)


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


@huey.periodic_task(crontab(minute="*"))
def sweep_every_minute() -> None:
    """Periodic, with no row: the sweep itself is the record (running it twice changes nothing)."""
    with app_context():
        counts = sweep()
        if counts["sla_at_risk"] or counts["sla_breached"] or counts["escalated"]:
            log.info("SLA sweep: %s", counts)
