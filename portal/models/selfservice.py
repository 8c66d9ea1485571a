"""What customers do for themselves: sign-in links, knowledge-base answers, quotes they decide on, the
survey after closing, and the follow-up tasks these raise for supervisors."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, DateTime, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import TimestampMixin, utcnow


class AccessToken(TimestampMixin, db.Model):
    """A single-use, expiring link: an invitation to set a password, or a passwordless sign-in.
    Only the token's SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # invite | login
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    user = relationship("User", foreign_keys=[user_id])


class KnowledgeArticle(TimestampMixin, db.Model):
    """A published answer customers see while they describe a problem."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    product_category: Mapped[str | None] = mapped_column(String(60), index=True)  # ProductModel.category
    keywords: Mapped[str | None] = mapped_column(String(500))  # space-separated, any language
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    published: Mapped[bool] = mapped_column(default=True)


class Quote(TimestampMixin, db.Model):
    """The price of a paid (out-of-warranty) repair, which the customer approves or declines. The decision
    is recorded like a signature: name, times, IP, user agent and the SHA-256 of the quote shown."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    items: Mapped[list] = mapped_column(JSON)  # [{"description", "quantity", "unit_price"}] as strings
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | approved | declined | withdrawn
    content_sha256: Mapped[str] = mapped_column(String(64))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_name: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    client_decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decline_reason: Mapped[str | None] = mapped_column(String(500))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(400))

    created_by = relationship("User", foreign_keys=[created_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])


class Survey(db.Model):
    """The short survey after closing: open for 7 days, one per ticket."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), unique=True)
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    speed: Mapped[int | None]
    engineer: Mapped[int | None]
    result: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    ticket = relationship("Ticket")


class FollowUpTask(db.Model):
    """Work for a supervisor that a customer raised: a low rating, an escalation, a complaint."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # low_rating | escalation | complaint
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # open | done
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    done_note: Mapped[str | None] = mapped_column(Text)

    ticket = relationship("Ticket")
