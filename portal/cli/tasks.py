"""`flask tasks …`: the task queue's consumer (production: its own service beside gunicorn) and its upkeep."""
import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import huey
from portal.tasks import queue

group = AppGroup("tasks", help="The task queue (messages, batch printing, the SLA sweep).")


@group.command("worker")
@click.option("--workers", type=int, default=None, help="Worker threads (TASKS_WORKERS, 2).")
def worker(workers):
    """Run the consumer: the queue's tasks and the periodic ones (SLA sweep every minute, stale tasks)."""
    if huey.immediate:
        raise click.ClickException("the queue runs in immediate mode (tests): there is nothing to consume")
    # Polls an idle SQLite storage every 2 s at most (Redis blocks on its list instead).
    consumer = huey.create_consumer(workers=workers or current_app.config["TASKS_WORKERS"], worker_type="thread",
                                    max_delay=2.0)
    consumer.run()


@group.command("run-pending")
def run_pending():
    """Run the pending tasks due now in this process, then stop."""
    click.echo(f"{queue.run_pending()} task(s) run.")


@group.command("requeue")
def requeue():
    """Queue again the tasks left running or pending too long (the worker does this every minute)."""
    click.echo(f"{queue.requeue_stale()} task(s) queued again.")
