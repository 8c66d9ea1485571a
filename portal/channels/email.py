"""E-mail through SMTP (portal.services.mailer has the settings and the message). Without MAIL_SERVER the message
is kept on the admin's page of unsent mail (development) and sent nowhere."""
import smtplib

from portal.channels.base import Message, PermanentFailure, TemporaryFailure
from portal.services.mailer import SmtpSettings, keep_unsent, message


class EmailAdapter:
    name = "smtp"

    def __init__(self, settings: SmtpSettings | None):
        self.settings = settings

    def send(self, mail: Message) -> str:
        if "@" not in mail.recipient:
            raise PermanentFailure("not an e-mail address")
        if self.settings is None:
            keep_unsent(mail.kind, mail.recipient, mail.body, mail.attachments)
            return "kept"
        try:
            smtp = self.settings.connect()
        except (OSError, smtplib.SMTPException) as error:
            raise TemporaryFailure(f"mail server unreachable: {type(error).__name__}") from None
        try:
            smtp.send_message(message(self.settings, mail.kind, mail.recipient, mail.body, mail.attachments,
                                      reply_to=mail.reply_to, preferences_link=mail.preferences_link))
        except smtplib.SMTPRecipientsRefused:
            raise PermanentFailure("recipient refused") from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            if error.smtp_code >= 500:
                raise PermanentFailure(f"refused: {error.smtp_code}") from None
            raise TemporaryFailure(f"refused for now: {error.smtp_code}") from None
        except (OSError, smtplib.SMTPException) as error:
            raise TemporaryFailure(f"mail server: {type(error).__name__}") from None
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
        return "sent"
