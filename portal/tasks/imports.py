"""Master-data imports on the task queue: one run's rows and its final state in one commit, or nothing."""
from sqlalchemy import update

from portal.extensions import db
from portal.models import ImportRun, User
from portal.services import ServiceError, import_runs
from portal.tasks.queue import gave_up, handler


@handler("master_import")
def run_import(run_id: int) -> None:
    run = db.session.get(ImportRun, run_id)
    if run is None or run.state in import_runs.FINISHED:
        return
    db.session.execute(update(ImportRun).where(ImportRun.id == run_id).values(state="running")
                       .execution_options(synchronize_session=False))
    db.session.commit()
    run = db.session.get(ImportRun, run_id)
    by = db.session.get(User, run.requested_by_id) if run.requested_by_id else None
    try:
        created, updated = import_runs.execute(run, by)
    except ServiceError as refused:  # the file itself: retrying changes nothing
        db.session.rollback()
        import_runs.fail(db.session.get(ImportRun, run_id), str(refused.message))
        db.session.commit()
        return
    import_runs.finish(run, created, updated)
    db.session.commit()


@gave_up("master_import")
def mark_failed(run_id: int) -> None:
    run = db.session.get(ImportRun, run_id)
    if run is not None and run.state not in import_runs.FINISHED:
        import_runs.fail(run, "gave up after several attempts")
