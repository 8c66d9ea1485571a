"""Loyalty points (seed 003): earn, spend, expire and take back, on the append-only ledger. Every change to a
customer's points first locks the customer's row, so two spendings at once are taken one after the other and
the balance never goes below zero; what is left of each lot is read from the ledger, never stored."""
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.domain import points as rules
from portal.domain.roles import Role
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Customer, InboxItem, MemberDay, PointsAllocation, PointsEntry, Redemption, Reward, User
from portal.services import ServiceError, security_log

REMIND_DAYS = 30
REASONS = {"service": _l("Service paid"), "survey": _l("Survey answered"), "referral": _l("Referral"),
           "member_day": _l("Member day bonus"), "adjustment": _l("Adjustment"), "reward": _l("Reward"),
           "bill_discount": _l("Discount on a bill"), "expired": _l("Expired"), "refund": _l("Taken back: refund"),
           "bill_released": _l("Given back: not used on the bill"),
           "bill_refunded": _l("Given back: the bill was refunded")}


@dataclass(frozen=True)
class Summary:
    balance: int
    lots: list  # (lot entry, remaining), oldest first, only those with points left and not expired


def _lock(customer_id: int) -> None:
    """Serialise point changes per customer (SQLite: write transactions begin IMMEDIATE anyway)."""
    found = db.session.execute(select(Customer.id).where(Customer.id == customer_id).with_for_update()).first()
    if found is None:
        raise ServiceError(_l("No such customer."), status=404)


def lock_customer(customer_id: int) -> None:
    """For a use case that reads something of its own before it changes the customer's points (a bill's held
    points): taken first, so the read sees what a change that went before it committed."""
    _lock(customer_id)


def _remaining():
    taken = (select(func.coalesce(func.sum(PointsAllocation.points), 0))
             .where(PointsAllocation.lot_id == PointsEntry.id).scalar_subquery())
    return (PointsEntry.points - taken).label("remaining")


def _lot_rows(customer_id: int) -> list:
    return db.session.execute(select(PointsEntry, _remaining()).where(
        PointsEntry.customer_id == customer_id, PointsEntry.kind == "earn").order_by(PointsEntry.earned_on,
                                                                                     PointsEntry.id)).all()


def _lots(rows) -> list[rules.Lot]:
    return [rules.Lot(entry.id, entry.earned_on, remaining) for entry, remaining in rows]


def summary(customer_id: int, today: date) -> Summary:
    rows = _lot_rows(customer_id)
    live = [(entry, remaining) for entry, remaining in rows
            if remaining > 0 and not rules.is_expired(entry.earned_on, today)]
    return Summary(balance=sum(remaining for _entry, remaining in live), lots=live)


def history(customer_id: int, limit: int = 200) -> list[PointsEntry]:
    return db.session.scalars(select(PointsEntry).where(PointsEntry.customer_id == customer_id)
                              .order_by(PointsEntry.id.desc()).limit(limit)).all()


def earn(customer_id: int, points: int, reason: str, *, today: date, ticket_id: int | None = None,
         source_key: str | None = None, actor: User | None = None, note: str | None = None) -> PointsEntry | None:
    """A new lot; None when the source already earned (each service, survey or referral earns once)."""
    if points <= 0:
        return None
    if source_key and db.session.scalar(select(PointsEntry.id).where(PointsEntry.source_key == source_key)):
        return None
    _lock(customer_id)
    lot = PointsEntry(customer_id=customer_id, kind="earn", points=points, reason=reason, note=note,
                      earned_on=today, expires_on=rules.expires_on(today), ticket_id=ticket_id,
                      source_key=source_key, actor_id=actor.id if actor else None)
    try:
        with db.session.begin_nested():
            db.session.add(lot)
    except IntegrityError:  # the same source earned meanwhile, in another request
        return None
    return lot


def member_day_bonus(tier: str, today: date) -> int:
    """The bonus percent of the member days running today for this tier (the largest if several)."""
    days = db.session.scalars(select(MemberDay).where(MemberDay.starts_on <= today, MemberDay.ends_on >= today))
    return max((day.bonus_percent for day in days if not day.tiers or tier in day.tiers), default=0)


def earn_for_service(customer: Customer, ticket_id: int, paid_fen: int, *, today: date,
                     multiplier_percent: int = 100) -> int:
    """Points for a paid service (per yuan, times the tier's multiplier), with a member day's bonus; once per
    ticket. Returns the points earned now."""
    base = rules.earned_for_payment(paid_fen, multiplier_percent)
    earned = 0
    if earn(customer.id, base, "service", today=today, ticket_id=ticket_id, source_key=f"service:{ticket_id}"):
        earned += base
        bonus = base * member_day_bonus(customer.tier, today) // 100
        if earn(customer.id, bonus, "member_day", today=today, ticket_id=ticket_id,
                source_key=f"member_day:{ticket_id}"):
            earned += bonus
    return earned


