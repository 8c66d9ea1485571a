"""Knowledge-base answers for a problem being described: published articles of the product's category."""
from portal.domain import knowledge
from portal.extensions import db
from portal.models import KnowledgeArticle

MAX_TEXT = 1000  # what is read of the description: the start says what the problem is


def suggest(text: str | None, category: str | None, limit: int = 3) -> list[KnowledgeArticle]:
    """At most `limit` published articles that fit `text`, best first. The table is small: scored in Python."""
    text = (text or "")[:MAX_TEXT]
    if len(text.strip()) < 2:
        return []
    query = db.select(KnowledgeArticle).where(KnowledgeArticle.published.is_(True))
    if category:
        query = query.where(db.or_(KnowledgeArticle.product_category == category,
                                   KnowledgeArticle.product_category.is_(None)))
    articles = db.session.scalars(query).all()
    candidates = [knowledge.Candidate(a.id, a.title, a.keywords, a.product_category) for a in articles]
    by_id = {a.id: a for a in articles}
    return [by_id[i] for i in knowledge.best(text, candidates, category, limit)]
