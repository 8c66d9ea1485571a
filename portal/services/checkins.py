"""The account manager's check-in calls with high-value customers (seed 003's 定期回访): a periodic task opens
one per customer of a tier with a check-in interval when it falls due, tells the manager in their inbox, and the
manager closes it with notes kept on the customer."""
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.domain import tiers as rules
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Customer, CustomerCheckIn, CustomerTier, InboxItem, User
from portal.services import ServiceError
from portal.services.localtime import local_today


def _last(customer_id: int) -> CustomerCheckIn | None:
    return db.session.scalar(db.select(CustomerCheckIn).where(CustomerCheckIn.customer_id == customer_id)
                             .order_by(CustomerCheckIn.due_on.desc(), CustomerCheckIn.id.desc()).limit(1))


def open_due(today: date | None = None) -> int:
    """Open the check-ins that fell due; idempotent (a customer with one open gets no second). How many opened."""
    today = today or local_today()
    rows = db.session.execute(db.select(Customer, CustomerTier.checkin_days)
                              .join(CustomerTier, CustomerTier.code == Customer.tier)
                              .where(Customer.active.is_(True), CustomerTier.active.is_(True),
                                     CustomerTier.checkin_days > 0)).all()
    opened = 0
    for customer, days in rows:
        last = _last(customer.id)
        if last is not None and last.done_at is None:
            continue
        due = rules.checkin_due_on(last.due_on if last else None,
                                   last.done_at.date() if last and last.done_at else None, days, today)
        if due is None or due > today:
            continue
        check_in = CustomerCheckIn(customer_id=customer.id, manager_id=customer.account_manager_id, due_on=due)
        db.session.add(check_in)
        _tell(customer)
        opened += 1
    return opened


def _tell(customer: Customer) -> None:
    manager = db.session.get(User, customer.account_manager_id) if customer.account_manager_id else None
    if manager is None or not manager.active:
        return
    with force_locale(manager.locale if manager.locale in ("zh_CN", "en") else "zh_CN"):
        text = _("Check-in call due with %(customer)s.", customer=customer.name)
    db.session.add(InboxItem(user_id=manager.id, kind="check_in_due", text=text))


def history(customer_id: int, limit: int = 20) -> list[CustomerCheckIn]:
    return list(db.session.scalars(db.select(CustomerCheckIn).where(CustomerCheckIn.customer_id == customer_id)
                                   .order_by(CustomerCheckIn.due_on.desc(), CustomerCheckIn.id.desc()).limit(limit)))


def open_for(manager: User) -> list[CustomerCheckIn]:
    return list(db.session.scalars(db.select(CustomerCheckIn).join(Customer).where(
        Customer.account_manager_id == manager.id, CustomerCheckIn.done_at.is_(None))
        .order_by(CustomerCheckIn.due_on)))


def complete(check_in: CustomerCheckIn, by: User, note: str) -> None:
    if check_in.done_at is not None:
        raise ServiceError(_l("This check-in is already done."), status=409)
    if not (note or "").strip():
        raise ServiceError(_l("Write down what the customer said."), field="note")
    check_in.done_at, check_in.done_by_id, check_in.note = utcnow(), by.id, note.strip()
