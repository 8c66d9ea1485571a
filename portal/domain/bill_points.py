"""Loyalty points spent as a discount on a bill (seed 003): what points are worth in fen, how many a bill can take
(never more than the customer pays), and the discount as negative 'points' lines, one per VAT rate of the charged
lines so the VAT inside what is left to pay shrinks with it. Pure: no Flask, no database."""
from collections.abc import Sequence
from fractions import Fraction

from portal.domain.pricing import Line

KIND = "points"


def value_fen(points: int, points_per_yuan: int) -> int:
    """What `points` take off a bill, in whole fen (rounded down: a point never buys a fraction of a fen)."""
    return max(0, points) * 100 // points_per_yuan


def points_for(fen: int, points_per_yuan: int) -> int:
    """The most points whose value is at most `fen`."""
    return max(0, fen) * points_per_yuan // 100


def payable_fen(lines: Sequence[Line]) -> int:
    """What the customer pays before any points, in whole fen (rounded down so a discount never overshoots)."""
    exact = sum((line.exact_amount for line in lines if line.charged and line.kind != KIND), Fraction(0))
    return max(0, exact.numerator // exact.denominator)


def usable_points(lines: Sequence[Line], held: int, points_per_yuan: int) -> int:
    """Of the points held for the bill, those it can take: capped at what the customer pays."""
    return min(max(0, held), points_for(payable_fen(lines), points_per_yuan))


def discount_lines(lines: Sequence[Line], held: int, points_per_yuan: int) -> list[Line]:
    """The discount of the points the bill can take, split over the VAT rates of the charged lines in proportion
    to their amounts (largest remainder, to the fen), each a line the customer 'pays' with a negative amount."""
    points = usable_points(lines, held, points_per_yuan)
    discount = value_fen(points, points_per_yuan)
    if discount <= 0:
        return []
    by_rate: dict[int, Fraction] = {}
    for line in lines:
        if line.charged and line.kind != KIND:
            by_rate[line.vat_bp] = by_rate.get(line.vat_bp, Fraction(0)) + line.exact_amount
    base = sum(by_rate.values(), Fraction(0))
    shares = {rate: discount * amount / base for rate, amount in by_rate.items() if amount > 0}
    whole = {rate: share.numerator // share.denominator for rate, share in shares.items()}
    left = discount - sum(whole.values())
    for rate in sorted(shares, key=lambda r: (whole[r] - shares[r], -r))[:left]:
        whole[rate] += 1
    return [Line(KIND, "", 1, -amount, rate, ref=str(points), payer="customer", reason=KIND)
            for rate, amount in sorted(whole.items(), reverse=True) if amount]
