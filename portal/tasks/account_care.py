"""Every morning on the task queue: the account managers' check-in calls that fell due are opened. Running it
twice changes nothing (a customer with an open check-in gets no second)."""
import logging

from huey import crontab

from portal.extensions import db, huey
from portal.services import checkins
from portal.tasks.queue import app_context

log = logging.getLogger(__name__)


@huey.periodic_task(crontab(minute="5", hour="1"))
def open_due_check_ins() -> None:
    """Periodic, with no row: the CustomerCheckIn rows are the record."""
    with app_context():
        opened = checkins.open_due()
        db.session.commit()
        if opened:
            log.info("%s check-in call(s) opened", opened)
