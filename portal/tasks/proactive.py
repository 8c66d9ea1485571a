"""Proactive service on the task queue: a campaign's tickets and messages (its Campaign row is the record), and
every morning the warranty-ending notices, the maintenance visits due within their lead time and the report of
skipped ones. Each is idempotent: a second run adds nothing."""
import logging

from huey import crontab

from portal.extensions import db, huey
from portal.models import Campaign
from portal.services import proactive
from portal.tasks.queue import app_context, handler

log = logging.getLogger(__name__)


@handler("launch_campaign")
def launch_campaign(campaign_id: int) -> None:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.state == "done":
        return
    added = proactive.launch(campaign)
    log.info("campaign %s: %s unit(s) added", campaign_id, added)


def morning_run() -> dict:
    counts = {"warranty_notices": proactive.send_warranty_notices()}
    db.session.commit()
    counts["maintenance_visits"] = proactive.generate_visits()
    db.session.commit()
    counts["skipped_visits"] = proactive.report_skipped()
    db.session.commit()
    return counts


@huey.periodic_task(crontab(minute="15", hour="1"))
def proactive_every_morning() -> None:
    """09:15 in Shanghai. Periodic, with no row: the WarrantyNotice and PlannedVisit rows are the record."""
    with app_context():
        log.info("proactive service: %s", morning_run())
