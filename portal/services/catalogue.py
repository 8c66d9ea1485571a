"""Catalogue master data kept by supervisors: product models (category, warranty, the checklist of their
category) and the parts catalogue (price in integer fen); deactivated, never deleted; every change in the
security log with before -> after."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.domain import checklists as checklist_rules
from portal.domain import search
from portal.extensions import db
from portal.models import ChecklistTemplate, Part, ProductModel, User
from portal.services import ServiceError, check_fresh, security_log

MODEL_FIELDS = ("code", "name", "category", "warranty_months")
CHECKLIST_FIELDS = ("category", "name", "items")
PART_FIELDS = ("code", "name", "category", "unit_price_fen", "warranty_months", "serial_tracked")


@dataclass
class Page:
    rows: list
    number: int
    has_next: bool


def _text_condition(cls, raw: str):
    """A code typed from its start (a range on the unique code index) or a fragment of the name. Catalogues
    hold thousands of rows, not millions: the name part reads the table."""
    q = search.clean(raw).strip()[:60]
    upper = q.upper()
    return sa.or_(sa.and_(cls.code >= upper, cls.code < upper + "~"), cls.name.contains(q, autoescape=True))


def listing(cls, query: str | None, number: int, size: int, inactive: bool = False) -> Page:
    select = db.select(cls).order_by(cls.code)
    if search.clean(query).strip():
        select = select.where(_text_condition(cls, query))
    if not inactive:
        select = select.where(cls.active.is_(True))
    rows = db.session.scalars(select.limit(size + 1).offset((number - 1) * size)).all()
    return Page(rows=list(rows[:size]), number=number, has_next=len(rows) > size)


def categories() -> list[str]:
    """Product categories: those of the checklists and of the models on file."""
    found = set(db.session.scalars(db.select(ChecklistTemplate.category)))
    found |= set(db.session.scalars(db.select(ProductModel.category).distinct()))
    return sorted(found)


def checklist_for(category: str | None) -> ChecklistTemplate | None:
    return db.session.scalar(db.select(ChecklistTemplate).where(ChecklistTemplate.category == category))


def current_values(record, fields) -> dict:
    return {f: getattr(record, f) for f in fields}


def _save(cls, record, fields, data: dict, by: User | None, what: str, seen: str | None = None):
    check_fresh(record, fields, seen)
    code = (data.get("code") or "").strip().upper()
    taken = db.session.scalar(db.select(cls.id).where(cls.code == code, cls.id != (record.id if record else 0)))
    if taken:
        raise ServiceError(_l("This code is already used."), field="code")
    before = {f: getattr(record, f) for f in fields} if record is not None else {}
    if record is None:
        record = cls()
        db.session.add(record)
    for field in fields:
        setattr(record, field, data.get(field))
    record.code = code
    db.session.flush()
    if diff := security_log.changes(before, {f: getattr(record, f) for f in fields}):
        security_log.record(security_log.MASTER_DATA_CHANGED, user=by, detail={f"{what} #{record.id}": diff})
    return record


def save_model(model: ProductModel | None, data: dict, by: User | None, seen: str | None = None) -> ProductModel:
    return _save(ProductModel, model, MODEL_FIELDS, data, by, "product model", seen)


def save_part(part: Part | None, data: dict, by: User | None, seen: str | None = None) -> Part:
    return _save(Part, part, PART_FIELDS, data, by, "part", seen)


def set_active(record, active: bool, by: User | None, what: str) -> None:
    if record.active != active:
        security_log.record(security_log.MASTER_DATA_CHANGED, user=by, detail={
            f"{what} #{record.id} {record.code}": {"active": [record.active, active]}})
    record.active = active


def checklists() -> list[ChecklistTemplate]:
    return list(db.session.scalars(db.select(ChecklistTemplate).order_by(ChecklistTemplate.category)))


def save_checklist(template: ChecklistTemplate | None, *, category: str, name: str, rows: list[dict],
                   by: User | None, seen: str | None = None) -> ChecklistTemplate:
    """Create or change the checklist of a product category from the editor's rows (see domain.checklists)."""
    check_fresh(template, CHECKLIST_FIELDS, seen)
    items = checklist_rules.build_items(rows)
    if not items:
        raise ServiceError(_l("Add at least one item."))
    category = category.strip()
    taken = db.session.scalar(db.select(ChecklistTemplate.id).where(
        ChecklistTemplate.category == category, ChecklistTemplate.id != (template.id if template else 0)))
    if taken:
        raise ServiceError(_l("This category already has a checklist: edit that one."), field="category")
    before = _checklist_summary(template) if template is not None else {}
    if template is None:
        template = ChecklistTemplate(category=category, name=name, items=items)
        db.session.add(template)
    template.category, template.name, template.items = category, name, items
    db.session.flush()
    if diff := security_log.changes(before, _checklist_summary(template)):
        security_log.record(security_log.MASTER_DATA_CHANGED, user=by, detail={f"checklist #{template.id}": diff})
    return template


def _checklist_summary(template: ChecklistTemplate) -> dict:
    """What the security log compares: category, name and the items in order as "label (kind, unit, *)"."""
    items = ["{} ({}{}{})".format(i["label"]["zh_CN"], i["kind"], f", {i['unit']}" if i.get("unit") else "",
                                  ", *" if i.get("required") else "") for i in template.items]
    return {"category": template.category, "name": template.name, "items": " · ".join(items)}
