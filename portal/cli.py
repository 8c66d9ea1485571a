"""Command-line tools: `flask demo seed|accounts`, `flask user create`, `flask notifications send`."""
import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal import demo
from portal.extensions import db
from portal.models import User
from portal.models.user import Role


def register_cli(app: Flask) -> None:
    group = AppGroup("demo", help="Demo data for trying the portal.")

    @group.command("seed")
    def seed_command():
        """Create the demo customers, staff and parts (once; running it again changes nothing)."""
        made = demo.seed_seal(current_app.config)
        if made:
            click.echo(f"Demo seal certificate (self-signed) in {made}.")
        created = demo.seed()
        db.session.commit()
        click.echo("Demo data created." if created else "Demo data already present: nothing changed.")

    @group.command("accounts")
    def accounts_command():
        """Print the demo accounts and their passwords."""
        click.echo("\nDemo accounts (sign in at http://127.0.0.1:5000/login):")
        for email, password, name, role, _senior, _dept in demo.ACCOUNTS:
            click.echo(f"  {role:<11} {email:<24} {password:<17} {name}")
        click.echo("")

    app.cli.add_command(group)

    users = AppGroup("user", help="Accounts.")

    @users.command("create")
    @click.argument("email")
    @click.option("--name", required=True)
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--senior", is_flag=True, help="A senior engineer (may lead P1-P2).")
    @click.password_option()
    def create_user(email, name, role, senior, password):
        """Create an account, for example the first admin of a production install."""
        email = email.strip().lower()
        if db.session.scalar(db.select(User.id).where(User.email == email)):
            raise click.ClickException(f"{email} exists already")
        user = User(email=email, name=name, role=role, is_senior=senior)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        click.echo(f"Created {role} {email}.")

    app.cli.add_command(users)

    jobs = AppGroup("print-jobs", help="Batch printing of service reports.")

    @jobs.command("run")
    @click.option("--once", is_flag=True, help="Process what is queued now, then stop.")
    def run_print_jobs(once):
        """Build queued batch PDFs (run beside gunicorn with PRINT_JOBS_IN_PROCESS=0)."""
        from portal.services import batch
        if once:
            click.echo(f"{batch.run_pending()} batch job(s) processed.")
            return
        batch.worker_forever()

    app.cli.add_command(jobs)

    sla_group = AppGroup("sla", help="Service-level clocks.")

    @sla_group.command("sweep")
    def sla_sweep():
        """Mark tickets at risk or breached and escalate breaches; run every minute (cron or a worker)."""
        from portal.services import sla
        counts = sla.sweep()
        click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))

    app.cli.add_command(sla_group)

    notifications = AppGroup("notifications", help="Messages queued for customers.")

    @notifications.command("send")
    def send_notifications():
        """Deliver queued e-mail notifications through SMTP (MAIL_SERVER ...); run every minute from cron."""
        from portal.services import mailer
        counts = mailer.send_queued()
        if counts is None:
            click.echo("MAIL_SERVER is not set: no e-mail sent.")
            return
        click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))

    app.cli.add_command(notifications)
