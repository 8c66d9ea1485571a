"""The bill of a repair: computed from the work and parts actually recorded with the price list of the service
day, each line decided by portal.domain.pricing.who_pays; kept as a draft until the customer signs, then
frozen (its lines keep the prices they were made with)."""
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from portal import labels
from portal.domain import bill_points as points_rules
from portal.domain import entitlement as entitlement_rules
from portal.domain import pricing
from portal.domain.selfservice import CENT, QuoteLine
from portal.domain.time import utcnow
from portal.domain.warranty import add_months
from portal.extensions import db
from portal.models import (
    Bill,
    BillLine,
    Diagnosis,
    Part,
    PartUsage,
    Quote,
    ServiceContract,
    Ticket,
    User,
    Visit,
    WorkRecord,
)
from portal.services import ServiceError, bill_points, coverage, entitlement, points, price_lists, selfservice
from portal.services.events import add_event
from portal.services.localtime import local_today


@dataclass
class Computed:
    """A bill as it would be now; `problems` say what could not be priced, as [code, detail] (no price list, no
    labour rate, no zone): the summary is hashed, so it holds no text in the reader's language."""

    lines: list[pricing.Line]
    totals: pricing.Totals
    price_list_id: int | None
    contract: ServiceContract | None
    labour_proposed: int
    problems: list[list[str]] = field(default_factory=list)
    sanbao_until: date | None = None  # the 三包 period's end when it makes the repair free
    travel_minutes: int | None = None  # "On my way" to arrival, whole minutes (shown whether billed or not)


def bill_of(ticket: Ticket) -> Bill | None:
    return db.session.scalar(db.select(Bill).where(Bill.ticket_id == ticket.id))


def _visits_used(contract: ServiceContract, ticket: Ticket, day: date) -> int:
    """Visits billed under the contract in its current contract year, this ticket's excluded."""
    year_start = contract.valid_from
    while pricing_year_end(year_start) < day:
        year_start = pricing_year_end(year_start)
    return db.session.scalar(db.select(db.func.count(BillLine.id)).join(Bill, Bill.id == BillLine.bill_id).where(
        Bill.contract_id == contract.id, Bill.ticket_id != ticket.id, BillLine.kind == "callout",
        BillLine.payer == "contract", Bill.created_at >= year_start)) or 0


def pricing_year_end(start: date) -> date:
    return add_months(start, 12)


def sanbao_free_repair(ticket: Ticket, day: date) -> date | None:
    """The end of the unit's 三包 period when issue 14's entitlement rule makes this repair free on `day` (a fault
    claim inside the whole unit's period), else None. Only main parts left, a desk decision for a paid repair,
    or a request that is not a fault claim: not free."""
    if ticket.category not in entitlement.FAULT_CATEGORIES:
        return None
    asset = ticket.asset
    if not (ticket.purchase_date or (asset is not None and (asset.invoice_date or asset.purchase_date))):
        return None  # no date to count from: the rule answers "paid repair" (asked without its queries)
    result = entitlement.of_ticket(ticket, day)
    options = set(result.options)
    if entitlement_rules.REPAIR not in options or entitlement_rules.PAID_REPAIR in options:
        return None
    decided = entitlement.decisions(ticket)
    if decided and decided[0].decision == entitlement_rules.PAID_REPAIR:
        return None
    return result.period_end


def _travel(ticket: Ticket):
    """The first arrival and the "On my way" before it, as the phone recorded them (through the outbox)."""
    return db.session.execute(db.select(Visit.on_the_way_at, Visit.arrived_at).where(
        Visit.ticket_id == ticket.id, Visit.arrived_at.is_not(None)).order_by(Visit.arrived_at).limit(1)).first()


