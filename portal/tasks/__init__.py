"""Background work on the task queue (portal.tasks.queue): batch printing, the SLA sweep, message delivery,
progress reminders, the satisfaction call-back. Each
task commits its own progress (use cases only flush); importing this package registers every handler."""
from portal.tasks import callbacks, mail, print_jobs, progress, queue, sla

__all__ = ["callbacks", "mail", "print_jobs", "progress", "queue", "sla"]
