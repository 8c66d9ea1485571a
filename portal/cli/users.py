"""`flask user …`: create accounts (the first admin of a production install), change a role, disable or enable
an account, turn off a lost phone's two-factor sign-in. Each change ends the account's sessions where it
should and goes into the security log."""
import click
from flask.cli import AppGroup

from portal.domain import passwords
from portal.domain.roles import Role
from portal.extensions import db
from portal.models import User
from portal.services import accounts

group = AppGroup("user", help="Accounts.")

# The command line speaks English (no request, no language): the rules' messages of portal.services.accounts.
PASSWORD_PROBLEMS = {
    passwords.TOO_SHORT: f"use at least {passwords.MIN_LENGTH} characters",
    passwords.TOO_LONG: f"use at most {passwords.MAX_LENGTH} characters",
    passwords.CONTAINS_EMAIL: "do not build the password from the e-mail address",
    passwords.TOO_COMMON: "this is one of the most common passwords: choose another",
}


def _account(email: str) -> User:
    user = db.session.scalar(db.select(User).where(User.email == accounts.normalized_email(email)))
    if user is None:
        raise click.ClickException(f"no account {email}")
    return user


@group.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--senior", is_flag=True, help="A senior engineer (may lead P1-P2).")
@click.password_option(help="At least 10 characters, not built from the e-mail address, not a common password.")
def create_user(email, name, role, senior, password):
    """Create an account, for example the first admin of a production install."""
    email = accounts.normalized_email(email)
    if db.session.scalar(db.select(User.id).where(User.email == email)):
        raise click.ClickException(f"{email} exists already")
    problem = passwords.password_problem(password, email)
    if problem:
        raise click.ClickException(PASSWORD_PROBLEMS[problem])
    user = User(email=email, name=name, role=role, is_senior=senior)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email}.")


@group.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def set_role(email, role):
    """Give an account another role; its sessions end."""
    accounts.set_role(_account(email), role)
    db.session.commit()
    click.echo(f"{email} is {role} now; signed out everywhere.")


@group.command("disable")
@click.argument("email")
def disable(email):
    """Disable an account; it is signed out everywhere at once."""
    accounts.set_active(_account(email), False)
    db.session.commit()
    click.echo(f"{email} is disabled.")


@group.command("enable")
@click.argument("email")
def enable(email):
    accounts.set_active(_account(email), True)
    db.session.commit()
    click.echo(f"{email} is enabled.")


@group.command("two-factor-off")
@click.argument("email")
def two_factor_off(email):
    """Turn off two-factor sign-in for someone who lost their phone and their recovery codes."""
    accounts.turn_off_two_factor(_account(email))
    db.session.commit()
    click.echo(f"Two-factor sign-in is off for {email}; they set it up again from their account page.")
