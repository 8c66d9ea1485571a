"""Prices of a repair: the price list valid on a day, priced lines with their VAT, who pays each line and why,
and the bill totals in integer fen, rounded once per bill. Pure: no Flask, no database."""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from portal.domain.time import as_utc

LINE_KINDS = ("labour", "travel", "part", "callout", "depot")
PAYERS = ("sanbao", "warranty", "contract", "goodwill", "customer")
# Why a line is covered or charged; the views translate the code.
REASONS = (
    "sanbao",             # statutory 三包 entitlement (issue 14's rule, portal.domain.entitlement)
    "warranty",           # the unit's warranty on the service day
    "part_warranty",      # the replaced part is still inside its own warranty
    "contract",           # the service contract covers this kind of line for this unit
    "goodwill",           # a supervisor waived it, with a reason
    "out_of_warranty",    # no warranty, no contract covering it
    "chargeable_part",    # the engineer marked the part chargeable (accessory, consumable, damage)
    "misuse",             # fault caused by operation/usage or the environment: warranty does not cover it
    "contract_excludes",  # a contract covers the unit but not this kind of line
    "allowance_used",     # the contract's visits for the year are used up
)
MISUSE_CAUSES = frozenset({"operation", "environment"})
MINUTES_PER_HOUR = 60
TRAVEL_STEP = 15  # travel is billed per started quarter hour


@dataclass(frozen=True)
class PriceList:
    """Prices including VAT in fen; VAT rates in basis points (1300 = 13 %) per line kind."""

    valid_from: date
    valid_to: date | None = None
    labour_per_hour: dict[str, tuple[int, int]] = field(default_factory=dict)  # category -> (standard, senior)
    callout_by_zone: dict[str, int] = field(default_factory=dict)  # district -> fen
    callout_per_km: int = 0
    callout_minimum: int = 0
    depot_fee: int = 0
    vat_bp: dict[str, int] = field(default_factory=dict)
    travel_per_quarter: int = 0  # 0: travel is not billed (the call-out fee covers the trip)

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def labour_rate(self, category: str, senior: bool) -> int | None:
        rates = self.labour_per_hour.get(category)
        return None if rates is None else rates[1 if senior else 0]

    def zone_of(self, address: str | None) -> str | None:
        """The district of the address that has a fee (the longest name found in it: 朝阳区 in 北京市朝阳区建国路)."""
        found = [zone for zone in self.callout_by_zone if address and zone in address]
        return max(found, key=len) if found else None

    def callout(self, address: str | None, km: int | None) -> int | None:
        """The zone's fee when the address lies in a district that has one, else the distance typed by the
        engineer times the rate (no map service is reachable)."""
        zone = self.zone_of(address)
        if zone is not None:
            return self.callout_by_zone[zone]
        if km is not None and self.callout_per_km:
            return max(self.callout_minimum, km * self.callout_per_km)
        return None


def price_list_on(lists: Iterable, day: date):
    """The list valid on `day`; where two overlap the one that started later wins. None when none is valid."""
    valid = [p for p in lists if p.valid_on(day)]
    return max(valid, key=lambda p: p.valid_from) if valid else None


