"""Background work on the task queue (portal.tasks.queue): batch printing, the SLA sweep, message delivery. Each
task commits its own progress (use cases only flush); importing this package registers every handler."""
from portal.tasks import mail, monthly, print_jobs, queue, sla, stats

__all__ = ["mail", "monthly", "print_jobs", "queue", "sla", "stats"]
