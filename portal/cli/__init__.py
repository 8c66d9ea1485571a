"""Command-line tools, one group per area: `flask demo …`, `flask user …`, `flask sla …`, `flask tasks …`."""
from flask import Flask

from portal.cli import demo, sla, tasks, users

GROUPS = (demo.group, users.group, sla.group, tasks.group)


def register_cli(app: Flask) -> None:
    for group in GROUPS:
        app.cli.add_command(group)