def compute(ticket: Ticket) -> Computed:
    """The bill from what is recorded; the 三包 entitlement (issue 14's rule) on the service day decides the
    statutory free repair."""
    day = coverage.service_day(ticket)
    bill = bill_of(ticket)
    record = price_lists.price_list_on(day)
    prices = price_lists.as_rule(record) if record else None
    problems: list[str] = []
    if prices is None:
        problems.append(["no_price_list", day.isoformat()])
    vat = prices.vat_bp if prices else {}
    lines: list[pricing.Line] = []

    records = db.session.scalars(db.select(WorkRecord).where(WorkRecord.ticket_id == ticket.id)
                                 .order_by(WorkRecord.id)).all()
    # On-site time, arrival to hand-over (travel, once the phone records 'On my way', is not labour).
    travel = _travel(ticket)
    arrived = travel.arrived_at if travel is not None else None
    proposed = (pricing.proposed_labour_minutes(arrived, ticket.resolved_at)
                or sum(r.labour_minutes for r in records))
    minutes = bill.labour_minutes if bill is not None and bill.labour_minutes is not None else proposed
    senior = bool(ticket.assignee and ticket.assignee.is_senior)
    category = ticket.product_model.category
    if minutes and prices:
        rate = prices.labour_rate(category, senior)
        if rate is None:
            problems.append(["no_labour_rate", category])
        else:
            grade = "senior" if senior else "standard"
            lines.append(pricing.Line("labour", "", minutes, rate,
                                      vat.get("labour", 0), ref=grade))
    travel_minutes = pricing.travel_minutes(*travel) if travel is not None else 0
    # Billed only where the price list has a travel rate (VAT as labour); else the call-out covers the trip.
    if travel_minutes and prices and prices.travel_per_quarter:
        lines.append(pricing.Line("travel", "", travel_minutes, prices.travel_per_quarter, vat.get("labour", 0)))

    own_warranty = _parts_in_own_warranty(ticket, day)
    usages = db.session.execute(db.select(PartUsage, Part).join(Part, Part.id == PartUsage.part_id).where(
        PartUsage.ticket_id == ticket.id).order_by(PartUsage.id)).all()
    for usage, part in usages:
        lines.append(pricing.Line("part", part.name, usage.quantity, part.unit_price_fen, vat.get("part", 0),
                                  ref=part.code, chargeable=usage.chargeable,
                                  part_in_own_warranty=part.id in own_warranty))

    on_site = ticket.service_mode not in ("send_in", "remote") and arrived is not None
    if on_site and prices:
        address = ticket.visit_address
        fee = prices.callout(address, bill.callout_km if bill else None)
        if fee is None:
            problems.append(["no_zone", ""])
        else:
            lines.append(pricing.Line("callout", "", 1, fee, vat.get("callout", 0),
                                      ref=prices.zone_of(address) or f"{bill.callout_km} km"))
    if ticket.service_mode == "send_in" and prices and prices.depot_fee:
        lines.append(pricing.Line("depot", "", 1, prices.depot_fee, vat.get("depot", 0)))

    cover = coverage.ticket_cover(ticket, day)
    contract = price_lists.contract_for(ticket.customer_id, ticket.serial, ticket.product_model_id, day)
    contract_cover = None
    if contract is not None:
        contract_cover = pricing.ContractCover(contract.number, frozenset(contract.covers or ()),
                                               contract.visits_per_year, _visits_used(contract, ticket, day))
    cause = db.session.scalar(db.select(Diagnosis.cause_category).where(Diagnosis.ticket_id == ticket.id)
                              .order_by(Diagnosis.id.desc()).limit(1))
    sanbao_until = sanbao_free_repair(ticket, day)
    facts = pricing.Facts(in_warranty=cover.covered, covered_by_sanbao=sanbao_until is not None,
                          contract=contract_cover,
                          cause_category=cause)
    waived = (bill.goodwill or {}) if bill is not None else {}
    lines = [replace(line, goodwill_reason=waived[line_key(line)]["reason"]) if line_key(line) in waived else line
             for line in lines]
    decided = pricing.decide(lines, facts)
    if bill is not None and bill.points_held:
        decided += points_rules.discount_lines(decided, bill.points_held, bill_points.points_per_yuan())
    return Computed(decided, pricing.totals(decided), record.id if record else None, contract, proposed, problems,
                    sanbao_until if any(line.payer == "sanbao" for line in decided) else None,
                    pricing.proposed_labour_minutes(*travel, step=1) or None if travel is not None else None)


def line_key(line: pricing.Line) -> str:
    return f"{line.kind}:{line.ref}"


