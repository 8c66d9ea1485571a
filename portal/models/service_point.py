"""Service points: the company's own sites (branches, depots) where engineers are based and units are repaired."""
from sqlalchemy import String, true
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._base import TimestampMixin


class ServicePoint(TimestampMixin, db.Model):
    __tablename__ = "service_point"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    address: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    opening_hours: Mapped[str | None] = mapped_column(String(200))  # as shown to customers, e.g. 周一至周六 9:00-18:00
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
