"""Two consumers on the real Redis never send one message twice: every message is on the queue twice (queued
again before either worker starts) and two `flask tasks worker` processes take from it at once; the row's claim
lets one of them send it. Skipped when no Redis answers at 127.0.0.1:6379 (.ci/run has one)."""
import secrets
import signal
import subprocess

import pytest

from portal.extensions import db
from portal.models import Notification, OutboxMessage, QueuedTask, Ticket
from portal.services import mailer
from tests.web.factories import make_ticket
from tests.web.test_task_consumer import environment, flask, forget_queue, redis_answers, wait_for

MESSAGES = 60


def sent_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Notification).where(
            Notification.kind == "bench_notice", Notification.status == "logged"))


def test_two_consumers_on_redis_send_each_message_once(app, tmp_path):
    if not redis_answers():
        pytest.skip("no Redis server answers at 127.0.0.1:6379")
    ticket_id = make_ticket(app)
    app.config["TASKS_HELD"] = True  # this process only writes the rows; the workers below send them
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        for n in range(MESSAGES):
            mailer.queue_notice(Notification(ticket=ticket, kind="bench_notice", channel="sms",
                                             recipient=f"1380000{n:04d}", body=f"消息 {n}", status="queued"))
        db.session.commit()
    env = environment(app, tmp_path, "redis")
    env.update(SMS_PROVIDER="log", TASKS_WORKERS="2", TASKS_QUEUE_NAME=f"portal-two-{secrets.token_hex(4)}")
    requeue = {**env, "TASKS_STALE_MINUTES": "0"}
    flask(requeue, "tasks", "requeue")
    flask(requeue, "tasks", "requeue")  # every id is on the queue twice now
    env["TASKS_STALE_MINUTES"] = "15"  # the workers' own sweep leaves running rows alone
    workers = [flask(env, "tasks", "worker", wait=False) for _ in range(2)]
    try:
        assert wait_for(lambda: sent_count(app) == MESSAGES, seconds=120), "the consumers did not send them all"
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGINT)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
        forget_queue(env)
    with app.app_context():
        per_message = db.session.execute(
            db.select(OutboxMessage.notification_id, db.func.count()).group_by(OutboxMessage.notification_id)).all()
        assert len(per_message) == MESSAGES and all(count == 1 for _id, count in per_message)
        states = db.session.scalars(db.select(QueuedTask.state).where(QueuedTask.kind == "deliver_message")).all()
        assert len(states) == MESSAGES and set(states) == {"done"}
