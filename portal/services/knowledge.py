"""Knowledge-base answers for a problem being described (published articles of the product's category), and
the articles kept by supervisors, published or draft."""
from portal.domain import knowledge, search
from portal.extensions import db
from portal.models import KnowledgeArticle, KnowledgeArticleCategory
from portal.services import check_fresh, security_log

MAX_TEXT = 1000  # what is read of the description: the start says what the problem is


def suggest(text: str | None, category: str | None, limit: int = 3) -> list[KnowledgeArticle]:
    """At most `limit` published articles that fit `text`, best first. The table is small: scored in Python."""
    text = (text or "")[:MAX_TEXT]
    if len(text.strip()) < 2:
        return []
    query = db.select(KnowledgeArticle).where(KnowledgeArticle.published.is_(True))
    if category:  # the product's category among the article's, or an article for every product
        rows = db.select(KnowledgeArticleCategory.article_id).where(
            KnowledgeArticleCategory.article_id == KnowledgeArticle.id)
        query = query.where(db.or_(rows.where(KnowledgeArticleCategory.category == category).exists(),
                                   ~rows.exists()))
    articles = db.session.scalars(query).all()
    candidates = [knowledge.Candidate(a.id, a.title, a.keywords, tuple(a.product_categories)) for a in articles]
    by_id = {a.id: a for a in articles}
    return [by_id[i] for i in knowledge.best(text, candidates, category, limit)]


ARTICLE_FIELDS = ("title", "body", "product_categories", "keywords", "locale", "published")


def articles(query: str | None, number: int, size: int) -> tuple[list[KnowledgeArticle], bool]:
    """A page of articles, drafts too, newest first; a query matches title or keywords (a small table)."""
    select = db.select(KnowledgeArticle).order_by(KnowledgeArticle.id.desc())
    q = search.clean(query).strip()[:100]
    if q:
        select = select.where(db.or_(KnowledgeArticle.title.contains(q, autoescape=True),
                                     KnowledgeArticle.keywords.contains(q, autoescape=True)))
    rows = db.session.scalars(select.limit(size + 1).offset((number - 1) * size)).all()
    return list(rows[:size]), len(rows) > size


def save_article(article: KnowledgeArticle | None, data: dict, by, seen: str | None = None) -> KnowledgeArticle:
    """Create or change an article (published or draft); the security log keeps what changed, the body as its
    length before and after rather than the text."""
    check_fresh(article, ARTICLE_FIELDS, seen)
    def summary(a):
        return {f: getattr(a, f) for f in ARTICLE_FIELDS if f != "body"} | {"body_length": len(a.body or "")}

    before = summary(article) if article is not None else {}
    if article is None:
        article = KnowledgeArticle()
        db.session.add(article)
    for field in ARTICLE_FIELDS:
        if field != "product_categories":
            setattr(article, field, data.get(field))
    article.product_categories = data.get("product_categories") or []
    article.keywords = " ".join((data.get("keywords") or "").replace("，", " ").replace(",", " ").split()) or None
    article.published = bool(data.get("published"))
    db.session.flush()
    if diff := security_log.changes(before, summary(article)):
        security_log.record(security_log.MASTER_DATA_CHANGED, user=by,
                            detail={f"knowledge article #{article.id}": diff})
    return article
