"""Customer tiers: the admin's table of tiers and benefits (every change in the security log), the choices the
customer form offers, and the upgrades the 12-month rule proposes for a person to confirm."""
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from portal.domain import tiers as rules
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Customer, CustomerTier, Ticket, User
from portal.services import ServiceError, security_log, signals

FIELDS = ("name_zh", "name_en", "rank", "priority_boost", "response_minutes", "free_callout", "points_percent",
          "account_manager", "checkin_days", "upgrade_tickets_12m", "active")


def all_tiers() -> list[CustomerTier]:
    return list(db.session.scalars(db.select(CustomerTier).order_by(CustomerTier.rank, CustomerTier.id)))


def choices(current: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of the active tiers, and the customer's own even if an admin retired it."""
    locale = str(get_locale() or "zh")
    return [(t.code, t.name(locale)) for t in all_tiers() if t.active or t.code == current]


def is_offered(code: str | None, current: str | None = None) -> bool:
    return any(c == code for c, _name in choices(current))


def save_tier(tier: CustomerTier | None, data: dict, by: User | None) -> CustomerTier:
    """Create (tier None, with its code) or change a tier's benefits."""
    if tier is None:
        code = (data.get("code") or "").strip().lower()
        if db.session.scalar(db.select(CustomerTier.id).where(CustomerTier.code == code)) is not None:
            raise ServiceError(_l("A tier with this code exists already."), field="code")
        tier = CustomerTier(code=code)
        db.session.add(tier)
        before = {}
    else:
        before = {f: getattr(tier, f) for f in FIELDS}
    for name in FIELDS:
        setattr(tier, name, data.get(name))
    tier.priority_boost = max(0, min(3, tier.priority_boost or 0))
    tier.points_percent = tier.points_percent or 100
    if tier.code == "standard" and tier.active is False:
        raise ServiceError(_l("The standard tier is every new customer's: it cannot be deactivated."), field="active")
    db.session.flush()
    if diff := security_log.changes(before, {f: getattr(tier, f) for f in FIELDS}):
        security_log.record(security_log.MASTER_DATA_CHANGED, user=by, detail={f"customer tier {tier.code}": diff})
        if "response_minutes" in diff:
            signals.sla_targets_changed.send(
                customer_ids=db.session.scalars(db.select(Customer.id).where(Customer.tier == tier.code)).all())
    return tier


def proposals(limit: int = 200) -> list[tuple[Customer, int, CustomerTier]]:
    """Customers whose last 12 months' tickets reach a higher tier's threshold: (customer, tickets, tier)."""
    tiers = all_tiers()
    thresholds = [t.upgrade_tickets_12m for t in tiers if t.active and t.upgrade_tickets_12m]
    if not thresholds:
        return []
    since = utcnow() - rules.UPGRADE_WINDOW
    busy = db.session.execute(db.select(Ticket.customer_id, db.func.count().label("n")).where(
        Ticket.created_at >= since).group_by(Ticket.customer_id)
        .having(db.func.count() >= min(thresholds)).order_by(db.func.count().desc()).limit(limit)).all()
    customers = {c.id: c for c in db.session.scalars(db.select(Customer).where(
        Customer.id.in_([row[0] for row in busy] or [0]), Customer.active.is_(True)))}
    by_code = {t.code: t for t in tiers}
    rule_tiers = [rules.TierRule(t.code, t.rank, t.upgrade_tickets_12m, t.active) for t in tiers]
    found = []
    for customer_id, count in busy:
        customer = customers.get(customer_id)
        code = rules.upgrade_proposal(customer.tier, count, rule_tiers) if customer is not None else None
        if code is not None:
            found.append((customer, count, by_code[code]))
    return found


def confirm_upgrade(customer: Customer, code: str, by: User) -> None:
    """A person confirms the proposed tier; refused unless the rule still proposes exactly it."""
    proposed = {c.id: t.code for c, _n, t in proposals()}.get(customer.id)
    if proposed != code:
        raise ServiceError(_l("This upgrade is no longer proposed: the customer's tier or tickets changed."),
                           status=409)
    before = customer.tier
    customer.tier = code
    signals.sla_targets_changed.send(customer_ids=[customer.id])
    security_log.record(security_log.MASTER_DATA_CHANGED, user=by, detail={
        f"customer #{customer.id}": {"tier": [before, code], "reason": "12-month volume, confirmed"}})


def my_customers(manager: User) -> list[Customer]:
    return list(db.session.scalars(db.select(Customer).where(
        Customer.account_manager_id == manager.id, Customer.active.is_(True)).order_by(Customer.name)))


