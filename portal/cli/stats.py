"""`flask stats rebuild`: the dashboard's figures read again now (after an upgrade that adds figures, or an import)."""
import click
from flask.cli import AppGroup

from portal.tasks import stats

group = AppGroup("stats", help="The dashboard's figures.")


@group.command("rebuild")
def stats_rebuild():
    """Refresh every ticket's rollup row and rebuild the daily pre-aggregates (the task queue does it nightly)."""
    batches = stats.rebuild()
    click.echo(f"rollup refreshed in {batches} batch(es); daily figures rebuilt")
