"""`flask sla sweep`: the changes to SLA clocks that only time makes."""
import click
from flask.cli import AppGroup

from portal.tasks import sla

group = AppGroup("sla", help="Service-level clocks.")


@group.command("sweep")
def sla_sweep():
    """Mark tickets at risk or breached and escalate breaches now (the task queue does it every minute)."""
    counts = sla.sweep()
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))
