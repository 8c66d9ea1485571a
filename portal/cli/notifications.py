"""`flask notifications send`: deliver queued e-mail."""
import click
from flask.cli import AppGroup

from portal.tasks import mail

group = AppGroup("notifications", help="Messages queued for customers.")


@group.command("send")
def send_notifications():
    """Deliver queued e-mail notifications through SMTP (MAIL_SERVER ...); run every minute from cron."""
    counts = mail.send_queued()
    if counts is None:
        click.echo("MAIL_SERVER is not set: no e-mail sent.")
        return
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))
