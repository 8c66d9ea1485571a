"""Routing rules: which department takes a ticket of a category."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db


class RoutingRule(db.Model):
    """Which department takes a ticket of a category (editable by an admin)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(30), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))

    department = relationship("Department")
