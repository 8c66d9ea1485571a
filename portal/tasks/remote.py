"""Closing resolutions without a visit (consultations and remote fixes) the customer did not answer, hourly on the
task queue. Running it twice changes nothing: a closed ticket is not found again, and its auto_closed event is the
record."""
import logging

from huey import crontab

from portal.extensions import db, huey
from portal.services import resolution
from portal.tasks.queue import app_context

log = logging.getLogger(__name__)


@huey.periodic_task(crontab(minute="7"))
def close_unanswered_resolutions() -> None:
    with app_context():
        closed = resolution.close_unanswered()
        db.session.commit()
        if closed:
            log.info("Resolutions without a visit closed without an answer: %s", closed)