def _parts_in_own_warranty(ticket: Ticket, day: date) -> set[int]:
    """Parts fitted to this unit on earlier tickets whose own warranty still runs on `day`."""
    if not ticket.serial:
        return set()
    return set(db.session.scalars(db.select(PartUsage.part_id).join(Ticket, Ticket.id == PartUsage.ticket_id).where(
        Ticket.serial == ticket.serial, Ticket.customer_id == ticket.customer_id, Ticket.id != ticket.id,
        PartUsage.warranty_until >= day)))


def summary(computed: Computed) -> dict:
    """The bill as the customer reads it before signing (part of the signed summary's hash)."""
    return {
        "lines": [{"kind": line.kind, "description": line.description, "ref": line.ref, "quantity": line.quantity,
                   "unit_price": line.unit_price, "vat_bp": line.vat_bp, "amount": line.amount,
                   "payer": line.payer, "reason": line.reason, "key": line_key(line),
                   "goodwill": line.goodwill_reason} for line in computed.lines],
        "gross": computed.totals.gross, "covered": computed.totals.covered, "due": computed.totals.due,
        "vat": computed.totals.vat, "vat_by_rate": [list(pair) for pair in computed.totals.vat_by_rate],
        "contract": computed.contract.number if computed.contract else None,
        "problems": computed.problems,
        "sanbao_until": computed.sanbao_until.isoformat() if computed.sanbao_until else None,
        "travel_minutes": computed.travel_minutes,
    }


def refresh(ticket: Ticket) -> Bill:
    """The draft bill brought up to date with what is recorded; a signed bill is never changed."""
    bill = bill_of(ticket)
    if bill is not None and bill.is_frozen:
        return bill
    computed = compute(ticket)
    if bill is None:
        bill = Bill(ticket_id=ticket.id, number=f"B{ticket.number}", customer_id=ticket.customer_id, points_held=0)
        db.session.add(bill)
    bill.price_list_id = computed.price_list_id
    bill.contract_id = computed.contract.id if computed.contract else None
    bill.sanbao_until, bill.travel_minutes = computed.sanbao_until, computed.travel_minutes
    quote = approved_quote(ticket)
    bill.quote_id = quote.id if quote else None
    bill.lines = [BillLine(position=i, kind=line.kind, description=line.description[:200], ref=line.ref or None,
                           quantity=line.quantity, unit_price_fen=line.unit_price, vat_bp=line.vat_bp,
                           amount_fen=line.amount, payer=line.payer, reason=line.reason,
                           goodwill_reason=line.goodwill_reason)
                  for i, line in enumerate(computed.lines)]
    bill_points.trim(bill, points_rules.usable_points(computed.lines, bill.points_held,
                                                      bill_points.points_per_yuan()), today=local_today())
    totals = computed.totals
    bill.gross_fen, bill.covered_fen, bill.due_fen, bill.vat_fen = totals.gross, totals.covered, totals.due, totals.vat
    bill.updated_at = utcnow()
    db.session.flush()
    return bill


def stored_totals(bill: Bill) -> pricing.Totals:
    """The totals recomputed from the stored lines (equal to the bill's own figures: tested)."""
    return pricing.totals([pricing.Line(line.kind, line.description, line.quantity, line.unit_price_fen,
                                        line.vat_bp, payer=line.payer) for line in bill.lines])


def correct_labour(ticket: Ticket, user: User, *, minutes: int, reason: str, callout_km: int | None) -> Bill:
    """The engineer corrects the labour proposed from the on-site time (with a reason) or types the distance."""
    bill = bill_of(ticket) or refresh(ticket)
    if bill.is_frozen:
        raise ServiceError(_l("The bill was signed and can no longer change."), status=409)
    proposed = compute(ticket).labour_proposed
    if minutes != proposed and not (reason or "").strip():
        raise ServiceError(_l("Say why the labour differs from the time on site."), field="labour_reason")
    bill.labour_minutes = minutes
    bill.labour_reason = (reason or "").strip() or None
    bill.callout_km = callout_km
    add_event(ticket, user, "bill_corrected", body=bill.labour_reason,
              data={"minutes": minutes, "proposed": proposed, "km": callout_km})
    return refresh(ticket)


def approved_quote(ticket: Ticket) -> Quote | None:
    return db.session.scalar(db.select(Quote).where(Quote.ticket_id == ticket.id, Quote.status == "approved")
                             .order_by(Quote.decided_at.desc().nulls_last(), Quote.id.desc()).limit(1))


