"""三包 entitlement: what a customer may ask for (return, exchange, free repair) on a given day, and why.

Counted from the invoice date when known, else the purchase date (day 0, in the portal's time zone); the
periods start the next day, so "within 7 days" is days 1-7 (a fault on day 0 counts too). Days the unit spent
in repair or waiting for parts extend the 三包 period (not the 7- and 15-day windows); an exchanged unit is a
new unit with a new day 0. The rule returns codes and numbers; pages put them into words (portal.labels).
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.domain.warranty import add_months

RETURN, EXCHANGE, REPAIR, PAID_REPAIR = "return", "exchange", "repair", "paid_repair"
OPTIONS = (RETURN, EXCHANGE, REPAIR, PAID_REPAIR)
# The decision recorded on a ticket: one of the options, or "none" when the customer declined them all.
DECISIONS = (RETURN, EXCHANGE, REPAIR, PAID_REPAIR)


@dataclass(frozen=True)
class Policy:
    """The 三包 periods of one product category (defaults from the 三包 regulations)."""

    return_days: int = 7
    exchange_days: int = 15
    unit_months: int = 12          # the whole unit
    main_parts_months: int = 36    # main parts (e.g. compressor, panel)
    repairs_before_exchange: int = 2
    repair_days_limit: int = 30
    part_wait_days_limit: int = 90

    def problems(self) -> list[str]:
        """What makes this policy unusable, as field names (empty when fine)."""
        bad = [name for name in ("return_days", "exchange_days", "unit_months", "main_parts_months",
                                 "repairs_before_exchange", "repair_days_limit", "part_wait_days_limit")
               if not 0 <= getattr(self, name) <= 3650]
        if self.exchange_days < self.return_days:
            bad.append("exchange_days")
        if self.main_parts_months < self.unit_months:
            bad.append("main_parts_months")
        return bad


DEFAULT = Policy()


@dataclass(frozen=True)
class Facts:
    """What is known about the unit and the fault on `today`."""

    today: date
    invoice_date: date | None = None
    purchase_date: date | None = None
    performance_fault: bool = True
    # Earlier finished repairs of the same fault within the 三包 period.
    same_fault_repairs: int = 0
    # Days the unit spent in earlier repairs or waiting for parts (they extend the 三包 period).
    days_in_repair_before: int = 0
    # This repair: days since it began, and days waiting for a part.
    repair_days: int = 0
    part_wait_days: int = 0


@dataclass(frozen=True)
class Reason:
    code: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Entitlement:
    options: tuple[str, ...]
    reasons: tuple[Reason, ...]
    day: int | None = None
    start: date | None = None
    start_basis: str | None = None      # invoice | purchase
    period_end: date | None = None      # the whole unit's 三包 period, extended
    main_parts_end: date | None = None

    @property
    def may_return(self) -> bool:
        return RETURN in self.options

    @property
    def may_exchange(self) -> bool:
        return EXCHANGE in self.options


def entitlement(facts: Facts, policy: Policy = DEFAULT) -> Entitlement:
    """The options and the reasons for them, strongest first."""
    start = facts.invoice_date or facts.purchase_date
    if start is None:
        return Entitlement((PAID_REPAIR,), (Reason("no_date"),))
    basis = "invoice" if facts.invoice_date else "purchase"
    day = (facts.today - start).days
    extension = timedelta(days=max(0, facts.days_in_repair_before) + max(0, facts.repair_days))
    period_end = add_months(start, policy.unit_months) + extension
    main_end = add_months(start, policy.main_parts_months) + extension
    common = {"day": day, "start": start, "start_basis": basis, "period_end": period_end, "main_parts_end": main_end}
    if day < 0:
        return Entitlement((PAID_REPAIR,), (Reason("future_date", {"start": start}),), **common)
    if not facts.performance_fault:
        reason = Reason("not_a_fault", {"day": day})
        options = (REPAIR,) if facts.today <= period_end else (PAID_REPAIR,)
        return Entitlement(options, (reason,), **common)
    if day <= policy.return_days:
        return Entitlement((RETURN, EXCHANGE, REPAIR), (Reason("within_return", {"day": day,
                                                                                "limit": policy.return_days}),),
                           **common)
    if day <= policy.exchange_days:
        return Entitlement((EXCHANGE, REPAIR), (Reason("within_exchange", {"day": day,
                                                                           "limit": policy.exchange_days}),),
                           **common)
    if facts.today <= period_end:
        reasons = [Reason("within_period", {"day": day, "end": period_end})]
        if extension:
            reasons.append(Reason("extended", {"days": extension.days}))
        failed = []
        if facts.same_fault_repairs >= policy.repairs_before_exchange:
            failed.append(Reason("repeat_fault", {"repairs": facts.same_fault_repairs}))
        elif facts.same_fault_repairs:
            reasons.append(Reason("repair_number", {"number": facts.same_fault_repairs + 1}))
        if facts.repair_days > policy.repair_days_limit:
            failed.append(Reason("repair_too_long", {"days": facts.repair_days, "limit": policy.repair_days_limit}))
        if facts.part_wait_days > policy.part_wait_days_limit:
            failed.append(Reason("no_part", {"days": facts.part_wait_days, "limit": policy.part_wait_days_limit}))
        if failed:
            return Entitlement((EXCHANGE, RETURN, REPAIR), tuple(failed + reasons), **common)
        return Entitlement((REPAIR,), tuple(reasons), **common)
    if facts.today <= main_end:
        return Entitlement((REPAIR, PAID_REPAIR), (Reason("main_parts_only", {"day": day, "end": main_end}),),
                           **common)
    return Entitlement((PAID_REPAIR,), (Reason("expired", {"day": day, "end": period_end}),), **common)


def days_between(start: date, end: date) -> int:
    """Whole days from `start` to `end` (0 when the same day or the end is earlier)."""
    return max(0, (end - start).days)
