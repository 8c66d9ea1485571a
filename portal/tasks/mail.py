"""Deliver an e-mail message (a Notification row) through SMTP, on the task queue. Idempotent: a message that
is no longer queued is left alone. A refused recipient fails at once; a server that does not answer raises, so
the queue retries with a back-off. Neither recipients nor texts are logged."""
import logging
import smtplib

from flask import current_app

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Notification
from portal.services.jobs import WIPED
from portal.services.mailer import SECRET_KINDS, SmtpSettings, keep_unsent, message
from portal.tasks.queue import gave_up, handler

log = logging.getLogger(__name__)


def _finish(notice: Notification, status: str) -> None:
    notice.status = status
    if status == "sent":
        notice.sent_at = utcnow()
    if notice.kind in SECRET_KINDS:
        notice.body = WIPED  # the link or code must not outlive the message


@handler("deliver_message")
def deliver(notice_id: int) -> None:
    notice = db.session.get(Notification, notice_id)
    if notice is None or notice.status != "queued" or notice.channel != "email":
        return
    if not notice.recipient or "@" not in notice.recipient:
        _finish(notice, "failed")
        return
    settings = SmtpSettings.from_config(current_app.config)
    if settings is None:
        keep_unsent(notice.kind, notice.recipient, notice.body)
        _finish(notice, "kept")
        return
    smtp = settings.connect()  # OSError, SMTPException: the queue retries later
    try:
        smtp.send_message(message(settings, notice.kind, notice.recipient, notice.body))
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        if getattr(error, "smtp_code", 550) < 500 and not isinstance(error, smtplib.SMTPRecipientsRefused):
            raise  # a temporary refusal (4xx): try again later
        log.warning("message %s refused by the mail server: %s", notice_id, type(error).__name__)
        _finish(notice, "failed")
        return
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
    _finish(notice, "sent")


@gave_up("deliver_message")
def mark_failed(notice_id: int) -> None:
    notice = db.session.get(Notification, notice_id)
    if notice is not None and notice.status == "queued":
        _finish(notice, "failed")
