"""Batch printing in the background: queued job rows are built by a thread in the app process (the embedded
default, no Redis needed) or by `flask print-jobs run` beside gunicorn. No request waits for it."""
import logging
import threading
import time

from sqlalchemy import update

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import BatchJob
from portal.services import reports
from portal.services.storage import store_bytes

log = logging.getLogger(__name__)
PROGRESS_EVERY = 5

_thread_lock = threading.Lock()


def _claim(job_id: int) -> bool:
    """Take a queued job; only one worker (thread or process) gets it."""
    result = db.session.execute(update(BatchJob).where(BatchJob.id == job_id, BatchJob.state == "queued")
                                .values(state="running", started_at=utcnow()))
    db.session.commit()
    return result.rowcount == 1


def run_job(job_id: int) -> None:
    if not _claim(job_id):
        return
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
    except Exception as error:  # noqa: BLE001 - a failed batch is reported on its page, not lost
        db.session.rollback()
        log.exception("batch print job %s failed", job_id)
        job = db.session.get(BatchJob, job_id)
        job.state, job.error, job.finished_at = "failed", type(error).__name__, utcnow()
        db.session.commit()


def run_pending() -> int:
    """Process every queued job, oldest first; returns how many ran."""
    ran = 0
    while True:
        job_id = db.session.scalar(db.select(BatchJob.id).where(BatchJob.state == "queued").order_by(BatchJob.id))
        db.session.rollback()
        if job_id is None:
            return ran
        run_job(job_id)
        ran += 1


class _Worker:
    """The print-jobs thread of one app in this process."""

    def __init__(self, app):
        self.app, self.wake, self.stopped = app, threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self.loop, name="print-jobs", daemon=True)

    def loop(self) -> None:
        while not self.stopped.is_set():
            self.wake.wait(timeout=30)
            self.wake.clear()
            if self.stopped.is_set():
                return
            with self.app.app_context():
                try:
                    run_pending()
                except Exception:  # noqa: BLE001 - keep the worker alive for the next job
                    log.exception("print-jobs worker")
                finally:
                    db.session.remove()


def kick(app) -> None:
    """Make sure this app has a worker thread in this process, and wake it (PRINT_JOBS_IN_PROCESS)."""
    if not app.config.get("PRINT_JOBS_IN_PROCESS", True):
        return
    with _thread_lock:
        worker = app.extensions.get("print_jobs")
        if worker is None or not worker.thread.is_alive():
            worker = app.extensions["print_jobs"] = _Worker(app)
            worker.thread.start()
    worker.wake.set()


def stop(app) -> None:
    worker = app.extensions.pop("print_jobs", None)
    if worker is not None:
        worker.stopped.set()
        worker.wake.set()
        worker.thread.join(timeout=10)


def worker_forever(poll_seconds: float = 2.0) -> None:
    """`flask print-jobs run`: the production worker beside gunicorn."""
    while True:
        if not run_pending():
            time.sleep(poll_seconds)
