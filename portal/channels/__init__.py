"""Message channels behind one small adapter interface (portal.channels.base): e-mail through SMTP, text messages
and WeChat through a generic HTTP provider or the log provider (development), chosen by the settings."""
from portal.channels.base import Adapter, Message, PermanentFailure, TemporaryFailure
from portal.channels.email import EmailAdapter
from portal.channels.http import HttpAdapter
from portal.channels.log import LogAdapter
from portal.services.mailer import SmtpSettings

__all__ = ["Adapter", "Message", "PermanentFailure", "TemporaryFailure", "adapter_for"]


def templates(text: str | None) -> dict[str, str]:
    """"ticket_registered=SMS_001, login_link=SMS_002" -> {kind: template id}."""
    pairs = (part.split("=", 1) for part in (text or "").replace(";", ",").split(",") if "=" in part)
    return {kind.strip(): template.strip() for kind, template in pairs if kind.strip() and template.strip()}


def adapter_for(channel: str, config) -> Adapter | None:
    """The adapter configured for `channel`; None when none is (the message is then not sent)."""
    if channel == "email":
        return EmailAdapter(SmtpSettings.from_config(config))
    prefix = {"sms": "SMS", "wechat": "WECHAT"}.get(channel)
    if prefix is None:
        return None
    provider = (config.get(f"{prefix}_PROVIDER") or "").lower()
    mapping = templates(config.get(f"{prefix}_TEMPLATES"))
    if provider == "log":
        return LogAdapter(mapping)
    if provider == "http" and config.get(f"{prefix}_URL"):
        return HttpAdapter(config[f"{prefix}_URL"], config.get(f"{prefix}_TOKEN"), mapping,
                           float(config.get("CHANNEL_TIMEOUT") or 10))
    return None
