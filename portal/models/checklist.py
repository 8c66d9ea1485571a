"""Inspection checklists per product category."""
from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class ChecklistTemplate(db.Model):
    """Inspection items for one product category.

    `items`: [{"key", "label": {"zh_CN", "en"}, "kind": "yesno" | "value" | "photo", "required", "unit"}]
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    items: Mapped[list] = mapped_column(JSON)
