"""Sign-in sessions: one row per sign-in on one device, which the server can end."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.time import utcnow
from portal.extensions import db


class UserSession(db.Model):
    """A sign-in: the session and remember cookies carry its key, the row keeps only the key's SHA-256 (a
    database dump hands out no working session). Read once per request by primary key, with its user."""

    __tablename__ = "user_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the key in the cookies
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Written at most once a minute, after the response (portal.web.session).
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(30))
    remember: Mapped[bool] = mapped_column(default=False)
    method: Mapped[str] = mapped_column(String(20))  # how the user signed in: password, totp, link, …
    # What the account was at sign-in: a changed role or password ends the session, whatever changed it.
    role: Mapped[str] = mapped_column(String(20))
    credential_stamp: Mapped[str] = mapped_column(String(16))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    last_ip: Mapped[str | None] = mapped_column(String(45))

    user = relationship("User")
