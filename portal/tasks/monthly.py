"""Monthly reports on the task queue: one built per MonthlyReport row with its progress committed step by step,
and on the 1st of each month the report for the month before. A built report is never built again."""
import logging

from huey import crontab
from sqlalchemy import update

from portal.domain.time import utcnow
from portal.extensions import db, huey
from portal.models import MonthlyReport
from portal.services import monthly
from portal.services.storage import store_bytes
from portal.tasks.queue import app_context, gave_up, handler

log = logging.getLogger(__name__)


@handler("monthly_report")
def build(report_id: int) -> None:
    report = db.session.get(MonthlyReport, report_id)
    if report is None or report.state == "done":
        return
    _set(report_id, state="running", done=0, error=None)
    try:
        data = monthly.render(db.session.get(MonthlyReport, report_id), progress=lambda step: _set(report_id,
                                                                                                    done=step))
        key, _sha = store_bytes(data, ".pdf")
        _set(report_id, storage_key=key, size=len(data), state="done", done=monthly.STEPS, finished_at=utcnow())
        monthly.tell_subscribers(db.session.get(MonthlyReport, report_id))
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        _set(report_id, state="running", error=type(error).__name__)
        raise


def _set(report_id: int, **values) -> None:
    db.session.execute(update(MonthlyReport).where(MonthlyReport.id == report_id).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


@gave_up("monthly_report")
def mark_failed(report_id: int) -> None:
    report = db.session.get(MonthlyReport, report_id)
    if report is not None and report.state != "done":
        report.state, report.finished_at = "failed", utcnow()


def schedule() -> None:
    if monthly.schedule_last_month() is not None:
        db.session.commit()


@huey.periodic_task(crontab(day="1", hour="6", minute="0"))
def first_of_the_month() -> None:
    with app_context():
        schedule()
