"""Routing rules: which department takes a ticket of a category, applied at triage, edited by an admin."""
from portal.extensions import db
from portal.models import Department, RoutingRule, User
from portal.services import security_log


def routed_department(category: str | None) -> int | None:
    if not category:
        return None
    with db.session.no_autoflush:  # read before the triage changes are flushed
        return db.session.scalar(db.select(RoutingRule.department_id).where(RoutingRule.category == category))


def routing_rules() -> dict[str, int]:
    return dict(db.session.execute(db.select(RoutingRule.category, RoutingRule.department_id)).all())


def save_routing(choices: dict[str, int | None], by: User | None = None) -> None:
    """Create, change or remove (None) the rule of each category given; the security log keeps the departments
    before and after."""
    rules = {r.category: r for r in db.session.scalars(db.select(RoutingRule))}
    before = {category: rules[category].department_id if category in rules else None for category in choices}
    if diff := security_log.changes(before, choices):
        names = dict(db.session.execute(db.select(Department.id, Department.code)).all())
        security_log.record(security_log.ROUTING_CHANGED, user=by, detail={
            category: [names.get(old), names.get(new)] for category, (old, new) in diff.items()})
    for category, department_id in choices.items():
        rule = rules.get(category)
        if department_id is None:
            if rule is not None:
                db.session.delete(rule)
        elif rule is None:
            db.session.add(RoutingRule(category=category, department_id=department_id))
        else:
            rule.department_id = department_id
