"""Messages, measured: 10,000 messages written (a Notification and its task row each), their ids put on Huey's
SQLite storage and on Redis (when one answers), and all 10,000 delivered through the log provider by the handler
the consumer runs; plus what one web request pays to enqueue one message (the issue asks for under 2 ms).
Run with `make bench`."""
import secrets
import time

import pytest
from huey.storage import RedisStorage, SqliteStorage

from portal.extensions import db, huey
from portal.models import Notification, OutboxMessage, QueuedTask, Ticket
from portal.services import mailer
from portal.tasks.queue import perform, run_pending
from tests.web.factories import make_ticket
from tests.web.test_task_consumer import REDIS, redis_answers

MESSAGES = 10_000
ENQUEUE_LIMIT_MS = 2.0


def write(app, ticket_id: int, count: int) -> list[int]:
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        for n in range(count):
            mailer.queue_notice(Notification(ticket=ticket, kind="bench_notice", channel="sms",
                                             recipient=f"139{n:08d}", body=f"您的工单 {ticket.number} 有新进展 {n}",
                                             status="queued"))
        db.session.commit()
        return db.session.scalars(db.select(QueuedTask.id).where(QueuedTask.kind == "deliver_message")
                                  .order_by(QueuedTask.id)).all()


def put_on(storage_class, kwargs: dict, ids) -> float:
    """Seconds to put every id on the storage as the web request does after its commit."""
    saved = huey.storage_class, huey.storage_kwargs, huey.name
    huey.storage_class, huey.storage_kwargs, huey.name = storage_class, kwargs, f"bench{secrets.token_hex(4)}"
    huey.immediate = False  # creates the storage
    try:
        started = time.perf_counter()
        for task_id in ids:
            perform(task_id)
        elapsed = time.perf_counter() - started
        assert huey.pending_count() == len(ids)
        huey.flush()
        return elapsed
    finally:
        huey.storage_class, huey.storage_kwargs, huey.name = saved
        huey.immediate = True  # the tests' mode again


@pytest.fixture
def held(app):
    app.config.update(TASKS_HELD=True, SMS_PROVIDER="log")
    return app


def test_ten_thousand_messages(held, tmp_path):
    app = held
    ticket_id = make_ticket(app)
    started = time.perf_counter()
    ids = write(app, ticket_id, MESSAGES)
    written = time.perf_counter() - started
    print(f"\n{MESSAGES} messages written (row + task row, one transaction): {written:.1f} s "
          f"({MESSAGES / written:.0f}/s)")
    sqlite = put_on(SqliteStorage, {"filename": str(tmp_path / "tasks.db")}, ids)
    print(f"{MESSAGES} ids on Huey's SQLite storage: {sqlite:.1f} s ({MESSAGES / sqlite:.0f}/s)")
    if redis_answers():
        on_redis = put_on(RedisStorage, {"url": REDIS}, ids)
        print(f"{MESSAGES} ids on Redis: {on_redis:.1f} s ({MESSAGES / on_redis:.0f}/s)")
    else:
        print("no Redis at 127.0.0.1:6379: the Redis storage was not measured")
    app.config["TASKS_HELD"] = False
    started = time.perf_counter()
    with app.app_context():
        ran = run_pending()
    delivered = time.perf_counter() - started
    print(f"{MESSAGES} messages delivered through the log provider, one worker: {delivered:.1f} s "
          f"({MESSAGES / delivered:.0f}/s)")
    with app.app_context():
        assert ran == MESSAGES
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == MESSAGES


def test_a_request_pays_under_2_ms_to_enqueue_a_message(held):
    app = held
    ticket_id = make_ticket(app)
    rounds = 200
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        db.session.commit()
        timings = []
        for n in range(rounds):
            started = time.perf_counter()
            mailer.queue_notice(Notification(ticket=ticket, kind="bench_notice", channel="sms",
                                             recipient="13900000000", body=f"进展 {n}", status="queued"))
            timings.append(time.perf_counter() - started)
            db.session.commit()
    timings.sort()
    median_ms = timings[rounds // 2] * 1000
    print(f"\nenqueue in a request (rows flushed, before the commit): median {median_ms:.2f} ms, "
          f"p90 {timings[int(rounds * 0.9)] * 1000:.2f} ms (limit {ENQUEUE_LIMIT_MS} ms)")
    assert median_ms < ENQUEUE_LIMIT_MS
