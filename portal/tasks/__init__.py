"""Background work on the task queue (portal.tasks.queue): batch printing, the SLA sweep, message delivery. Each
task commits its own progress (use cases only flush); importing this package registers every handler."""
from portal.tasks import mail, print_jobs, queue, remote, sla

__all__ = ["mail", "print_jobs", "queue", "remote", "sla"]
