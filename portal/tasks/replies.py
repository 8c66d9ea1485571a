"""Reading the reply mailbox over IMAP every minute (portal.services.mail_replies); off while IMAP_HOST is unset.
A mailbox that does not answer is tried again the next minute; nothing is lost, the messages stay unread."""
import imaplib
import logging

from flask import current_app
from huey import crontab
from sqlalchemy.exc import IntegrityError

from portal.extensions import db, huey
from portal.services import mail_replies
from portal.tasks.queue import app_context

log = logging.getLogger(__name__)


def _raw(parts) -> bytes | None:
    for part in parts or ():
        if isinstance(part, tuple) and len(part) == 2 and isinstance(part[1], bytes):
            return part[1]
    return None


def poll(settings: mail_replies.ImapSettings) -> dict:
    """Read the unseen messages of the reply mailbox; each is committed on its own, then marked \\Seen (a crash
    between the two reads it again, and its hash makes it a no-op). How many of each outcome."""
    counts: dict[str, int] = {}
    connection = settings.connect()
    try:
        connection.login(settings.user, settings.password)
        status, _ = connection.select(settings.folder)
        if status != "OK":
            raise imaplib.IMAP4.error("the reply folder could not be opened")
        status, found = connection.uid("SEARCH", None, "UNSEEN")
        for uid in (found[0].split() if status == "OK" and found and found[0] else [])[:mail_replies.BATCH]:
            status, parts = connection.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = _raw(parts) if status == "OK" else None
            if raw is None:
                continue
            try:
                outcome = mail_replies.handle(raw[:mail_replies.MAX_MESSAGE])
                db.session.commit()
            except IntegrityError:  # another worker recorded it meanwhile
                db.session.rollback()
                outcome = "seen"
            except Exception:  # noqa: BLE001 - left unseen and tried again next time; the others go on
                db.session.rollback()
                log.warning("an e-mail reply could not be handled; it stays unread", exc_info=True)
                continue
            connection.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            counts[outcome] = counts.get(outcome, 0) + 1
    finally:
        try:
            connection.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return counts


def read_mailbox() -> dict | None:
    settings = mail_replies.ImapSettings.from_config(current_app.config)
    if settings is None:
        return None
    try:
        counts = poll(settings)
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
