"""The customer's signed acceptance, and the remote links that let them sign on their own phone."""
from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import TimestampMixin


class Acceptance(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    engineer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    signature_id: Mapped[int] = mapped_column(ForeignKey("attachment.id"))
    signer_name: Mapped[str] = mapped_column(String(120))
    comment: Mapped[str | None] = mapped_column(Text)
    # The phone's clock as the customer signed, and ours when the request arrived.
    client_signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    server_received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user_agent: Mapped[str | None] = mapped_column(String(400))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    # The canonical summary the customer saw and signed, and its SHA-256.
    summary: Mapped[str] = mapped_column(Text)
    summary_sha256: Mapped[str] = mapped_column(String(64))
    verification_code: Mapped[str] = mapped_column(String(16), unique=True)
    # The verification step: the engineer's functional check, and what the customer confirms they saw.
    functional_check: Mapped[str | None] = mapped_column(Text)
    customer_verification: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[int | None]
    # The phone's clock when the request left it; the skew against our clock is flagged over 5 minutes.
    client_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    clock_skew_seconds: Mapped[int | None]
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_accuracy_m: Mapped[float | None] = mapped_column(Float)
    # Signed on the customer's own phone through a remote link, not on the engineer's.
    remote_link_id: Mapped[int | None] = mapped_column(ForeignKey("remote_acceptance_link.id"))

    signature = relationship("Attachment")
    engineer = relationship("User")
    remote_link = relationship("RemoteAcceptanceLink")

    SKEW_LIMIT_SECONDS = 300

    @property
    def clock_skew_flagged(self) -> bool:
        return self.clock_skew_seconds is not None and abs(self.clock_skew_seconds) > self.SKEW_LIMIT_SECONDS


class RemoteAcceptanceLink(TimestampMixin, db.Model):
    """A signed, expiring, single-use link that lets the customer sign on their own phone."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # Only the hash of the token is kept: a database dump does not hand out working links.
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Where the link and its one-time codes went (masked: the address is on the contact), and the code that proves
    # the signer reads that mailbox: its hash, expiry, when and how often it was sent, when it was confirmed.
    sent_to: Mapped[str | None] = mapped_column(String(254))
    code_sha256: Mapped[str | None] = mapped_column(String(64))
    code_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    code_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    codes_sent: Mapped[int] = mapped_column(default=0, server_default="0")
    code_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    created_by = relationship("User")


class ResolutionLink(TimestampMixin, db.Model):
    """A signed, expiring, single-use link in the message of a resolution without a visit: the customer confirms
    it or says it is not solved on their phone, without an account (portal.services.resolution_links)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    # Only the hash of the token is kept: a database dump does not hand out working links.
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The channel of the message that carried it (sms, email, wechat), and the answer given through it
    # (confirmed | not_resolved).
    channel: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(20))
