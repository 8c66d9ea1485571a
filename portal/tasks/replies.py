"""Reading the reply mailbox over IMAP every minute (portal.services.mail_replies); off while IMAP_HOST is unset.
A mailbox that does not answer is tried again the next minute; nothing is lost, the messages stay unread."""
import imaplib
import logging

from flask import current_app
from huey import crontab

from portal.extensions import huey
from portal.services import mail_replies
from portal.tasks.queue import app_context

log = logging.getLogger(__name__)


def read_mailbox() -> dict | None:
    settings = mail_replies.ImapSettings.from_config(current_app.config)
    if settings is None:
        return None
    try:
        counts = mail_replies.poll(settings)
    except (OSError, imaplib.IMAP4.error) as error:
        log.warning("the reply mailbox could not be read: %s", type(error).__name__)
        return None
    if counts:
        log.info("e-mail replies: %s", counts)
    return counts


@huey.periodic_task(crontab(minute="*"))
def read_mailbox_every_minute() -> None:
    with app_context():
        read_mailbox()
