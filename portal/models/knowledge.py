"""Knowledge-base articles offered while a problem is described."""
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._base import TimestampMixin


class KnowledgeArticle(TimestampMixin, db.Model):
    """A published answer customers see while they describe a problem."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    product_category: Mapped[str | None] = mapped_column(String(60), index=True)  # ProductModel.category
    keywords: Mapped[str | None] = mapped_column(String(500))  # space-separated, any language
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    published: Mapped[bool] = mapped_column(default=True)