def earn_for_survey(ticket, today: date) -> None:
    if ticket.customer_id:
        earn(ticket.customer_id, current_app.config["POINTS_PER_SURVEY"], "survey", today=today,
             ticket_id=ticket.id, source_key=f"survey:{ticket.id}")


def _take(customer_id: int, kind: str, reason: str, taken: list[tuple[int, int]], *, actor: User | None = None,
          note: str | None = None, ticket_id: int | None = None) -> PointsEntry:
    entry = PointsEntry(customer_id=customer_id, kind=kind, points=-sum(n for _lot, n in taken), reason=reason,
                        note=note, ticket_id=ticket_id, actor_id=actor.id if actor else None)
    db.session.add(entry)
    db.session.flush()
    db.session.add_all(PointsAllocation(entry_id=entry.id, lot_id=lot_id, points=n) for lot_id, n in taken)
    return entry


def spend(customer_id: int, points: int, reason: str, *, today: date, actor: User | None = None,
          note: str | None = None, ticket_id: int | None = None) -> PointsEntry:
    """Take `points`, the oldest first; refused (nothing taken) when the balance is short, whoever spent
    meanwhile: the balance is read after the customer's row is locked."""
    if points <= 0:
        raise ServiceError(_l("Spend at least one point."), field="points")
    _lock(customer_id)
    try:
        taken = rules.allocate(_lots(_lot_rows(customer_id)), points, today)
    except rules.NotEnoughPoints as short:
        raise ServiceError(_l("Not enough points: %(balance)s available, %(wanted)s needed.",
                              balance=short.balance, wanted=short.wanted), status=409, field="points") from None
    return _take(customer_id, "spend", reason, taken, actor=actor, note=note, ticket_id=ticket_id)


def give_back(entry: PointsEntry, reason: str, *, actor: User | None = None) -> int:
    """Undo a spending: each lot it took from gets its points back as a new lot with the same dates (it expires
    when the original would have), once (the source key refuses a second give-back). Returns the points."""
    _lock(entry.customer_id)
    given = 0
    allocations = db.session.execute(select(PointsAllocation, PointsEntry).join(
        PointsEntry, PointsEntry.id == PointsAllocation.lot_id).where(PointsAllocation.entry_id == entry.id)
        .order_by(PointsAllocation.id)).all()
    for allocation, lot in allocations:
        key = f"giveback:{entry.id}:{lot.id}"
        if db.session.scalar(select(PointsEntry.id).where(PointsEntry.source_key == key)):
            continue
        db.session.add(PointsEntry(customer_id=entry.customer_id, kind="earn", points=allocation.points,
                                   reason=reason, earned_on=lot.earned_on, expires_on=lot.expires_on,
                                   reminded_at=lot.reminded_at, ticket_id=entry.ticket_id, source_key=key,
                                   actor_id=actor.id if actor else None))
        given += allocation.points
    db.session.flush()
    return given


def redeem(customer_id: int, reward: Reward, *, today: date, actor: User) -> Redemption:
    if not reward.active:
        raise ServiceError(_l("This reward is no longer offered."), status=409)
    entry = spend(customer_id, reward.points, "reward", today=today, actor=actor, note=reward.name)
    redemption = Redemption(customer_id=customer_id, reward_id=reward.id, entry_id=entry.id,
                            requested_by_id=actor.id, status="requested")
    db.session.add(redemption)
    return redemption


def fulfil(redemption: Redemption, actor: User, note: str | None) -> None:
    if redemption.status != "requested":
        raise ServiceError(_l("This redemption was already fulfilled."), status=409)
    redemption.status, redemption.fulfilled_by_id = "fulfilled", actor.id
    redemption.fulfilled_at, redemption.fulfilment_note = utcnow(), note or None


def take_back_for_ticket(ticket_id: int, *, actor: User | None = None) -> int:
    """A refund or return takes back the points its service earned: what is left of those lots (points already
    spent stay spent, and the balance stays at zero or above). Returns the points taken back."""
    lots = db.session.execute(select(PointsEntry, _remaining()).where(
        PointsEntry.ticket_id == ticket_id, PointsEntry.kind == "earn",
        PointsEntry.reason.in_(("service", "member_day")))).all()
    if not lots:
        return 0
    customer_id = lots[0][0].customer_id
    _lock(customer_id)
    lots = db.session.execute(select(PointsEntry, _remaining()).where(
        PointsEntry.id.in_([entry.id for entry, _r in lots]))).all()
    taken = [(entry.id, remaining) for entry, remaining in lots if remaining > 0]
    if not taken:
        return 0
    earned = sum(entry.points for entry, _r in lots)
    back = sum(n for _lot, n in taken)
    note = None if back == earned else f"{earned - back} already spent"
    _take(customer_id, "take_back", "refund", taken, actor=actor, note=note, ticket_id=ticket_id)
    return back


