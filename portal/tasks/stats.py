"""The dashboards' periodic work: every minute the derived levels of the days commits marked stale are summed
again; every night the rollup rows are read again (clocks that only time moves) and the daily pre-aggregates
rebuilt from them, and the batch-defect check runs. All are idempotent: a second run changes nothing."""
import logging
from datetime import datetime

from huey import crontab

from portal.extensions import db, huey
from portal.services import defects, rollup, stats
from portal.tasks.queue import app_context

log = logging.getLogger(__name__)


def rebuild(batch: int = 500, since: datetime | None = None) -> int:
    """Refresh the rollup row of every ticket (changed since `since`), a committed batch at a time, then every
    daily pre-aggregate from the rows (the base level, then the derived ones, a batch of days at a time)."""
    done, last = 0, 0
    while (last := stats.refresh_batch(last, batch, since, rebuild_follows=True)) is not None:
        db.session.commit()
        done += 1
    rollup.rebuild()
    db.session.commit()
    derive(batches=10_000)
    return done


def derive(batches: int = 100) -> int:
    """The derived levels of the stale days, a committed batch of days at a time (at most `batches`: days that
    commits keep marking wait for the next minute); the days derived."""
    done = 0
    for i in range(batches):
        days = rollup.derive_stale()
        db.session.commit()
        if not days:
            break
        done += days
        if i == 0 and days == rollup.STALE_BATCH:  # a catch-up (after the upgrade): levels the planner never saw
            rollup.analyze()
            db.session.commit()
    return done


@huey.periodic_task(crontab(minute="*"))
def derive_every_minute() -> None:
    with app_context():
        derive()


def defect_check() -> int:
    flags = defects.check()
    db.session.commit()
    return len(flags)


@huey.periodic_task(crontab(hour="2", minute="15"))
def nightly() -> None:
    with app_context():
        rebuild()
        found = defect_check()
        if found:
            log.info("batch-defect check: %d new flags", found)
