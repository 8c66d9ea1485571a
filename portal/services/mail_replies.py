"""E-mail replies come back: every customer e-mail about a ticket carries a reply address of its own in Reply-To
(REPLY_ADDRESS with the ticket's id and a keyed hash in the local part: replies+t42-<20 hex>@example.com), and a
periodic task (portal.tasks.replies) reads the reply mailbox over IMAP. Each new message is parsed here, its
quoted text cut, its attachments ignored, and it lands on the ticket its address names
(portal.services.replies.land). A message is handled once (InboundMail keeps the hash of its Message-ID) and
marked \\Seen; one without a valid reply address is kept off every ticket and logged by its hash alone, never
its sender or text."""
import hashlib
import hmac
import imaplib
import logging
import re
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from flask import current_app

from portal.domain.roles import Role
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import InboundMail, Ticket, User
from portal.services import replies

log = logging.getLogger(__name__)

SIGNATURE_LENGTH = 20  # hex digits of the keyed hash: 80 bits, case-proof (mail servers may fold the local part)
_TAG = re.compile(rf"\+t(\d{{1,12}})-([0-9a-f]{{{SIGNATURE_LENGTH}}})@", re.IGNORECASE)
# Where the quoted mail begins: "On … wrote:", "在 … 写道：", Outlook's separator and header block.
_QUOTE_START = re.compile(r"^(在.{1,200}写道[:：]?|-{2,}\s*(original message|原始邮件)\s*-{2,}|(from|发件人)\s*[:：])",
                          re.IGNORECASE)
_WROTE = re.compile(r"wrote:\s*$", re.IGNORECASE)
ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To")
MAX_MESSAGE = 5 * 1024 * 1024  # larger messages (attachments) are read no further than their headers' worth
BATCH = 100


def _signature(ticket_id: int) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"reply-to:{ticket_id}".encode(), hashlib.sha256).hexdigest()[:SIGNATURE_LENGTH]


def reply_address(ticket_id: int | None) -> str | None:
    """The ticket's reply address, or None when REPLY_ADDRESS is not set."""
    base = current_app.config.get("REPLY_ADDRESS") or ""
    if ticket_id is None or "@" not in base:
        return None
    local, domain = base.rsplit("@", 1)
    return f"{local.split('+', 1)[0]}+t{ticket_id}-{_signature(ticket_id)}@{domain}"


def ticket_id_from(addresses) -> int | None:
    """The ticket a reply address among `addresses` names, when its hash is ours; else None."""
    for address in addresses:
        match = _TAG.search(address or "")
        if match and hmac.compare_digest(match.group(2).lower(), _signature(int(match.group(1)))):
            return int(match.group(1))
    return None


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "blockquote"):
            self.skip += 1
        elif tag in ("br", "p", "div", "li", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "blockquote") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def strip_quoted(text: str) -> str:
    """The new text of a reply: quoted lines (">"), the quoted mail after its "On … wrote:" line, and the
    signature after "-- " left out."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if _QUOTE_START.match(stripped) or line.rstrip() == "--" or line == "-- " or (
                stripped.lower().startswith("on ") and (_WROTE.search(stripped) or _WROTE.search(following))):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


@dataclass(frozen=True)
class Reply:
    message_hash: str
    addresses: tuple[str, ...]
    sender: str
    text: str
    automatic: bool
    attachments: int


def parse(raw: bytes) -> Reply:
    mail = BytesParser(policy=policy.default).parsebytes(raw)
    message_id = str(mail.get("Message-ID") or "").strip()
    digest = hashlib.sha256(message_id.encode() if message_id else raw).hexdigest()
    addresses = tuple(address for _name, address in getaddresses(
        [str(value) for header in ADDRESS_HEADERS for value in (mail.get_all(header) or [])]))
    body = mail.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        try:
            content = body.get_content()
        except (LookupError, ValueError):  # an unknown charset or a broken transfer encoding
            content = body.get_payload(decode=True).decode("utf-8", "replace") if body.get_payload() else ""
        text = html_text(content) if body.get_content_subtype() == "html" else content
    automatic = str(mail.get("Auto-Submitted") or "no").lower() != "no" or \
        str(mail.get("Precedence") or "").lower() in ("bulk", "junk", "auto_reply")
    return Reply(message_hash=digest, addresses=addresses, sender=parseaddr(str(mail.get("From") or ""))[1].lower(),
                 text=strip_quoted(text), automatic=automatic,
                 attachments=sum(1 for _part in mail.iter_attachments()))


def _sender_account(ticket: Ticket, sender: str) -> User | None:
    if not sender or ticket.customer_id is None:
        return None
    return db.session.scalar(db.select(User).where(
        User.customer_id == ticket.customer_id, User.role == Role.CUSTOMER, User.active.is_(True),
        db.func.lower(User.email) == sender))


def handle(raw: bytes) -> str:
    """Record one message (flushed, not committed): recorded | unknown | empty | automatic | seen (done before)."""
    reply = parse(raw)
    if db.session.scalar(db.select(InboundMail.id).where(InboundMail.message_hash == reply.message_hash)):
        return "seen"
    ticket_id = ticket_id_from(reply.addresses)
    ticket = db.session.get(Ticket, ticket_id) if ticket_id is not None else None
    if reply.automatic:
        outcome = "automatic"
    elif ticket is None:
        outcome = "unknown"
        log.warning("an e-mail without a valid reply address was set aside (message %s)", reply.message_hash[:12])
    elif not reply.text:
        outcome = "empty"
    else:
        event = replies.land(ticket, _sender_account(ticket, reply.sender), reply.text, via="email",
                             msg_id=reply.message_hash)
        if reply.attachments:
            event.data = {**(event.data or {}), "attachments_ignored": reply.attachments}
        outcome = "recorded"
    db.session.add(InboundMail(message_hash=reply.message_hash, outcome=outcome,
                               ticket_id=ticket.id if ticket is not None else None, received_at=utcnow()))
    db.session.flush()
    return outcome


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    ssl: bool
    folder: str
    timeout: float

    @classmethod
    def from_config(cls, config) -> "ImapSettings | None":
        if not config.get("IMAP_HOST") or not config.get("IMAP_USER"):
            return None
        ssl = bool(config.get("IMAP_SSL"))
        return cls(config["IMAP_HOST"], int(config.get("IMAP_PORT") or (993 if ssl else 143)), config["IMAP_USER"],
                   config.get("IMAP_PASSWORD") or "", ssl, config.get("IMAP_FOLDER") or "INBOX",
                   float(config.get("IMAP_TIMEOUT") or 30))

    def connect(self) -> imaplib.IMAP4:
        if self.ssl:
            return imaplib.IMAP4_SSL(self.host, self.port, timeout=self.timeout)
        return imaplib.IMAP4(self.host, self.port, timeout=self.timeout)