def quote_fen(quote: Quote) -> int:
    return int((Decimal(quote.amount) * 100).to_integral_value())


def approval_needed(ticket: Ticket, computed: Computed | None = None) -> Quote | None:
    """The approved quote the bill exceeds by more than the price list's tolerance (None when within it or when
    no quote was approved)."""
    quote = approved_quote(ticket)
    if quote is None:
        return None
    computed = computed or compute(ticket)
    record = price_lists.price_list_on(coverage.service_day(ticket))
    bp, fen = (record.quote_tolerance_bp, record.quote_tolerance_fen) if record else (0, 0)
    return quote if pricing.over_tolerance(computed.totals.due, quote_fen(quote), bp, fen) else None


def freeze(ticket: Ticket) -> Bill | None:
    """At signing: the bill as shown becomes final. Refused when it exceeds the approved quote."""
    if approval_needed(ticket) is not None:
        raise ServiceError(_l("The bill exceeds the approved quote: the customer must approve the new amount "
                              "before signing."), status=409)
    bill = refresh(ticket)
    if not bill.lines:
        return bill
    bill.status, bill.signed_at = "signed", utcnow()
    return bill


def quote_from_bill(ticket: Ticket, user: User) -> Quote:
    """A new quote of the bill's charged lines, for the customer to approve when the bill outgrew the approved
    one (their earlier approval stays on record)."""
    computed = compute(ticket)
    # The work's price; points the customer chose are their own discount, not part of what they approve.
    charged = [line for line in computed.lines if line.charged and line.kind != points_rules.KIND]
    if not charged:
        raise ServiceError(_l("Nothing on the bill is charged to the customer."), status=409)
    lines = [QuoteLine(line.description or str(labels.LINE_KIND[line.kind]),
                       Decimal(1) if line.kind in ("labour", "travel") else Decimal(line.quantity),
                       (Decimal(line.amount if line.kind in ("labour", "travel") else line.unit_price) / 100)
                       .quantize(CENT))
             for line in charged]
    return selfservice.create_quote(ticket, user, lines=lines,
                                    note=str(_l("The bill at hand-over: more than the quote you approved.")))


def points_choice(ticket: Ticket, computed: Computed) -> dict | None:
    """What the points form shows: the balance, the points held for the bill, the most it can take and their
    value in fen (None for a ticket without a customer)."""
    if ticket.customer_id is None:
        return None
    bill = bill_of(ticket)
    rate = bill_points.points_per_yuan()
    most = points_rules.points_for(points_rules.payable_fen(computed.lines), rate)
    held = bill.points_held if bill is not None else 0
    balance = points.summary(ticket.customer_id, local_today()).balance
    return {"balance": balance, "held": held, "most": min(most, balance + held), "rate": rate,
            "held_fen": points_rules.value_fen(held, rate)}


def spend_points(ticket: Ticket, user: User, wanted: int) -> Bill:
    """The customer or the desk chooses the points the bill takes before signing (0 gives them back)."""
    if ticket.status == "cancelled":
        raise ServiceError(_l("The ticket was cancelled."), status=409)
    bill = bill_of(ticket) or refresh(ticket)
    most = points_rules.points_for(points_rules.payable_fen(compute(ticket).lines), bill_points.points_per_yuan())
    bill_points.hold(bill, wanted, most, today=local_today(), actor=user)
    add_event(ticket, user, "bill_points", data={"points": wanted})
    return refresh(ticket)


def grant_goodwill(ticket: Ticket, user: User, *, key: str, reason: str) -> Bill:
    """A supervisor waives one line the customer would pay, with the reason (shown on the line's bill)."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Say why the line is waived."), field="reason")
    bill = bill_of(ticket) or refresh(ticket)
    if bill.is_frozen:
        raise ServiceError(_l("The bill was signed and can no longer change."), status=409)
    if key not in {line_key(line) for line in compute(ticket).lines
                   if line.charged and line.kind != points_rules.KIND}:
        raise ServiceError(_l("This line is not charged to the customer."), status=409)
    bill.goodwill = {**(bill.goodwill or {}), key: {"reason": reason[:300], "by": user.id}}
    add_event(ticket, user, "goodwill_granted", body=reason, data={"line": key})
    return refresh(ticket)
