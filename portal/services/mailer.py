"""E-mail through SMTP (stdlib smtplib): the settings, the message, and e-mail queued for the task queue
(portal.tasks.mail delivers it). In production recipients, bodies and links are never logged; without a mail
server in development they are (see keep_unsent)."""
import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app

from portal.domain.privacy import mask_email
from portal.extensions import db
from portal.models import Notification, OutgoingMail
from portal.services import jobs

log = logging.getLogger(__name__)

# Bilingual subjects: the sender runs on the task queue, outside any request and its language.
SUBJECTS = {
    "ticket_registered": "服务请求已登记 / Your service request is registered",
    "portal_invite": "客户门户邀请 / Your invitation to the customer portal",
    "login_link": "登录链接 / Your sign-in link",
    "signing_link": "请签字确认服务 / Please confirm and sign your service",
    "signing_code": "签字验证码 / Your signing code",
    "account_locked": "账户已锁定 / Sign-in to your account is locked",
    "visit_booked": "上门服务已预约 / Your service visit is booked",
    "visit_moved": "上门服务时间已变更 / Your service visit is moved",
    "visit_cancelled": "上门服务已取消 / Your service visit is cancelled",
    "engineer_on_the_way": "工程师已出发 / Your engineer is on the way",
    "progress_update": "服务进展 / Progress on your service request",
    "monthly_report": "月度服务报告已生成 / The monthly service report is ready",
}
# Their text holds a link or a code: wiped from the row once sent (or given up).
SECRET_KINDS = frozenset({"portal_invite", "login_link", "signing_link", "signing_code", "phone_code"})
# Ticket messages whose link acts without signing in (confirming a resolution without a visit): the desk reads them
# with the token cut out, and the token is cut from the row once sent (or given up).
LINK_KINDS = frozenset({"resolved_remotely"})
DEFAULT_SUBJECT = "售后服务通知 / After-sales service notice"
# At the end of ticket e-mails to a contact: where they choose which messages come, where and when.
PREFERENCES_FOOTER = "消息设置或退订 / Message preferences or unsubscribe: {link}"


@dataclass(frozen=True)
class SmtpSettings:
    server: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    sender: str

    @classmethod
    def from_config(cls, config) -> "SmtpSettings | None":
        if not config.get("MAIL_SERVER"):
            return None
        return cls(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), config.get("MAIL_USERNAME"),
                   config.get("MAIL_PASSWORD"), bool(config.get("MAIL_USE_TLS")), config["MAIL_FROM"])

    def connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.server, self.port, timeout=20)
        if self.use_tls:
            smtp.starttls()
        if self.username:
            smtp.login(self.username, self.password or "")
        return smtp


def message(settings: SmtpSettings, kind: str, recipient: str, body: str, attachments=(),
            reply_to: str | None = None, preferences_link: str | None = None) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = SUBJECTS.get(kind, DEFAULT_SUBJECT)
    mail["From"] = settings.sender
    mail["To"] = recipient
    if reply_to:
        mail["Reply-To"] = reply_to
    if preferences_link:
        mail["List-Unsubscribe"] = f"<{preferences_link}>"
    mail.set_content(body)
    for filename, mime, content in attachments:
        maintype, subtype = mime.split("/", 1)
        mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return mail


def keep_unsent(kind: str, recipient: str, body: str, attachments=()) -> None:
    """No mail server: outside production the message is kept (the admin's page of mail that would have been
    sent) and written to the log, links and codes included, so that a developer can follow them. In production
    nothing of it is kept or logged: a link or a code must not outlive the mail that was never sent."""
    if current_app.config.get("ENV_NAME") == "production":
        log.warning("MAIL_SERVER is not set: a %s e-mail was not sent", kind)
        return
    names = "".join(f"\n\n[附件 / attachment: {name}]" for name, _mime, _content in attachments)
    db.session.add(OutgoingMail(kind=kind, recipient=recipient, subject=SUBJECTS.get(kind, DEFAULT_SUBJECT),
                                body=body + names))
    log.info("MAIL_SERVER is not set: %s e-mail to %s kept on the page of unsent mail:\n%s", kind,
             mask_email(recipient), body)


def queue_notice(notice: Notification) -> Notification:
    """Add a message and its task: the queue delivers it once the request commits (a rollback sends nothing)."""
    if notice.channel == "portal":
        notice.status = "inbox"  # the customer's inbox item is the message (portal.services.inbox)
    db.session.add(notice)
    db.session.flush()
    if notice.channel != "portal":
        jobs.add("deliver_message", notice.id, run_after=notice.held_until)
    return notice


def queue_mail(kind: str, recipient: str, body: str) -> Notification:
    """An account e-mail (invitation, sign-in link, signing link or code, lock notice): queued like any message,
    on no ticket, so that nobody at the desk reads its link; its text is wiped once it was sent or given up."""
    return queue_notice(Notification(ticket_id=None, kind=kind, channel="email", recipient=recipient, body=body,
                                     status="queued"))
