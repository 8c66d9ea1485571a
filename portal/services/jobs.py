"""Pending background work: a use case adds a QueuedTask row in its own transaction; once that transaction
commits, portal.tasks.queue puts the row's id on the task queue (a rollback queues nothing)."""
from flask_babel import lazy_gettext as _l

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import BatchJob, MonthlyReport, Notification, QueuedTask
from portal.services import ServiceError, security_log

# The ids added in the session's transaction, queued after its commit (portal.tasks.queue).
PENDING_KEY = "portal.tasks_to_queue"
# The text of a sent (or given up) e-mail that held a link or a code (portal.tasks.mail).
WIPED = "—"
STATES = ("pending", "running", "failed")


def add(kind: str, ref_id: int | None = None, run_after=None) -> QueuedTask:
    """`run_after`: not before then (a message held through the customer's quiet hours)."""
    task = QueuedTask(kind=kind, ref_id=ref_id, state="pending", attempts=0, run_after=run_after)
    db.session.add(task)
    db.session.flush()
    delay = max((run_after - utcnow()).total_seconds(), 0) if run_after is not None else None
    db.session.info.setdefault(PENDING_KEY, []).append((task.id, delay) if delay else task.id)
    return task


def _queue_after_commit(task: QueuedTask) -> None:
    db.session.info.setdefault(PENDING_KEY, []).append(task.id)


def counts() -> dict[str, int]:
    """Tasks per state that still needs someone (pending, running, failed): one grouped query."""
    rows = db.session.execute(db.select(QueuedTask.state, db.func.count()).where(QueuedTask.state.in_(STATES))
                              .group_by(QueuedTask.state)).all()
    return {state: 0 for state in STATES} | dict(rows)


def _failed_task(task_id: int) -> QueuedTask:
    task = db.session.get(QueuedTask, task_id)
    if task is None:
        raise ServiceError(_l("No such task."), status=404)
    if task.state != "failed":
        raise ServiceError(_l("This task is no longer failed (someone retried or dropped it)."), status=409)
    return task


def retry(task_id: int, admin) -> QueuedTask:
    """A failed task runs again with a fresh count of attempts; its work row is queued again too."""
    task = _failed_task(task_id)
    if task.kind == "deliver_message":
        notice = db.session.get(Notification, task.ref_id)
        if notice is None or notice.body == WIPED:
            raise ServiceError(_l("This message held a link or a code that is no longer kept: it cannot be sent "
                                  "again. Drop it; the customer can ask for a new one."), status=409)
        notice.status = "queued"
    elif task.kind == "print_batch":
        job = db.session.get(BatchJob, task.ref_id)
        if job is not None and job.state != "done":
            job.state, job.finished_at = "queued", None
    elif task.kind == "monthly_report":
        report = db.session.get(MonthlyReport, task.ref_id)
        if report is not None and report.state != "done":
            report.state, report.finished_at = "queued", None
    task.state, task.attempts, task.run_after, task.finished_at = "pending", 0, None, None
    security_log.record(security_log.TASK_RETRIED, user=admin,
                        detail={"task": task.id, "kind": task.kind, "error": task.last_error})
    _queue_after_commit(task)
    return task


def drop(task_id: int, admin) -> QueuedTask:
    """A failed task nobody wants run again: kept, marked dropped."""
    task = _failed_task(task_id)
    task.state, task.finished_at = "dropped", utcnow()
    security_log.record(security_log.TASK_DROPPED, user=admin,
                        detail={"task": task.id, "kind": task.kind, "error": task.last_error})
    return task


def failed(limit: int = 200) -> list[QueuedTask]:
    """The tasks that kept failing, newest first: the admin retries or drops them."""
    return db.session.scalars(db.select(QueuedTask).where(QueuedTask.state == "failed")
                              .order_by(QueuedTask.updated_at.desc(), QueuedTask.id.desc()).limit(limit)).all()