def overlaps(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return (a_to is None or b_from <= a_to) and (b_to is None or a_from <= b_to)


@dataclass(frozen=True)
class Line:
    """One priced line. `quantity` is minutes for labour (unit price per hour) and for travel (unit price per
    started quarter hour, the minutes already rounded up to it), pieces for parts, 1 for a fee.
    `unit_price` is VAT-inclusive fen."""

    kind: str
    description: str
    quantity: int
    unit_price: int
    vat_bp: int = 0
    ref: str = ""  # the part code, the labour grade, the zone
    chargeable: bool = False  # parts: marked chargeable by the engineer
    part_in_own_warranty: bool = False  # parts: replacing a part still inside its own warranty
    goodwill_reason: str | None = None
    payer: str = "customer"
    reason: str = "out_of_warranty"

    @property
    def exact_amount(self) -> Fraction:
        """Before rounding: labour is minutes × hourly rate / 60, which may leave a fraction of a fen."""
        if self.kind == "labour":
            return Fraction(self.quantity * self.unit_price, MINUTES_PER_HOUR)
        if self.kind == "travel":
            return Fraction(-(-self.quantity // TRAVEL_STEP) * self.unit_price)
        return Fraction(self.quantity * self.unit_price)

    @property
    def amount(self) -> int:
        """The line as shown, to the fen (display only; totals are rounded once from the exact amounts)."""
        return round_half_up(self.exact_amount)

    @property
    def exact_vat(self) -> Fraction:
        """VAT inside a VAT-inclusive amount: amount × r / (1 + r)."""
        return self.exact_amount * self.vat_bp / (10_000 + self.vat_bp)

    @property
    def charged(self) -> bool:
        return self.payer == "customer"


def round_half_up(value: Fraction) -> int:
    """To the nearest fen, halves away from zero (四舍五入)."""
    sign = -1 if value < 0 else 1
    value = abs(value)
    whole, rest = divmod(value.numerator, value.denominator)
    return sign * (whole + (1 if 2 * rest >= value.denominator else 0))


def proposed_labour_minutes(arrived: datetime | None, handed_over: datetime | None, step: int = 15) -> int:
    """On-site time from arrival to hand-over, rounded up to the step (a started quarter hour counts)."""
    if arrived is None or handed_over is None:
        return 0
    arrived, handed_over = as_utc(arrived), as_utc(handed_over)
    if handed_over <= arrived:
        return 0
    # Exact to the microsecond: a stay of half a second is a started quarter hour, not nothing.
    return -(-(handed_over - arrived) // timedelta(minutes=step)) * step


def travel_minutes(on_the_way: datetime | None, arrived: datetime | None) -> int:
    """Travel from the phone's "On my way" to arrival, rounded up to a started quarter hour (0 when either
    moment is missing or out of order)."""
    return proposed_labour_minutes(on_the_way, arrived, TRAVEL_STEP)


# --- who pays --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractCover:
    """What a service contract covering the unit covers on the service day."""

    number: str
    covers: frozenset[str]  # line kinds
    visits_allowed: int | None = None  # per contract year; None = unlimited
    visits_used: int = 0  # visits already made this contract year, this one excluded

    @property
    def allowance_left(self) -> bool:
        return self.visits_allowed is None or self.visits_used < self.visits_allowed


@dataclass(frozen=True)
class Facts:
    """What decides who pays, gathered by the service layer."""

    in_warranty: bool
    covered_by_sanbao: bool = False  # the 三包 entitlement rule decides it (billing.sanbao_free_repair)
    contract: ContractCover | None = None
    cause_category: str | None = None


def who_pays(line: Line, facts: Facts) -> tuple[str, str]:
    """(payer, reason) for one line. The order is the customer's best: 三包 entitlement, the warranty (unless the
    fault was misuse or the part is marked chargeable), the contract, a supervisor's goodwill, else the customer."""
    misuse = facts.cause_category in MISUSE_CAUSES
    if facts.covered_by_sanbao and not line.chargeable and not misuse:
        return "sanbao", "sanbao"
    if line.kind == "part" and line.part_in_own_warranty and not line.chargeable and not misuse:
        return "warranty", "part_warranty"
    if facts.in_warranty and not line.chargeable and not misuse:
        return "warranty", "warranty"
    contract = facts.contract
    contract_reason = None
    # Travel goes with the trip: a contract covering the call-out covers the travel time, within its allowance.
    trip = "callout" if line.kind == "travel" else line.kind
    if contract is not None:
        if trip not in contract.covers:
            contract_reason = "contract_excludes"
        elif trip == "callout" and not contract.allowance_left:
            contract_reason = "allowance_used"
        else:
            return "contract", "contract"
    if line.goodwill_reason:
        return "goodwill", "goodwill"
    if contract_reason:
        return "customer", contract_reason
    if line.chargeable:
        return "customer", "chargeable_part"
    if misuse and (facts.in_warranty or facts.covered_by_sanbao):
        return "customer", "misuse"
    return "customer", "out_of_warranty"


def decide(lines: Iterable[Line], facts: Facts) -> list[Line]:
    """Every line with its payer and reason."""
    out = []
    for line in lines:
        payer, reason = who_pays(line, facts)
        out.append(replace(line, payer=payer, reason=reason))
    return out


# --- totals ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """All in fen. `gross` is every line's value; `covered` what others pay; `due` what the customer pays,
    VAT inside `due` per rate. Each figure is rounded once from the exact sum of its lines."""

    gross: int
    covered: int
    due: int
    vat: int
    vat_by_rate: tuple[tuple[int, int], ...]  # (basis points, fen) for the lines the customer pays

    @property
    def net(self) -> int:
        return self.due - self.vat


def totals(lines: Sequence[Line]) -> Totals:
    gross = round_half_up(sum((line.exact_amount for line in lines), Fraction(0)))
    due = round_half_up(sum((line.exact_amount for line in lines if line.charged), Fraction(0)))
    by_rate: dict[int, Fraction] = {}
    for line in lines:
        if line.charged and line.vat_bp:
            by_rate[line.vat_bp] = by_rate.get(line.vat_bp, Fraction(0)) + line.exact_vat
    vat_by_rate = tuple((rate, round_half_up(v)) for rate, v in sorted(by_rate.items()))
    return Totals(gross=gross, covered=gross - due, due=due, vat=sum(v for _, v in vat_by_rate),
                  vat_by_rate=vat_by_rate)


def over_tolerance(bill_due: int, approved: int, tolerance_bp: int, tolerance_fen: int = 0) -> bool:
    """A bill above the approved quote by more than the larger of a percentage and a fixed amount needs a new
    approval."""
    allowed = max(tolerance_fen, approved * tolerance_bp // 10_000)
    return bill_due > approved + allowed


def bp_to_percent(bp: int) -> str:
    """1300 -> '13', 150 -> '1.5'."""
    whole, rest = divmod(bp, 100)
    return f"{whole}" if not rest else f"{whole}.{rest:02d}".rstrip("0")


def percent_to_bp(text: str | None) -> int:
    """'13' / '13%' / '1.5' -> basis points. ValueError for anything else or above 100 %."""
    try:
        value = Decimal((text or "").strip().rstrip("%").strip())
    except InvalidOperation:
        raise ValueError("not a percentage") from None
    if not value.is_finite() or value < 0 or value > 100 or value != value.quantize(Decimal("0.01")):
        raise ValueError("not a percentage")
    return int(value * 100)


# --- the admin's tables, typed one row a line ----------------------------------------------------------


def parse_amount_lines(text: str | None, columns: int) -> dict[str, list[int]]:
    """'打印机 120 180' per line -> {'打印机': [12000, 18000]}: a name, then `columns` amounts in yuan.
    ValueError naming the first wrong line (1-based) and what is wrong with it."""
    rows: dict[str, list[int]] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        parts = raw.replace("，", " ").replace(",", " ").replace("\t", " ").split()
        if not parts:
            continue
        if len(parts) != columns + 1:
            raise ValueError(f"line {number}")
        name, amounts = parts[0], parts[1:]
        if name in rows:
            raise ValueError(f"line {number}")
        try:
            rows[name] = [yuan_text_to_fen(a) for a in amounts]
        except (ValueError, InvalidOperation):
            raise ValueError(f"line {number}") from None
    return rows


def format_amount_lines(rows: dict[str, list[int]] | None) -> str:
    return "\n".join(" ".join([name, *(fen_text(a) for a in amounts)]) for name, amounts in (rows or {}).items())


def yuan_text_to_fen(text: str) -> int:
    value = Decimal(text.strip().replace("¥", ""))
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")) or value > 10_000_000:
        raise ValueError("not an amount")
    return int(value * 100)


def fen_text(fen: int) -> str:
    return f"{fen // 100}" if fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}"
