"""Proactive service as pure rules: which units a campaign or recall selects, the opt-out every marketing text
message carries, when a warranty-ending notice is due, and when a maintenance plan's next visit falls."""
import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

OPT_OUT_SMS = "回T退订"
WARRANTY_NOTICE_DAYS = 30
MAX_SERIALS = 5000
_SPLIT = re.compile(r"[\s,;，；、]+")
_TAIL_NUMBER = re.compile(r"^(.*?)(\d+)$")


@dataclass(frozen=True)
class Unit:
    """What selection looks at of a registered unit."""

    id: int
    serial: str
    model_code: str
    batch: str | None = None
    purchase_date: date | None = None
    retired: bool = False


@dataclass(frozen=True)
class Criteria:
    models: tuple[str, ...] = ()
    batches: tuple[str, ...] = ()
    serial_from: str | None = None
    serial_to: str | None = None
    serials: tuple[str, ...] = ()
    bought_from: date | None = None
    bought_to: date | None = None

    def is_empty(self) -> bool:
        return not (self.models or self.batches or self.serial_from or self.serial_to or self.serials
                    or self.bought_from or self.bought_to)

    def as_json(self) -> dict:
        return {"models": list(self.models), "batches": list(self.batches), "serial_from": self.serial_from,
                "serial_to": self.serial_to, "serials": list(self.serials),
                "bought_from": self.bought_from.isoformat() if self.bought_from else None,
                "bought_to": self.bought_to.isoformat() if self.bought_to else None}

    @classmethod
    def from_json(cls, data: dict) -> "Criteria":
        day = lambda v: date.fromisoformat(v) if v else None  # noqa: E731
        return cls(tuple(data.get("models") or ()), tuple(data.get("batches") or ()), data.get("serial_from"),
                   data.get("serial_to"), tuple(data.get("serials") or ()), day(data.get("bought_from")),
                   day(data.get("bought_to")))


def words(text: str | None) -> tuple[str, ...]:
    """Codes, lots or serials as pasted: one per line or separated by commas (Chinese ones too), upper-cased,
    each once, in the order given."""
    seen = dict.fromkeys(w.strip().upper() for w in _SPLIT.split(text or "") if w.strip())
    return tuple(seen)[:MAX_SERIALS]


def _serial_key(serial: str) -> tuple[str, int | None, str]:
    """A serial as (prefix, trailing number, itself): ABC2000-SN0009 < ABC2000-SN0010 by number, not by text."""
    match = _TAIL_NUMBER.match(serial)
    return (match.group(1), int(match.group(2)), serial) if match else (serial, None, serial)


def in_serial_range(serial: str, low: str | None, high: str | None) -> bool:
    """Within [low, high]: same prefix and number in between when both ends are numbered, else by text."""
    serial = serial.upper()
    for end, check in ((low, lambda a, b: a >= b), (high, lambda a, b: a <= b)):
        if not end:
            continue
        s_prefix, s_number, _ = _serial_key(serial)
        e_prefix, e_number, _ = _serial_key(end.upper())
        if s_number is not None and e_number is not None:
            if s_prefix != e_prefix or not check(s_number, e_number):
                return False
        elif not check(serial, end.upper()):
            return False
    return True


def selects(unit: Unit, criteria: Criteria) -> bool:
    """Every criterion given must hold (model AND lot AND serials AND dates); a retired unit is never selected,
    nor anything by empty criteria."""
    if unit.retired or criteria.is_empty():
        return False
    if criteria.models and unit.model_code.upper() not in criteria.models:
        return False
    if criteria.batches and (unit.batch or "").upper() not in criteria.batches:
        return False
    if criteria.serials and unit.serial.upper() not in criteria.serials:
        return False
    if (criteria.serial_from or criteria.serial_to) and not in_serial_range(unit.serial, criteria.serial_from,
                                                                             criteria.serial_to):
        return False
    if criteria.bought_from or criteria.bought_to:
        if unit.purchase_date is None:
            return False
        if criteria.bought_from and unit.purchase_date < criteria.bought_from:
            return False
        if criteria.bought_to and unit.purchase_date > criteria.bought_to:
            return False
    return True


@dataclass
class Preview:
    units: int = 0
    customers: int = 0
    unknown_serials: list[str] = field(default_factory=list)


def preview(units: list[Unit], owners: dict[int, int], criteria: Criteria) -> Preview:
    """How many units and customers the criteria select, and the listed serials that match no unit."""
    chosen = [u for u in units if selects(u, criteria)]
    known = {u.serial.upper() for u in units}
    return Preview(len(chosen), len({owners[u.id] for u in chosen}),
                   [s for s in criteria.serials if s not in known])


def with_opt_out(text: str) -> str:
    """A marketing text message ends with the usual opt-out."""
    return text if text.rstrip().endswith(OPT_OUT_SMS) else f"{text.rstrip()} {OPT_OUT_SMS}"


def is_opt_out_reply(text: str | None) -> bool:
    return (text or "").strip().upper() in ("T", "TD", "退订")


def warranty_notice_due(warranty_end: date | None, today: date, days: int = WARRANTY_NOTICE_DAYS) -> bool:
    return warranty_end is not None and today <= warranty_end <= today + timedelta(days=days)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def hours_due_on(readings: list[tuple[date, int]], due_hours: int, today: date) -> date | None:
    """When a unit reaches `due_hours` at the pace of its meter readings (the first and last); None without
    two readings on different days. Already past: today."""
    readings = sorted(readings)
    if not readings:
        return None
    (first_day, first), (last_day, last) = readings[0], readings[-1]
    if last >= due_hours:
        return today
    if last_day <= first_day or last <= first:
        return None
    per_day = (last - first) / (last_day - first_day).days
    return max(today, last_day + timedelta(days=int((due_hours - last) / per_day)))


def generate_now(due_on: date, lead_days: int, today: date) -> bool:
    """A plan's visit is generated `lead_days` ahead of its due date."""
    return due_on - timedelta(days=lead_days) <= today
