"""The task queue (Huey): a QueuedTask row is the record of every piece of pending work and the queue carries
only its id. A row is queued once the transaction that wrote it commits; a worker claims it (pending ->
running), runs the handler of its kind, and marks it done, or pending again with a back-off, or failed after
TASKS_MAX_ATTEMPTS (the admin's page of failed tasks). Huey does not acknowledge tasks, so a periodic task
queues again the rows left pending or running too long: a worker killed mid-task loses nothing."""
import logging
import re
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app, has_app_context
from huey import crontab
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import and_, event, or_, update
from sqlalchemy.orm import Session

from portal.domain.time import utcnow
from portal.extensions import db, huey
from portal.models import QueuedTask
from portal.services.jobs import PENDING_KEY

log = logging.getLogger(__name__)

# kind -> handler(ref_id); each handler is idempotent (a second run of done work changes nothing).
HANDLERS: dict[str, Callable[[int | None], None]] = {}
# kind -> what to mark on the work's own row when the queue gives up on it (or the admin drops it).
GIVE_UP: dict[str, Callable[[int | None], None]] = {}
_state: dict = {"app": None}
_start_lock = threading.Lock()
# Error texts are kept for the admin: never a full e-mail address or phone number.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d -]{6,}\d")


def handler(kind: str):
    def register(function):
        HANDLERS[kind] = function
        return function
    return register


def gave_up(kind: str):
    def register(function):
        GIVE_UP[kind] = function
        return function
    return register


def configure(config) -> None:
    """Point the queue at its storage: memory and immediate mode for tests, Redis with REDIS_URL, else SQLite."""
    if config.get("TASKS_IMMEDIATE"):
        huey.immediate = True
        return
    if config.get("REDIS_URL"):
        huey.storage_class, huey.storage_kwargs = RedisStorage, {"url": config["REDIS_URL"]}
    else:
        Path(config["TASKS_DB"]).parent.mkdir(parents=True, exist_ok=True)
        huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": str(config["TASKS_DB"])}
    huey.name = config.get("TASKS_QUEUE_NAME") or "portal"
    huey.immediate = False
    huey.storage = huey.create_storage()


def init_app(app: Flask) -> None:
    configure(app.config)
    _state["app"] = app
    if app.config.get("TASKS_IN_PROCESS") and _serving(app):
        start_consumer(app)


def _serving(app: Flask) -> bool:
    """`flask run`: the development server, where the consumer runs as threads of the same process."""
    context = click.get_current_context(silent=True)
    return context is not None and context.info_name == "run"


def start_consumer(app: Flask):
    """The consumer's scheduler and workers as daemon threads of this process (no signal handlers: the server
    owns them). Started once per app."""
    with _start_lock:
        consumer = app.extensions.get("task_consumer")
        if consumer is None and not huey.immediate:
            consumer = huey.create_consumer(workers=app.config["TASKS_WORKERS"], worker_type="thread",
                                            check_worker_health=False, max_delay=2.0)
            consumer.scheduler.start()
            for _name, worker in consumer.worker_threads:
                worker.start()
            app.extensions["task_consumer"] = consumer
            log.info("task consumer started in this process (%s workers)", app.config["TASKS_WORKERS"])
    return consumer


def stop_consumer(app: Flask) -> None:
    consumer = app.extensions.pop("task_consumer", None)
    if consumer is not None:
        consumer.stop(graceful=True)


@event.listens_for(Session, "after_commit")
def _queue_committed(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint (bulk actions): the rows are queued when the transaction itself commits
    for item in session.info.pop(PENDING_KEY, ()):
        task_id, delay = item if isinstance(item, tuple) else (item, None)  # (id, seconds): not before then
        enqueue(task_id, delay=delay)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session) -> None:
    session.info.pop(PENDING_KEY, None)


def enqueue(task_id: int, delay: float | None = None) -> None:
    """Put a committed row's id on the queue. A queue that does not answer loses nothing: the row stays pending
    and the periodic sweep queues it again."""
    if has_app_context() and current_app.config.get("TASKS_HELD"):
        return  # tests hold the queue to look at pending work
    try:
        if delay:
            perform.schedule((task_id,), delay=delay)
        else:
            perform(task_id)
    except Exception:  # noqa: BLE001 - the row is the record; the sweep queues it again
        log.exception("task %s could not be queued; the sweep will queue it again", task_id)


