"""Loyalty points (seed 003: points after every service, exchanged for products or services, expiring after one
year): when a lot expires, how many points a payment earns, and which lots a spending takes, oldest first."""
from dataclasses import dataclass
from datetime import date

# Points per whole yuan paid, before the tier's multiplier (percent: 100 = x1, 150 = x1.5).
POINTS_PER_YUAN = 1


class NotEnoughPoints(ValueError):
    def __init__(self, wanted: int, balance: int):
        super().__init__(f"{wanted} points wanted, {balance} available")
        self.wanted, self.balance = wanted, balance


@dataclass(frozen=True)
class Lot:
    """Points earned together, and what is left of them."""
    id: int
    earned_on: date
    remaining: int


def expires_on(earned_on: date) -> date:
    """The last day a lot can be spent: the same calendar date a year later (29 February → 28 February). It
    expires at the end of that day."""
    try:
        return earned_on.replace(year=earned_on.year + 1)
    except ValueError:  # 29 February, and the next year has none
        return earned_on.replace(year=earned_on.year + 1, day=28)


def is_expired(earned_on: date, today: date) -> bool:
    return today > expires_on(earned_on)


def earned_for_payment(paid_fen: int, multiplier_percent: int = 100) -> int:
    """Points for a payment: per whole yuan paid, times the tier's multiplier, rounded down."""
    if paid_fen <= 0:
        return 0
    return (paid_fen // 100) * POINTS_PER_YUAN * multiplier_percent // 100


def balance(lots: list[Lot], today: date) -> int:
    return sum(lot.remaining for lot in lots if not is_expired(lot.earned_on, today))


def allocate(lots: list[Lot], wanted: int, today: date) -> list[tuple[int, int]]:
    """Which lots a spending of `wanted` points takes, and how many from each: the oldest first (the first to
    expire), expired lots never. NotEnoughPoints when the balance is short: nothing is taken."""
    if wanted <= 0:
        raise ValueError("a spending takes at least one point")
    usable = sorted((lot for lot in lots if lot.remaining > 0 and not is_expired(lot.earned_on, today)),
                    key=lambda lot: (lot.earned_on, lot.id))
    available = sum(lot.remaining for lot in usable)
    if available < wanted:
        raise NotEnoughPoints(wanted, available)
    taken, left = [], wanted
    for lot in usable:
        take = min(lot.remaining, left)
        taken.append((lot.id, take))
        left -= take
        if not left:
            break
    return taken


def expiring_within(lots: list[Lot], today: date, days: int) -> list[Lot]:
    """Lots with points left that expire within `days` days from today (not yet expired)."""
    return [lot for lot in lots if lot.remaining > 0 and not is_expired(lot.earned_on, today)
            and (expires_on(lot.earned_on) - today).days <= days]
