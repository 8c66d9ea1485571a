"""Background work on the task queue (portal.tasks.queue): batch printing, the SLA sweep, message delivery,
progress reminders, the satisfaction call-back, loyalty points' expiry, account managers' check-ins, proactive
service, the dashboard's figures, the monthly report, large master-data imports, closing resolutions without a
visit nobody answered, reading e-mail replies. Each task commits its own progress (use cases only flush); importing
this package registers every handler."""
from portal.tasks import (
    account_care,
    callbacks,
    imports,
    mail,
    monthly,
    points,
    print_jobs,
    proactive,
    progress,
    queue,
    remote,
    replies,
    sla,
    stats,
)

__all__ = ["account_care", "callbacks", "imports", "mail", "monthly", "points", "print_jobs", "proactive", "progress",
           "queue", "remote", "replies", "sla", "stats"]
