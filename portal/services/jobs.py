"""Pending background work: a use case adds a QueuedTask row in its own transaction; once that transaction
commits, portal.tasks.queue puts the row's id on the task queue (a rollback queues nothing)."""
from portal.extensions import db
from portal.models import QueuedTask

# The ids added in the session's transaction, queued after its commit (portal.tasks.queue).
PENDING_KEY = "portal.tasks_to_queue"


def add(kind: str, ref_id: int | None = None) -> QueuedTask:
    task = QueuedTask(kind=kind, ref_id=ref_id, state="pending", attempts=0)
    db.session.add(task)
    db.session.flush()
    db.session.info.setdefault(PENDING_KEY, []).append(task.id)
    return task


def failed(limit: int = 200) -> list[QueuedTask]:
    """The tasks that kept failing, newest first: the admin retries or drops them."""
    return db.session.scalars(db.select(QueuedTask).where(QueuedTask.state == "failed")
                              .order_by(QueuedTask.updated_at.desc(), QueuedTask.id.desc()).limit(limit)).all()
