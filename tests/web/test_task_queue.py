"""The task queue: a row per piece of work, queued after its commit, claimed once, retried with a back-off,
failed after the last attempt, and queued again when a worker left it running or nobody took it."""
import smtplib
from datetime import timedelta

import pytest

from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import Notification, QueuedTask, SecurityEvent, Ticket
from portal.services import jobs, mailer
from portal.tasks import queue
from tests.web.conftest import FakeSMTP
from tests.web.factories import make_ticket

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


# --- the admin's page of failed tasks -------------------------------------------------------------------------

def failed_task(app, flaky, ref_id=5):
    app.config.update(TASKS_MAX_ATTEMPTS=1)
    flaky["left"] = 1
    with app.app_context():
        task_id = jobs.add("test_flaky", ref_id).id
        db.session.commit()
        assert state_of(task_id).state == "failed"
        return task_id


def test_admins_see_failed_tasks_and_retry_them_in_the_security_log(app, flaky, login_as):
    task_id = failed_task(app, flaky)
    admin = login_as("admin")
    page = admin.get("/desk/admin/tasks", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'id="task-{task_id}"' in page and "ConnectionError" in page and "13812345678" not in page
    assert 'data-state="failed">failed: 1' in page
    response = admin.post_form(f"/desk/admin/tasks/{task_id}/retry")
    assert response.status_code == 302
    with app.app_context():
        task = state_of(task_id)
        assert (task.state, task.attempts) == ("done", 1) and RUNS == [5]
        event = db.session.scalar(db.select(SecurityEvent).where(SecurityEvent.kind == "task_retried"))
        assert event.detail["task"] == task_id and event.user.email == "admin@example.com"
    # Done now: a second retry is refused, and the page says why.
    again = admin.post_form(f"/desk/admin/tasks/{task_id}/retry", headers={"Accept-Language": "en"})
    assert again.status_code == 409 and "no longer failed" in again.get_data(as_text=True)
    assert admin.post_form("/desk/admin/tasks/999999/drop").status_code == 404


def test_a_dropped_task_stays_dropped_and_is_logged(app, flaky, login_as):
    task_id = failed_task(app, flaky)
    admin = login_as("admin")
    assert admin.post_form(f"/desk/admin/tasks/{task_id}/drop").status_code == 302
    with app.app_context():
        assert state_of(task_id).state == "dropped"
        assert db.session.scalar(db.select(SecurityEvent.kind).where(SecurityEvent.kind == "task_dropped"))
        assert queue.requeue_stale(utcnow() + timedelta(days=1)) == 0
    assert f'id="task-{task_id}"' not in admin.get("/desk/admin/tasks").get_data(as_text=True)


def test_only_admins_reach_the_failed_tasks(app, login_as):
    for role in ("supervisor", "agent", "backoffice", "engineer", "customer"):
        assert login_as(role).get("/desk/admin/tasks").status_code == 403


def test_a_message_that_kept_failing_is_marked_failed_and_a_retry_sends_it(app, login_as, monkeypatch):
    app.config.update(TASKS_MAX_ATTEMPTS=1, MAIL_SERVER="smtp.test")

    def down(*args, **kwargs):
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(smtplib, "SMTP", down)
    with app.app_context():
        ticket_id = db.session.scalar(db.select(Ticket.id)) or make_ticket(app)
    with app.app_context():
        notice = mailer.queue_notice(Notification(ticket_id=ticket_id, kind="ticket_registered", channel="email",
                                                  recipient="zhang@example.com", body="SR-X", status="queued"))
        db.session.commit()
        notice_id = notice.id
        assert db.session.get(Notification, notice_id).status == "failed"
        task_id = db.session.scalar(db.select(QueuedTask.id).where(QueuedTask.state == "failed"))
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    assert login_as("admin").post_form(f"/desk/admin/tasks/{task_id}/retry").status_code == 302
    with app.app_context():
        assert db.session.get(Notification, notice_id).status == "sent"
    assert [m["To"] for m in FakeSMTP.sent] == ["zhang@example.com"]
