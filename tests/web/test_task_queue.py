"""The task queue: a row per piece of work, queued after its commit, claimed once, retried with a back-off,
failed after the last attempt, and queued again when a worker left it running or nobody took it."""
from datetime import timedelta

import pytest

from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import QueuedTask
from portal.services import jobs
from portal.tasks import queue

RUNS = []


@pytest.fixture
def flaky(monkeypatch):
    """A task kind that fails as often as asked, then records its run."""
    failures = {"left": 0}

    def work(ref_id):
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("provider down for 13812345678 and someone@example.com")
        RUNS.append(ref_id)

    RUNS.clear()
    monkeypatch.setitem(queue.HANDLERS, "test_flaky", work)
    return failures


def state_of(task_id):
    task = db.session.get(QueuedTask, task_id)
    db.session.refresh(task)
    return task


def test_a_row_is_queued_once_its_transaction_commits_and_runs_once(app, flaky):
    with app.app_context():
        task_id = jobs.add("test_flaky", 7).id
        assert RUNS == []  # not before the commit
        db.session.commit()
        assert RUNS == [7]
        task = state_of(task_id)
        assert (task.state, task.attempts) == ("done", 1)
        assert queue.run(task_id) is False and RUNS == [7]


def test_a_rolled_back_row_is_never_queued(app, flaky):
    with app.app_context():
        jobs.add("test_flaky", 8)
        db.session.rollback()
        db.session.commit()
        assert RUNS == []
        assert db.session.scalar(db.select(db.func.count()).select_from(QueuedTask)) == 0


def test_failures_back_off_then_land_on_the_failed_list_with_the_error(app, flaky):
    app.config.update(TASKS_MAX_ATTEMPTS=3, TASKS_RETRY_SECONDS=30)
    flaky["left"] = 5
    with app.app_context():
        task_id = jobs.add("test_flaky", 9).id
        db.session.commit()
        task = state_of(task_id)
        assert (task.state, task.attempts) == ("pending", 1)
        assert timedelta(seconds=25) < as_utc(task.run_after) - utcnow() < timedelta(seconds=31)
        assert "ConnectionError" in task.last_error
        assert "13812345678" not in task.last_error and "someone@example.com" not in task.last_error
        assert queue.run(task_id) is False  # not before its time
        task.run_after = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert queue.run(task_id) is True
        task = state_of(task_id)
        assert task.attempts == 2 and 100 < (as_utc(task.run_after) - utcnow()).total_seconds() <= 120  # 30 s × 4
        task.run_after = utcnow() - timedelta(seconds=1)
        db.session.commit()
        queue.run(task_id)
        task = state_of(task_id)
        assert (task.state, task.attempts) == ("failed", 3) and RUNS == []
        assert [t.id for t in jobs.failed()] == [task_id]


def test_rows_left_running_or_pending_too_long_are_queued_again(app, flaky):
    app.config.update(TASKS_HELD=True, TASKS_STALE_MINUTES=15)
    with app.app_context():
        killed = jobs.add("test_flaky", 1).id
        forgotten = jobs.add("test_flaky", 2).id
        fresh = jobs.add("test_flaky", 3).id
        db.session.commit()
        long_ago = utcnow() - timedelta(minutes=20)
        # A worker claimed `killed` 20 minutes ago and was killed; `forgotten` was never taken.
        db.session.get(QueuedTask, killed).state = "running"
        db.session.get(QueuedTask, killed).started_at = long_ago
        db.session.commit()
        db.session.execute(db.update(QueuedTask).where(QueuedTask.id.in_([killed, forgotten]))
                           .values(updated_at=long_ago))
        db.session.commit()
        app.config["TASKS_HELD"] = False
        assert queue.requeue_stale() == 2
        assert sorted(RUNS) == [1, 2]
        assert state_of(killed).state == state_of(forgotten).state == "done"
        assert state_of(fresh).state == "pending"
        assert queue.requeue_stale() == 0
