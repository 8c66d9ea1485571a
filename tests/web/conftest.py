"""Fixtures of the web tests: an SMTP server that keeps what would have been sent."""
import smtplib

import pytest


class FakeSMTP:
    """Stands in for smtplib.SMTP: keeps what would have been sent."""

    sent: list = []
    refuse: set = set()

    def __init__(self, host, port, timeout=None):
        self.host, self.port = host, port

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        if message["To"] in self.refuse:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
        FakeSMTP.sent.append(message)

    def quit(self):
        pass


@pytest.fixture
def mail(app, monkeypatch):
    FakeSMTP.sent, FakeSMTP.refuse = [], set()
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.test", MAIL_PORT=587, MAIL_FROM="service@example.com")
    return FakeSMTP
