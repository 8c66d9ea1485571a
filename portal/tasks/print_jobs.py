"""Batch printing on the task queue: a BatchJob row per request (with its QueuedTask); a worker builds the
PDF and commits its progress. No request waits for it; a second run of a built job changes nothing."""
import logging

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
    # Queued, or left running by a worker that was killed: (re)build it from the start.
    db.session.execute(update(BatchJob).where(BatchJob.id == job_id)
                       .values(state="running", started_at=utcnow(), done=0, error=None))
    db.session.commit()
    job = db.session.get(BatchJob, job_id)
    try:
        def progress(done):
            if done % PROGRESS_EVERY == 0 or done == job.total:
                db.session.execute(update(BatchJob).where(BatchJob.id == job_id).values(done=done))
                db.session.commit()

        data = reports.report_batch(job.ticket_ids, progress=progress)
        key, _sha = store_bytes(data, ".pdf")
        job = db.session.get(BatchJob, job_id)
        job.storage_key, job.size, job.state, job.done, job.finished_at = key, len(data), "done", job.total, utcnow()
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        job = db.session.get(BatchJob, job_id)
        # Shown on the job's page while the queue retries it; "failed" once the queue gives up (see below).
        job.state, job.error = "running", type(error).__name__
        db.session.commit()
        raise


@gave_up("print_batch")
def mark_failed(job_id: int) -> None:
    """The queue gave up (or the admin dropped the task): the job's page says so."""
    job = db.session.get(BatchJob, job_id)
    if job is not None and job.state != "done":
        job.state, job.finished_at = "failed", utcnow()
