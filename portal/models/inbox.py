"""The in-app inbox of staff and customers: one row per message to one account, read or not."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import TimestampMixin


class InboxItem(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)  # in the recipient's language when it was written
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    ticket = relationship("Ticket")

    # The bell's count reads this index alone: (user, unread).
    __table_args__ = (Index("ix_inbox_item_user_read", "user_id", "read_at"),)


class MessagePreference(TimestampMixin, db.Model):
    """A customer account's choices (portal.domain.message_prefs): the channel per kind of message, opting out
    of text and e-mail messages, quiet hours ("22:00-08:00"; None: the portal's default, "": none)."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    channels: Mapped[dict | None] = mapped_column(JSON)
    opted_out: Mapped[bool] = mapped_column(default=False, server_default=false())
    quiet_hours: Mapped[str | None] = mapped_column(String(11))


class MessageText(TimestampMixin, db.Model):
    """An admin's text for one kind of message in one language, instead of the built-in one (placeholders checked
    on saving: portal.domain.message_texts)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    locale: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("kind", "locale", name="uq_message_text_kind_locale"),)


class WechatLink(TimestampMixin, db.Model):
    """A customer account's WeChat: the state in the QR code, then the openid the official account's callback
    gave (portal.services.wechat); WeChat messages reach the customer through it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    state: Mapped[str] = mapped_column(String(64), unique=True)
    openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    linked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class InboundMail(db.Model):
    """An e-mail read from the reply mailbox (portal.services.mail_replies), by the SHA-256 of its Message-ID: each
    one is handled once, however often the mailbox is read. No sender, subject or text is kept here."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # recorded (on the ticket) | unknown (no valid reply address) | empty (nothing left once quotes are cut)
    outcome: Mapped[str] = mapped_column(String(12))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProviderTemplate(TimestampMixin, db.Model):
    """The provider's approved template for one kind of message on one channel (SMS, WeChat), set by an admin:
    its id and the portal placeholder filling each template variable (portal.domain.provider_templates)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(40))
    template_id: Mapped[str] = mapped_column(String(80))
    variables: Mapped[dict | None] = mapped_column(JSON)  # template variable -> placeholder name
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    __table_args__ = (UniqueConstraint("channel", "kind", name="uq_provider_template_channel_kind"),)


class ContactPreference(TimestampMixin, db.Model):
    """A contact's own message choices (as MessagePreference), for contacts without a portal account: set by the
    desk or by the contact through the preferences link in messages. Messages to that contact follow them."""

    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True)
    channels: Mapped[dict | None] = mapped_column(JSON)
    opted_out: Mapped[bool] = mapped_column(default=False, server_default=false())
    quiet_hours: Mapped[str | None] = mapped_column(String(11))
