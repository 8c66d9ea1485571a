"""Loyalty points on the task queue, every hour: lots past their last day expire, and customers hear 30 days
before theirs do. Both are idempotent (an expired lot has nothing left; a lot is reminded once)."""
import logging

from huey import crontab

from portal.extensions import db, huey
from portal.services import points
from portal.services.localtime import local_today
from portal.tasks.queue import app_context

log = logging.getLogger(__name__)


def run_points_day(today=None) -> dict:
    today = today or local_today()
    expired = points.expire_due(today)
    reminded = points.remind_expiring(today)
    db.session.commit()
    return {"expired": expired, "reminded": reminded}


@huey.periodic_task(crontab(minute="7"))
def points_every_hour() -> None:
    with app_context():
        counts = run_points_day()
        if counts["expired"] or counts["reminded"]:
            log.info("Loyalty points: %s", counts)
