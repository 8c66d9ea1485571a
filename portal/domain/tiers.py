"""Customer tiers as pure rules: the response target a tier's override gives, the upgrade a person is offered
from the last 12 months' volume, and when an account manager's next check-in call falls due."""
from dataclasses import dataclass
from datetime import date, timedelta

UPGRADE_WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class TierRule:
    code: str
    rank: int
    upgrade_tickets_12m: int | None = None
    active: bool = True


def response_target(policy_minutes: int, *overrides: int | None) -> int:
    """The shortest of the priority's target and every override that applies (the tier's, a service
    contract's): a benefit can only make us answer sooner."""
    return min([policy_minutes, *(m for m in overrides if m is not None and m > 0)])


def upgrade_proposal(current: str, tickets_12m: int, tiers: list[TierRule]) -> str | None:
    """The highest active tier above the customer's whose threshold the last 12 months' tickets reach; None when
    there is none. Only ever up: a person confirms, and lowering a tier is their decision alone."""
    ranks = {t.code: t.rank for t in tiers}
    if current not in ranks:
        return None
    reached = [t for t in tiers if t.active and t.upgrade_tickets_12m is not None and t.rank > ranks[current]
               and tickets_12m >= t.upgrade_tickets_12m]
    return max(reached, key=lambda t: t.rank).code if reached else None


def checkin_due_on(last_due: date | None, last_done: date | None, interval_days: int | None,
                   today: date) -> date | None:
    """When the next check-in call is due: `interval_days` after the last one was done (or due, if never done),
    and today for a customer never called. None when the tier has no check-ins."""
    if not interval_days or interval_days <= 0:
        return None
    anchor = last_done or last_due
    if anchor is None:
        return today
    return anchor + timedelta(days=interval_days)
