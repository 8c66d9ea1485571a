"""Background work on the task queue (portal.tasks.queue): batch printing, the SLA sweep, message delivery. Each
task commits its own progress (use cases only flush); importing this package registers every handler."""
from portal.tasks import account_care, mail, print_jobs, proactive, queue, sla

__all__ = ["account_care", "mail", "print_jobs", "proactive", "queue", "sla"]
