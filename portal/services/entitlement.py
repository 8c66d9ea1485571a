"""三包 entitlement of a ticket's unit: the facts gathered from the unit and its repairs, the category's policy
(SANBAO_POLICIES), the reasons in words, and the decision the desk records. The rule is
portal.domain.entitlement; every page and document asks here."""
from datetime import date

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.domain import entitlement as rules
from portal.domain import workflow
from portal.domain.entitlement import Entitlement, Facts, Policy
from portal.extensions import db
from portal.models import Asset, Diagnosis, EntitlementDecision, Ticket, TicketEvent, User
from portal.services import ServiceError
from portal.services.events import add_event
from portal.services.localtime import local, local_today
from portal.services.transitions import apply_action

# The ticket categories that claim a performance fault (三包 applies); other requests are service, not 三包.
FAULT_CATEGORIES = frozenset({None, "fault_repair", "return"})
REPAIR_EVENTS_WAIT = ("waiting_parts",)
REPAIR_EVENTS_RESUME = ("resumed", "work_resumed")


def policy_for(category: str | None) -> Policy:
    """The category's policy from the configuration, else the defaults of the regulations."""
    settings = (current_app.config.get("SANBAO_POLICIES") or {}).get(category or "")
    return Policy(**settings) if settings else rules.DEFAULT


def _day(moment) -> date:
    return local(moment).date()


def _wait_days(events: list[tuple[str, object]], today: date) -> int:
    """Days spent waiting for parts, from the waiting and resumed events in order."""
    total, since = 0, None
    for kind, at in events:
        if kind in REPAIR_EVENTS_WAIT and since is None:
            since = _day(at)
        elif kind in REPAIR_EVENTS_RESUME and since is not None:
            total, since = total + rules.days_between(since, _day(at)), None
    if since is not None:
        total += rules.days_between(since, today)
    return total


def facts_for(ticket: Ticket, today: date | None = None) -> Facts:
    """The facts of the ticket's unit: dates, earlier repairs of the same fault, days in repair and waiting."""
    today = today or local_today()
    asset = ticket.asset
    invoice = asset.invoice_date if asset is not None else None
    purchase = (asset.purchase_date if asset is not None else None) or ticket.purchase_date
    start = invoice or purchase
    end_of_this = _day(ticket.resolved_at) if ticket.resolved_at else today
    repair_days = rules.days_between(_day(ticket.created_at), end_of_this) if ticket.created_at else 0
    events = db.session.execute(db.select(TicketEvent.kind, TicketEvent.created_at).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind.in_(REPAIR_EVENTS_WAIT + REPAIR_EVENTS_RESUME))
        .order_by(TicketEvent.id)).all()
    same, before = 0, 0
    if ticket.asset_id is not None and start is not None:
        earlier = db.session.execute(
            db.select(Ticket.id, Ticket.created_at, Ticket.resolved_at).where(
                Ticket.asset_id == ticket.asset_id, Ticket.id != ticket.id, Ticket.status == workflow.CLOSED,
                Ticket.resolved_at.is_not(None), Ticket.category.in_(("fault_repair", "return")))).all()
        earlier = [row for row in earlier if _day(row.created_at) >= start]
        causes = _causes([ticket.id] + [row.id for row in earlier])
        mine = causes.get(ticket.id)
        # A fault not diagnosed yet counts as the same as every earlier one: the desk sees the count and decides.
        same = sum(1 for row in earlier if mine is None or causes.get(row.id) in (None, mine))
        before = sum(rules.days_between(_day(row.created_at), _day(row.resolved_at)) for row in earlier)
    return Facts(today=today, invoice_date=invoice, purchase_date=purchase,
                 performance_fault=ticket.category in FAULT_CATEGORIES, same_fault_repairs=same,
                 days_in_repair_before=before, repair_days=repair_days,
                 part_wait_days=_wait_days([tuple(e) for e in events], today))


def _causes(ticket_ids: list[int]) -> dict[int, str]:
    """The latest diagnosed cause category of each ticket."""
    rows = db.session.execute(db.select(Diagnosis.ticket_id, Diagnosis.cause_category)
                              .where(Diagnosis.ticket_id.in_(ticket_ids)).order_by(Diagnosis.id)).all()
    return {row.ticket_id: row.cause_category for row in rows}


def of_ticket(ticket: Ticket, today: date | None = None) -> Entitlement:
    return rules.entitlement(facts_for(ticket, today), policy_for(ticket.product_model.category))


