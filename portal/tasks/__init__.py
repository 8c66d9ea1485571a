"""Background work on the task queue (portal.tasks.queue): batch printing, the SLA sweep, message delivery,
progress reminders, the satisfaction call-back, loyalty points' expiry. Each task commits its own progress (use
cases only flush); importing this package registers every handler."""
from portal.tasks import callbacks, mail, points, print_jobs, progress, queue, sla

__all__ = ["callbacks", "mail", "points", "print_jobs", "progress", "queue", "sla"]
