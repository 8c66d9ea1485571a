"""`flask demo seed|accounts`: the demo data of `make run`."""
import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.seed import demo

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
