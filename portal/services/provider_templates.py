"""The admin's provider templates for text messages and WeChat (portal.domain.provider_templates): saved with
their placeholders checked and the change in the security log, and read when a message is delivered."""
from datetime import datetime

from flask_babel import lazy_gettext as _l

from portal.domain import provider_templates as rules
from portal.extensions import db
from portal.models import Notification, ProviderTemplate, User
from portal.services import ServiceError, security_log
from portal.services.localtime import local


def of(channel: str, kind: str) -> ProviderTemplate | None:
    return db.session.scalar(db.select(ProviderTemplate).where(ProviderTemplate.channel == channel,
                                                              ProviderTemplate.kind == kind))


def all_rows() -> dict[tuple[str, str], ProviderTemplate]:
    return {(row.channel, row.kind): row for row in db.session.scalars(db.select(ProviderTemplate))}


def save(channel: str, kind: str, template_id: str, mapping: str, by: User) -> ProviderTemplate | None:
    """An empty template id removes the admin's template (the TEMPLATES setting applies again)."""
    if channel not in rules.CHANNELS or kind not in rules.KINDS:
        raise ServiceError(_l("No such kind of message."), status=404)
    template_id = (template_id or "").strip()
    variables, problems = rules.parse_mapping(kind, mapping)
    if template_id and not rules.TEMPLATE_ID.match(template_id):
        raise ServiceError(_l("Letters, digits and _ . : - only, at most 80."), field="template_id")
    if problems:
        raise ServiceError(_l("Not understood: %(lines)s. Write one variable per line as name={placeholder}, "
                              "with only these placeholders: %(allowed)s.", lines="; ".join(problems),
                              allowed=", ".join("{" + name + "}" for name in rules.VARIABLES[kind])),
                           field="variables")
    row = of(channel, kind)
    # The mapping as its text in the log: a variable may be called "code", a key the security log drops.
    before = {"template": row.template_id, "variables": rules.mapping_text(row.variables)} \
        if row is not None else None
    if not template_id:
        if row is not None:
            db.session.delete(row)
        row, after = None, None
    else:
        row = row or ProviderTemplate(channel=channel, kind=kind)
        row.template_id, row.variables, row.updated_by_id = template_id, variables or None, by.id
        db.session.add(row)
        after = {"template": template_id, "variables": rules.mapping_text(variables)}
    if before != after:
        security_log.record(security_log.PROVIDER_TEMPLATE_CHANGED, user=by,
                            detail={"channel": channel, "kind": kind, "before": before, "after": after})
    return row


def _when(value) -> str:
    try:
        return local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(value or "")


def placeholder_values(notice: Notification) -> dict:
    """The placeholders' values of a queued message (the same as its text's)."""
    data = dict(notice.data or {})
    values = {**data, "at": _when(data.get("at") or data.get("due")), "eta": data.get("eta") or ""}
    if notice.ticket is not None:
        values.setdefault("number", notice.ticket.number)
        values["priority"] = notice.ticket.priority or "—"
    return values


def for_message(channel: str, notice: Notification) -> tuple[str | None, dict | None]:
    """(template id, variables) from the admin's template for this message, or (None, None) when there is none."""
    row = of(channel, notice.kind) if channel in rules.CHANNELS else None
    if row is None:
        return None, None
    return row.template_id, rules.apply(row.variables or {}, placeholder_values(notice))
