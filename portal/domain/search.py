"""Text search over tickets and customers by any fragment, Chinese or English. Pure helpers: what is indexed and how a
query is read. Three or more characters go to a trigram index (SQLite FTS5 trigram, PostgreSQL pg_trgm);
two characters, common for Chinese words (漏电, 黑屏), go to an index of bigrams, since a trigram index
finds nothing for them; a single character is answered from the newest tickets only (a bounded scan)."""
import re

from portal.domain import phones

SPACE = re.compile(r"\s+")
PHONE_LIKE = re.compile(r"^\+?[\d\s()\-]+$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Search infrastructure that lives beside the models (FTS tables, GIN indexes): the schema check and
# autogenerate leave these names alone.
INDEX_NAMES = ("ticket_search", "ix_ticket_search", "customer_search", "ix_customer_search")


def is_search_index(name: str | None) -> bool:
    return bool(name) and name.startswith(INDEX_NAMES)


def normalize(text: str | None) -> str:
    return SPACE.sub(" ", (text or "").lower()).strip()


def document(*parts) -> str:
    """The searchable text of a ticket: number, customer, contact, phone, serial, description."""
    return normalize(" ".join(p for p in parts if p))


def customer_document(name: str | None, contacts, serials) -> str:
    """The searchable text of a customer: its name, each contact's name, phone (as national digits, so any
    four or more digits of it match however they are typed) and e-mail, and its registered serial numbers."""
    parts = [name]
    for contact_name, phone, email in contacts:
        parts += [contact_name, phones.search_key(phone), email]
    return document(*parts, *serials)


def clean(raw: str | None) -> str:
    """Typed text without control characters (a NUL ends an FTS5 string; PostgreSQL text cannot hold one)."""
    return CONTROL.sub("", raw or "")


def customer_query(raw: str | None) -> str:
    """What a customer search looks for: a typed phone number (digits, spaces, dashes, +86) as its national
    digits; anything else normalised like the text. Control characters are dropped (a NUL ends an FTS5
    string)."""
    text = normalize(clean(raw))
    if text and PHONE_LIKE.match(text) and sum(ch.isdigit() for ch in text) >= 4:
        return phones.search_key(text)
    return text


def bigrams(text: str) -> list[str]:
    """Distinct two-character pieces of letters and digits (CJK included), in a stable order. Pieces with
    punctuation or spaces are left out: the SQLite tokenizer would split them."""
    return list(dict.fromkeys(text[i:i + 2] for i in range(len(text) - 1) if text[i:i + 2].isalnum()))


def query_kind(query: str) -> str:
    """trigram: three or more characters; bigram: two letters or digits; scan: anything shorter."""
    if len(query) >= 3:
        return "trigram"
    return "bigram" if len(query) == 2 and query.isalnum() else "scan"


def fts_phrase(query: str) -> str:
    """An FTS5 string literal: the query as one phrase, quotes doubled."""
    return '"' + query.replace('"', '""') + '"'
