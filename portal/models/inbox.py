"""The in-app inbox of staff and customers: one row per message to one account, read or not."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
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