def _app() -> Flask:
    return current_app._get_current_object() if has_app_context() else _state["app"]


def app_context():
    """A context of its own, hence a database session of its own, even when called inside a request (tests)."""
    return _app().app_context()


@huey.task()
def perform(task_id: int) -> None:
    with app_context():
        run(task_id)


def _scrub(text: str) -> str:
    return _PHONE.sub("***", _EMAIL.sub("***@***", text))[:300]


def run(task_id: int) -> bool:
    """Claim the row and run its handler; False when it was not there to run (done, running, dropped, later)."""
    config = current_app.config
    now = utcnow()
    claimed = db.session.execute(
        update(QueuedTask)
        .where(QueuedTask.id == task_id, QueuedTask.state == "pending",
               or_(QueuedTask.run_after.is_(None), QueuedTask.run_after <= now + timedelta(seconds=1)))
        .values(state="running", started_at=now, attempts=QueuedTask.attempts + 1, updated_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
    if claimed.rowcount != 1:
        return False
    task = db.session.get(QueuedTask, task_id)
    kind, ref_id = task.kind, task.ref_id
    try:
        HANDLERS[kind](ref_id)
        db.session.commit()
    except Exception as error:  # noqa: BLE001 - recorded on the row, retried, then shown to the admin
        db.session.rollback()
        log.warning("task %s (%s) failed: %s", task_id, kind, type(error).__name__, exc_info=True)
        task = db.session.get(QueuedTask, task_id)
        task.last_error = _scrub(f"{type(error).__name__}: {error}")
        delay = None
        if task.attempts >= config["TASKS_MAX_ATTEMPTS"]:
            task.state, task.finished_at = "failed", utcnow()
            if kind in GIVE_UP:
                GIVE_UP[kind](ref_id)
        else:
            delay = config["TASKS_RETRY_SECONDS"] * 4 ** (task.attempts - 1)
            task.state, task.run_after = "pending", utcnow() + timedelta(seconds=delay)
        db.session.commit()
        if delay is not None:
            enqueue(task_id, delay=delay)
        return True
    db.session.execute(update(QueuedTask).where(QueuedTask.id == task_id, QueuedTask.state == "running")
                       .values(state="done", finished_at=utcnow(), updated_at=utcnow(), last_error=None))
    db.session.commit()
    return True


def requeue_stale(now=None, limit: int = 1000) -> int:
    """Queue again the rows a killed worker left running and the pending rows nobody took in time."""
    now = now or utcnow()
    stale = now - timedelta(minutes=current_app.config["TASKS_STALE_MINUTES"])
    ids = db.session.scalars(
        db.select(QueuedTask.id).where(
            or_(and_(QueuedTask.state == "running", QueuedTask.started_at < stale),
                and_(QueuedTask.state == "pending",
                     or_(and_(QueuedTask.run_after.is_(None), QueuedTask.updated_at < stale),
                         QueuedTask.run_after < stale))))
        .order_by(QueuedTask.id).limit(limit)).all()
    # Touched, so that a long queue is not queued again every minute.
    if ids:
        db.session.execute(update(QueuedTask)
                           .where(QueuedTask.id.in_(ids), QueuedTask.state.in_(("pending", "running")))
                           .values(state="pending", updated_at=now, run_after=None)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    for task_id in ids:
        enqueue(task_id)
    return len(ids)


def run_pending() -> int:
    """Run every pending row due now, here and in order (tests, `flask tasks run-pending`); how many ran."""
    ran, last = 0, 0
    while True:
        task_id = db.session.scalar(db.select(QueuedTask.id).where(
            QueuedTask.state == "pending", QueuedTask.id > last,
            or_(QueuedTask.run_after.is_(None), QueuedTask.run_after <= utcnow())).order_by(QueuedTask.id))
        db.session.rollback()
        if task_id is None:
            return ran
        last = task_id
        ran += run(task_id)


@huey.periodic_task(crontab(minute="*"))
def sweep_stale_tasks() -> None:
    with app_context():
        count = requeue_stale()
        if count:
            log.info("%s stale task(s) queued again", count)
