"""The real consumer (`flask tasks worker`) in processes of its own, on Huey's SQLite storage and on Redis: a worker
killed with SIGKILL in the middle of a batch loses nothing; the row is queued again and the batch is built once."""
import io
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from pypdf import PdfReader

from portal.extensions import db
from portal.models import BatchJob, QueuedTask, User
from portal.services import batch
from portal.services.storage import path_of
from tests.web.factories import make_ticket

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")
REDIS = "redis://127.0.0.1:6379/0"
TICKETS = 24  # long enough that the kill lands mid-batch on a loaded machine (a report takes ~0.13 s)


def redis_answers() -> bool:
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=0.5)
    try:
        return bool(client.ping())
    except redis.exceptions.RedisError:
        return False
    finally:
        client.close()


def environment(app, tmp_path, storage: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TASKS_", "REDIS_", "PORTAL_"))}
    env.update(PORTAL_ENV="development", SECRET_KEY=secrets.token_hex(32), PYTHONPATH=str(ROOT),
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], UPLOAD_DIR=str(app.config["UPLOAD_DIR"]),
               TASKS_STALE_MINUTES="0", TASKS_WORKERS="1", TASKS_DB=str(tmp_path / "tasks.db"),
               TASKS_QUEUE_NAME=f"portal-test-{secrets.token_hex(4)}")
    if storage == "redis":
        env["REDIS_URL"] = REDIS
    return env


def forget_queue(env) -> None:
    """The test's keys leave the shared Redis (Huey names them after the queue, without its dashes)."""
    if "REDIS_URL" in env:
        client = redis.Redis.from_url(REDIS)
        keys = client.keys("*" + env["TASKS_QUEUE_NAME"].replace("-", "") + "*")
        if keys:
            client.delete(*keys)
        client.close()


def flask(env, *args, wait=True):
    command = [FLASK, "--app", "wsgi", *args]
    if wait:
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def task_state(app) -> str | None:
    with app.app_context():
        return db.session.scalar(db.select(QueuedTask.state).where(QueuedTask.kind == "print_batch"))


def job_state(app, job_id):
    with app.app_context():
        job = db.session.get(BatchJob, job_id)
        return job.state, job.done


def wait_for(condition, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("storage", ["sqlite", "redis"])
def test_a_worker_killed_mid_batch_loses_nothing(app, tmp_path, storage):
    if storage == "redis" and not redis_answers():
        pytest.skip("no Redis server answers at 127.0.0.1:6379")
    ids = [make_ticket(app, status="closed") for _ in range(TICKETS)]
    app.config["TASKS_HELD"] = True  # this process only writes the row; the workers below run it
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "backoffice@example.com"))
        job_id = batch.create_job(user, ids, "kill test").id
        db.session.commit()
    env = environment(app, tmp_path, storage)
    first = flask(env, "tasks", "worker", wait=False)
    try:
        flask(env, "tasks", "requeue")  # TASKS_STALE_MINUTES=0: the pending row goes on the queue now
        assert wait_for(lambda: job_state(app, job_id)[1] >= 5), "the first worker never started the batch"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    state, done = job_state(app, job_id)
    assert state == "running" and done < TICKETS, "the batch finished before the kill: make it longer"
    second = flask(env, "tasks", "worker", wait=False)
    try:
        flask(env, "tasks", "requeue")  # the row left running is queued again (the worker does it every minute)
        assert wait_for(lambda: job_state(app, job_id)[0] == "done"), "the batch was not built after the kill"
        # The row itself is done too: with TASKS_STALE_MINUTES=0 the minute's sweep may have taken back the second
        # worker's own claim while it ran, and its next run (which finds the batch built) marks it done.
        assert wait_for(lambda: task_state(app) == "done"), "the task row was never marked done"
    finally:
        second.send_signal(signal.SIGINT)
        try:
            second.wait(timeout=30)
        except subprocess.TimeoutExpired:
            second.kill()
        forget_queue(env)
    with app.app_context():
        job = db.session.get(BatchJob, job_id)
        task = db.session.scalar(db.select(QueuedTask).where(QueuedTask.kind == "print_batch"))
        # Claimed again after the kill.
        assert task.state == "done" and task.attempts >= 2
        data = path_of(job.storage_key).read_bytes()
    # One report per ticket: the killed attempt left nothing in the file.
    pages = PdfReader(io.BytesIO(data)).pages
    text = " ".join(page.extract_text() for page in pages)
    assert job.done == TICKETS and text.count("Service Report") >= TICKETS
