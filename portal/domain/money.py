"""Money as integer fen (分): prices typed in yuan ("12.5", "1,280.00") become fen exactly, never a float."""
from decimal import Decimal, InvalidOperation

MAX_FEN = 10_000_000_00  # ten million yuan: anything above is a typing error


def yuan_to_fen(text: str | None) -> int:
    """'12.50' -> 1250. ValueError for text that is not an amount, a negative one, more than two decimals or
    more than MAX_FEN."""
    try:
        value = Decimal((text or "").strip().replace(",", "").replace("¥", ""))
    except InvalidOperation:
        raise ValueError("not an amount") from None
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise ValueError("not an amount in yuan and fen")
    fen = int(value * 100)
    if fen > MAX_FEN:
        raise ValueError("too large")
    return fen


def fen_to_yuan(fen: int | None) -> str:
    """1250 -> '12.50', -1 -> '-0.01' (a discount line)."""
    fen = fen or 0
    sign, fen = ("-" if fen < 0 else ""), abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"
