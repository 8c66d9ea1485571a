"""`flask user create`: accounts, for example the first admin of a production install."""
import click
from flask.cli import AppGroup

from portal.domain.roles import Role
from portal.extensions import db
from portal.models import User

group = AppGroup("user", help="Accounts.")


@group.command("create")
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
