"""`flask print-jobs run`: build queued batch PDFs beside gunicorn."""
import click
from flask.cli import AppGroup

from portal.tasks import print_jobs

group = AppGroup("print-jobs", help="Batch printing of service reports.")


@group.command("run")
@click.option("--once", is_flag=True, help="Process what is queued now, then stop.")
def run_print_jobs(once):
    """Build queued batch PDFs (run beside gunicorn with PRINT_JOBS_IN_PROCESS=0)."""
    if once:
        click.echo(f"{print_jobs.run_pending()} batch job(s) processed.")
        return
    print_jobs.worker_forever()
