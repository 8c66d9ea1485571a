"""Routing rules: which department takes a ticket of a category, applied at triage, edited by an admin."""
from portal.extensions import db
from portal.models import RoutingRule


def routed_department(category: str | None) -> int | None:
    if not category:
        return None
    with db.session.no_autoflush:  # read before the triage changes are flushed
        return db.session.scalar(db.select(RoutingRule.department_id).where(RoutingRule.category == category))


def routing_rules() -> dict[str, int]:
    return dict(db.session.execute(db.select(RoutingRule.category, RoutingRule.department_id)).all())


def save_routing(choices: dict[str, int | None]) -> None:
    """Create, change or remove (None) the rule of each category given."""
    rules = {r.category: r for r in db.session.scalars(db.select(RoutingRule))}
    for category, department_id in choices.items():
        rule = rules.get(category)
        if department_id is None:
            if rule is not None:
                db.session.delete(rule)
        elif rule is None:
            db.session.add(RoutingRule(category=category, department_id=department_id))
        else:
            rule.department_id = department_id
