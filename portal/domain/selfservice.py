"""Pure rules of the customer's own actions: quote amounts and their hash, the survey window, low scores."""
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SURVEY_DAYS = 7
LOW_SCORE = 2
MAX_ITEMS = 20
CENT = Decimal("0.01")


class QuoteInvalid(ValueError):
    """A quote line the desk must correct; `row` is 1-based (0 for the quote as a whole)."""

    def __init__(self, message: str, row: int = 0):
        super().__init__(message)
        self.row = row


@dataclass(frozen=True)
class QuoteLine:
    description: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def total(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(CENT, ROUND_HALF_UP)

    def as_json(self) -> dict:
        return {"description": self.description, "quantity": str(self.quantity),
                "unit_price": str(self.unit_price)}


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal((text or "").strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def parse_lines(rows: list[tuple[str, str, str]]) -> list[QuoteLine]:
    """Rows of (description, quantity, unit price) as typed; blank rows are skipped. Raises QuoteInvalid."""
    lines = []
    for number, (description, quantity, price) in enumerate(rows, start=1):
        description = (description or "").strip()
        if not description and not (quantity or "").strip() and not (price or "").strip():
            continue
        if not description or len(description) > 200:
            raise QuoteInvalid("description", number)
        try:
            qty, unit = _decimal(quantity or "1"), _decimal(price)
        except ValueError:
            raise QuoteInvalid("number", number) from None
        if qty <= 0 or qty > 10000 or qty != qty.quantize(CENT):
            raise QuoteInvalid("quantity", number)
        if unit < 0 or unit > Decimal("10000000") or unit != unit.quantize(CENT):
            raise QuoteInvalid("price", number)
        lines.append(QuoteLine(description, qty.normalize() if qty == qty.to_integral() else qty,
                               unit.quantize(CENT)))
    if not lines:
        raise QuoteInvalid("empty")
    if len(lines) > MAX_ITEMS:
        raise QuoteInvalid("too_many")
    return lines


def quote_amount(lines: list[QuoteLine]) -> Decimal:
    return sum((line.total for line in lines), Decimal("0.00")).quantize(CENT)


def quote_content(*, ticket_number: str, quote_id: int, items: list[dict], amount: Decimal, currency: str,
                  note: str | None) -> dict:
    """What the customer is shown and decides on, in the form whose hash is recorded."""
    return {"ticket": ticket_number, "quote": quote_id, "items": items, "amount": str(Decimal(amount).quantize(CENT)),
            "currency": currency, "note": note or ""}


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class SurveyWindow:
    opens_at: datetime
    closes_at: datetime

    def state(self, now: datetime, submitted: bool) -> str:
        """submitted | open | expired | not_yet."""
        if submitted:
            return "submitted"
        if now < self.opens_at:
            return "not_yet"
        return "open" if now < self.closes_at else "expired"


def survey_window(closed_at: datetime) -> SurveyWindow:
    return SurveyWindow(closed_at, closed_at + timedelta(days=SURVEY_DAYS))


def is_low(*scores: int) -> bool:
    return any(score <= LOW_SCORE for score in scores)