def expire_due(today: date) -> int:
    """Every lot whose last day is before today loses what is left of it; running it again takes nothing.
    Returns the points expired."""
    due = db.session.execute(select(PointsEntry.customer_id).where(
        PointsEntry.kind == "earn", PointsEntry.expires_on < today, _remaining() > 0).distinct()).scalars().all()
    total = 0
    for customer_id in due:
        _lock(customer_id)
        taken = [(entry.id, remaining) for entry, remaining in _lot_rows(customer_id)
                 if remaining > 0 and entry.expires_on < today]
        if taken:
            _take(customer_id, "expire", "expired", taken)
            total += sum(n for _lot, n in taken)
    return total


def remind_expiring(today: date, days: int = REMIND_DAYS) -> int:
    """One inbox message per lot about to expire within `days`, to the customer's accounts, once per lot."""
    rows = db.session.execute(select(PointsEntry, _remaining()).where(
        PointsEntry.kind == "earn", PointsEntry.reminded_at.is_(None), PointsEntry.expires_on >= today,
        PointsEntry.expires_on <= date.fromordinal(today.toordinal() + days))).all()
    sent = 0
    for lot, remaining in rows:
        lot.reminded_at = utcnow()
        if remaining <= 0:
            continue
        accounts = db.session.scalars(select(User).where(User.customer_id == lot.customer_id,
                                                         User.role == Role.CUSTOMER, User.active.is_(True)))
        for user in accounts:
            with force_locale(user.locale or "zh_CN"):
                text = str(_l("%(points)s loyalty points expire at the end of %(day)s: spend them on the portal.",
                              points=remaining, day=lot.expires_on.isoformat()))
            db.session.add(InboxItem(user_id=user.id, kind="points_expiring", text=text))
        sent += 1
    return sent


# --- kept by the office ----------------------------------------------------------------------------------------

REWARD_FIELDS = ("name", "kind", "points", "description")
MEMBER_DAY_FIELDS = ("name", "starts_on", "ends_on", "tiers", "bonus_percent")


def _audit(by: User | None, what: str, before: dict, after: dict) -> None:
    if diff := security_log.changes(before, after):
        security_log.record(security_log.MASTER_DATA_CHANGED, user=by, detail={what: diff})


def add_points(customer: Customer, points: int, reason: str, note: str, *, today: date, by: User) -> PointsEntry:
    """A referral or an adjustment by a supervisor, with its note; in the security log."""
    if reason not in ("referral", "adjustment"):
        raise ServiceError(_l("Choose why the points are given."), field="reason")
    lot = earn(customer.id, points, reason, today=today, actor=by, note=note)
    if lot is None:
        raise ServiceError(_l("Give at least one point."), field="points")
    security_log.record(security_log.MASTER_DATA_CHANGED, user=by,
                        detail={"points": {"customer": customer.id, "points": points, "reason": reason}})
    return lot


def save_reward(reward: Reward | None, data: dict, by: User) -> Reward:
    before = {f: getattr(reward, f) for f in REWARD_FIELDS} if reward else {}
    reward = reward or Reward()
    for name in REWARD_FIELDS:
        setattr(reward, name, data[name])
    db.session.add(reward)
    _audit(by, "reward", before, data)
    return reward


def set_reward_active(reward: Reward, active: bool, by: User) -> None:
    _audit(by, "reward", {"active": reward.active, "name": reward.name}, {"active": active, "name": reward.name})
    reward.active = active


def save_member_day(day: MemberDay | None, data: dict, by: User) -> MemberDay:
    if data["ends_on"] < data["starts_on"]:
        raise ServiceError(_l("The last day comes on or after the first."), field="ends_on")
    before = {f: getattr(day, f) for f in MEMBER_DAY_FIELDS} if day else {}
    day = day or MemberDay()
    for name in MEMBER_DAY_FIELDS:
        setattr(day, name, data[name])
    db.session.add(day)
    _audit(by, "member_day", {k: str(v) for k, v in before.items()}, {k: str(v) for k, v in data.items()})
    return day


def open_redemptions(limit: int = 200) -> list[Redemption]:
    return db.session.scalars(select(Redemption).where(Redemption.status == "requested")
                              .options(joinedload(Redemption.reward), joinedload(Redemption.customer))
                              .order_by(Redemption.id).limit(limit)).all()


def redemptions_of(customer_id: int) -> list[Redemption]:
    return db.session.scalars(select(Redemption).where(Redemption.customer_id == customer_id)
                              .options(joinedload(Redemption.reward)).order_by(Redemption.id.desc())
                              .limit(50)).all()
