"""Knowledge-base articles offered while a problem is described, each for any number of product categories."""
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import TimestampMixin


class KnowledgeArticleCategory(db.Model):
    """One product category (ProductModel.category) an article is for; an article with none is for every product."""

    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_article.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


class KnowledgeArticle(TimestampMixin, db.Model):
    """A published answer customers see while they describe a problem."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    keywords: Mapped[str | None] = mapped_column(String(500))  # space-separated, any language
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    published: Mapped[bool] = mapped_column(default=True)
    # Read with the articles (one more statement for any number of them), never lazily while a page renders.
    category_rows: Mapped[list[KnowledgeArticleCategory]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=KnowledgeArticleCategory.category)

    @property
    def product_categories(self) -> list[str]:
        return [row.category for row in self.category_rows]

    @product_categories.setter
    def product_categories(self, values) -> None:
        wanted = sorted({v.strip()[:60] for v in values or () if v and v.strip()})
        keep = [row for row in self.category_rows if row.category in wanted]
        have = {row.category for row in keep}
        self.category_rows = keep + [KnowledgeArticleCategory(category=c) for c in wanted if c not in have]
