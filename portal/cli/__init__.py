"""Command-line tools, one group per area: `flask demo …`, `flask user …`, `flask sla …`, `flask print-jobs …`,
`flask notifications …`."""
from flask import Flask

from portal.cli import demo, notifications, print_jobs, sla, users

GROUPS = (demo.group, users.group, sla.group, print_jobs.group, notifications.group)


def register_cli(app: Flask) -> None:
    for group in GROUPS:
        app.cli.add_command(group)
