"""Batch printing on the task queue: a BatchJob row per request (with its QueuedTask); a worker builds the
PDF and commits its progress. No request waits for it; a second run of a built job changes nothing."""
import logging

from flask import g
from sqlalchemy import update

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import BatchJob
from portal.services import reports
from portal.services.storage import store_bytes
from portal.tasks.queue import gave_up, handler

log = logging.getLogger(__name__)
PROGRESS_EVERY = 5


@handler("print_batch")
def run_job(job_id: int) -> None:
    job = db.session.get(BatchJob, job_id)
    if job is None or job.state == "done":
        return
    ticket_ids, total = list(job.ticket_ids), job.total
    db.session.commit()
    # Queued, or left running by a worker that was killed: (re)build it from the start.
    _set(job_id, state="running", started_at=utcnow(), done=0, error=None)
    # Rendering only reads; on SQLite its transactions begin deferred, so the web requests never wait for the
    # write lock while a report renders. Every write below starts a transaction of its own.
    g.sqlite_reads_first = True
    try:
        def progress(done):
            if done % PROGRESS_EVERY == 0 or done == total:
                db.session.commit()
                _set(job_id, done=done)

        data = reports.report_batch(ticket_ids, progress=progress)
        key, _sha = store_bytes(data, ".pdf")
        db.session.commit()
        _set(job_id, storage_key=key, size=len(data), state="done", done=total, finished_at=utcnow())
    except Exception as error:
        db.session.rollback()
        # Shown on the job's page while the queue retries it; "failed" once the queue gives up (below).
        _set(job_id, state="running", error=type(error).__name__)
        raise
    finally:
        g.sqlite_reads_first = False


def _set(job_id: int, **values) -> None:
    db.session.execute(update(BatchJob).where(BatchJob.id == job_id).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


@gave_up("print_batch")
def mark_failed(job_id: int) -> None:
    """The queue gave up (or the admin dropped the task): the job's page says so."""
    job = db.session.get(BatchJob, job_id)
    if job is not None and job.state != "done":
        job.state, job.finished_at = "failed", utcnow()
