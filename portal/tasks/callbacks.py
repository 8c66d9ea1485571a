"""The satisfaction call-back on the task queue (portal.services.callbacks): every five minutes, closed tickets get
their survey invitation, one reminder, then a call-back task on the desk's list; each step once (the Survey row
and the task are the record)."""
import logging
from datetime import datetime

from huey import crontab

from portal.domain.time import utcnow
from portal.extensions import db, huey
from portal.services import callbacks
from portal.tasks.queue import app_context

log = logging.getLogger(__name__)


def run(now: datetime | None = None, batch: int = 200) -> dict:
    """Every closed ticket due a step, in batches of `batch`, each committed; how many of each step."""
    now = now or utcnow()
    counts = {"invite": 0, "remind": 0, "callback": 0}
    last_id = 0
    while rows := callbacks.due(now, last_id, batch):
        for ticket, survey in rows:
            if step := callbacks.follow_up(ticket, survey, now):
                counts[step] += 1
            last_id = ticket.id
        db.session.commit()
    return counts


@huey.periodic_task(crontab(minute="*/5"))
def follow_up_every_five_minutes() -> None:
    with app_context():
        counts = run()
        if any(counts.values()):
            log.info("satisfaction follow-up: %s", counts)
