"""Batch printing: a job row per request, built on the task queue by portal.tasks.print_jobs."""
from flask_babel import lazy_gettext as _l

from portal.domain.roles import Role
from portal.extensions import db
from portal.models import BatchJob, Ticket
from portal.services import ServiceError, jobs

MAX_TICKETS = 1000


def create_job(user, ticket_ids, description: str) -> BatchJob:
    ids = list(dict.fromkeys(int(i) for i in ticket_ids))
    if not ids:
        raise ServiceError(_l("No tickets match: nothing to print."), status=422)
    if len(ids) > MAX_TICKETS:
        raise ServiceError(_l("At most %(n)s tickets per batch: narrow the filters.", n=MAX_TICKETS), status=422)
    known = db.session.scalar(db.select(db.func.count()).select_from(Ticket).where(Ticket.id.in_(ids)))
    if known != len(ids):
        raise ServiceError(_l("Some of the selected tickets do not exist."), status=422)
    job = BatchJob(requested_by_id=user.id, ticket_ids=ids, description=description[:300], total=len(ids),
                   done=0, state="queued")
    db.session.add(job)
    db.session.flush()
    jobs.add("print_batch", job.id)
    return job


def job_for(job_id: int, user) -> BatchJob | None:
    job = db.session.get(BatchJob, job_id)
    if job is None or (job.requested_by_id != user.id and user.role != Role.ADMIN):
        return None
    return job
