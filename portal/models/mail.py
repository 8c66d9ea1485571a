"""E-mail that would have been sent: kept, with its text, where no mail server is configured (development), so
that a developer sees the links and codes the portal sends."""
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._base import TimestampMixin


class OutgoingMail(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
