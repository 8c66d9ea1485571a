"""Command-line tools, one group per area: `flask demo …`, `flask user …`, `flask sla …`, `flask tasks …`,
`flask stats …`."""
from flask import Flask

from portal.cli import demo, sla, stats, tasks, users

GROUPS = (demo.group, users.group, sla.group, tasks.group, stats.group)


def register_cli(app: Flask) -> None:
    for group in GROUPS:
        app.cli.add_command(group)
