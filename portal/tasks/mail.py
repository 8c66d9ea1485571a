"""Deliver queued e-mail notifications through SMTP; the CLI runs it (`flask notifications send`)."""
import logging
import smtplib

from flask import current_app

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Notification
from portal.services.mailer import SmtpSettings, message

log = logging.getLogger(__name__)


def send_queued(limit: int = 200) -> dict | None:
    """Deliver queued e-mail notifications; None when no MAIL_SERVER is configured. Commits per message so
    that a crash halfway never sends one twice."""
    settings = SmtpSettings.from_config(current_app.config)
    if settings is None:
        return None
    counts = {"sent": 0, "failed": 0}
    queued = db.session.scalars(db.select(Notification).where(
        Notification.status == "queued", Notification.channel == "email").order_by(Notification.id).limit(limit)).all()
    if not queued:
        return counts
    try:
        smtp = settings.connect()
    except (OSError, smtplib.SMTPException) as error:
        log.warning("SMTP connection failed: %s", type(error).__name__)
        return {"sent": 0, "failed": 0, "deferred": len(queued)}
    try:
        for notice in queued:
            if not notice.recipient or "@" not in notice.recipient:
                notice.status = "failed"
            else:
                try:
                    smtp.send_message(message(settings, notice.kind, notice.recipient, notice.body))
                    notice.status, notice.sent_at = "sent", utcnow()
                except smtplib.SMTPException as error:
                    log.warning("notification %s not sent: %s", notice.id, type(error).__name__)
                    notice.status = "failed"
            counts[notice.status] += 1
            db.session.commit()
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return counts
