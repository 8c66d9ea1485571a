"""After the service: the customer's survey and the follow-up tasks customers raise for supervisors."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.time import utcnow
from portal.extensions import db


class Survey(db.Model):
    """The short survey after closing: open for 7 days, one per ticket; written when the invitation goes out
    (or on submission)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), unique=True)
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    speed: Mapped[int | None]
    engineer: Mapped[int | None]
    result: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Seed 004's overall answer (satisfied | basically_satisfied | unsatisfied), from the survey or the desk's
    # call-back; the invitation and its one reminder (portal.services.callbacks), each sent once.
    satisfaction: Mapped[str | None] = mapped_column(String(20))
    invited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    ticket = relationship("Ticket")


class FollowUpTask(db.Model):
    """Work for a supervisor that a customer raised: a low rating, an escalation, a complaint."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # low_rating | escalation | complaint | signing_link | callback
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # open | done
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    done_note: Mapped[str | None] = mapped_column(Text)

    ticket = relationship("Ticket")

    @property
    def is_open(self) -> bool:
        return self.status == "open"
