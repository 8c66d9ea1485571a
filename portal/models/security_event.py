"""The security log: who did what, when and from which address; never a password, token, secret or phone."""
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import TimestampMixin


class SecurityEvent(TimestampMixin, db.Model):
    """One event: `user` is the account it is about, `actor` who acted when someone else did (an admin, the
    CLI has none); `account` the masked address typed for a sign-in to no known account."""

    __tablename__ = "security_event"
    __table_args__ = (db.Index("ix_security_event_kind_id", "kind", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    account: Mapped[str | None] = mapped_column(String(254))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict | None] = mapped_column(JSON)

    user = relationship("User", foreign_keys=[user_id])
    actor = relationship("User", foreign_keys=[actor_id])
