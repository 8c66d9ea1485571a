"""Background work on the task queue (portal.tasks.queue): batch printing, the SLA sweep, message delivery,
loyalty points' expiry. Each task commits its own progress (use cases only flush); importing this package
registers every handler."""
from portal.tasks import mail, points, print_jobs, queue, sla

__all__ = ["mail", "points", "print_jobs", "queue", "sla"]