def of_asset(asset: Asset, today: date | None = None) -> Entitlement:
    """A unit before any ticket (intake): its dates only, a performance fault assumed."""
    facts = Facts(today=today or local_today(), invoice_date=asset.invoice_date, purchase_date=asset.purchase_date)
    return rules.entitlement(facts, policy_for(asset.product_model.category))


def of_dates(category: str | None, purchase: date | None, today: date | None = None) -> Entitlement:
    """From a purchase date typed by the customer or the agent (checked later against the invoice)."""
    return rules.entitlement(Facts(today=today or local_today(), purchase_date=purchase), policy_for(category))


OPTION = {rules.RETURN: _l("return (refund)"), rules.EXCHANGE: _l("exchange"), rules.REPAIR: _l("free repair"),
          rules.PAID_REPAIR: _l("paid repair")}


def options_text(result: Entitlement) -> str:
    return _(", ").join(str(OPTION[o]) for o in result.options)


def reason_text(reason: rules.Reason) -> str:
    v = {k: (format_date(x, "yyyy-MM-dd") if isinstance(x, date) else x) for k, x in reason.values.items()}
    texts = {
        "no_date": lambda: _("No invoice or purchase date on file: 三包 cannot be counted."),
        "future_date": lambda: _("The purchase date %(start)s is in the future: check it.", **v),
        "not_a_fault": lambda: _("Day %(day)s after purchase; not a performance fault, so no return or exchange.",
                                 **v),
        "within_return": lambda: _("Day %(day)s after purchase (within %(limit)s days): return, exchange or "
                                   "repair.", **v),
        "within_exchange": lambda: _("Day %(day)s after purchase (within %(limit)s days): exchange or repair.", **v),
        "within_period": lambda: _("Day %(day)s after purchase, in the 三包 period until %(end)s: free repair.", **v),
        "extended": lambda: _("The period is extended by %(days)s days spent in repair or waiting for parts.", **v),
        "repair_number": lambda: _("Repair number %(number)s of the same fault.", **v),
        "repeat_fault": lambda: _("Repaired %(repairs)s times for the same fault and it still fails: exchange or "
                                  "return.", **v),
        "repair_too_long": lambda: _("In repair for %(days)s days, more than %(limit)s: exchange or return.", **v),
        "no_part": lambda: _("Waiting %(days)s days for a part, more than %(limit)s: exchange or return.", **v),
        "main_parts_only": lambda: _("Day %(day)s after purchase: the whole unit's period is over; main parts are "
                                     "covered until %(end)s.", **v),
        "expired": lambda: _("Day %(day)s after purchase: the 三包 period ended on %(end)s; repairs are charged.",
                             **v),
    }
    return texts[reason.code]()


def explain(result: Entitlement) -> list[str]:
    return [reason_text(r) for r in result.reasons]


def snapshot(result: Entitlement) -> dict:
    """The entitlement as stored with a decision: what it was, in codes and words."""
    return {"options": list(result.options), "day": result.day,
            "start": result.start.isoformat() if result.start else None, "start_basis": result.start_basis,
            "period_end": result.period_end.isoformat() if result.period_end else None,
            "reasons": [r.code for r in result.reasons], "text": explain(result)}


def decisions(ticket: Ticket) -> list[EntitlementDecision]:
    return list(db.session.scalars(db.select(EntitlementDecision).where(EntitlementDecision.ticket_id == ticket.id)
                                   .order_by(EntitlementDecision.id.desc())))


def decide(ticket: Ticket, user: User, *, decision: str, reason: str | None) -> EntitlementDecision:
    """Record what was decided and why; a choice outside the entitlement needs a reason saying so."""
    apply_action(ticket, "decide_entitlement", user)
    if decision not in rules.DECISIONS:
        raise ServiceError(_l("Choose what was decided."), field="decision")
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Say why (what the customer chose, what was agreed)."), field="reason")
    result = of_ticket(ticket)
    record = EntitlementDecision(ticket_id=ticket.id, decision=decision, reason=reason[:500],
                                 entitlement=snapshot(result), decided_by_id=user.id)
    db.session.add(record)
    add_event(ticket, user, "entitlement_decided", body=reason[:500],
              data={"decision": decision, "options": list(result.options),
                    "outside": decision not in result.options}, customer_visible=True)
    return record
