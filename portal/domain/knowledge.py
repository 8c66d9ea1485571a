"""Which knowledge-base answers fit what a customer is typing. Pure: articles in, the best few out.

Chinese has no spaces, so a keyword is found as a substring and titles are compared by their two-character
pieces (黑屏, 漏水); English words are compared whole, in lower case."""
import re
from collections.abc import Iterable
from dataclasses import dataclass

from portal.domain.search import bigrams, normalize

WORD = re.compile(r"[a-z0-9][a-z0-9\-]+")
CJK = re.compile(r"[\u3400-\u9fff]+")
# English words too common in problem descriptions to tell one article from another.
STOP = frozenset({"the", "and", "not", "with", "when", "does", "after", "for", "this", "that", "from", "then",
                  "will", "can", "cannot", "won", "still", "unit", "machine", "device", "my", "our", "is"})
KEYWORD_POINTS = 3
TITLE_POINTS = 1
CATEGORY_POINTS = 1
MIN_SCORE = 3  # one keyword, or several pieces of the title


@dataclass(frozen=True)
class Candidate:
    id: int
    title: str
    keywords: str | None
    categories: tuple[str, ...] = ()  # none: for every product


def _keywords(raw: str | None) -> list[str]:
    return [k for k in re.split(r"[\s,，、;；]+", normalize(raw)) if len(k) >= 2]


def _title_terms(title: str) -> set[str]:
    text = normalize(title)
    terms = {w for w in WORD.findall(text) if len(w) >= 3 and w not in STOP}
    for run in CJK.findall(text):
        terms.update(bigrams(run))
    return terms


def score(text: str, article: Candidate, category: str | None = None) -> int:
    """Points for the keywords found in `text`, the title's words and Chinese pieces found in it."""
    text = normalize(text)
    if not text:
        return 0
    words = set(WORD.findall(text))
    points = 0
    for keyword in _keywords(article.keywords):
        found = keyword in words if keyword.isascii() else keyword in text
        if found:
            points += KEYWORD_POINTS
    for term in _title_terms(article.title):
        if (term in words) if term.isascii() else (term in text):
            points += TITLE_POINTS
    if points and category and category in article.categories:
        points += CATEGORY_POINTS
    return points


def best(text: str, articles: Iterable[Candidate], category: str | None = None, limit: int = 3) -> list[int]:
    """The ids of the best-fitting articles, best first; none below MIN_SCORE."""
    scored = [(score(text, a, category), a.id) for a in articles]
    ranked = sorted(((s, i) for s, i in scored if s >= MIN_SCORE), key=lambda pair: (-pair[0], pair[1]))
    return [article_id for _, article_id in ranked[:limit]]
