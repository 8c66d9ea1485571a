"""Reference data every installation starts with, demo or not: inspection checklists per product category,
the SLA policies of seed document 000, routing of ticket categories to departments. Each is created only
where missing, so that an admin's changes and deletions stay."""
from portal.extensions import db
from portal.models import ChecklistTemplate, CustomerTier, Department, RoutingRule, SlaPolicy
from portal.services.sla import default_policies


def _item(key, zh, en, kind, required=False, unit=None):
    return {"key": key, "label": {"zh_CN": zh, "en": en}, "kind": kind, "required": required, "unit": unit}


DEFAULT_CHECKLISTS = {
    "display": ("显示终端检查 Display terminal check", [
        _item("power_on", "通电后能开机", "Powers on", "yesno", True),
        _item("image", "画面显示正常", "Picture shows normally", "yesno", True),
        _item("supply_voltage", "供电电压", "Supply voltage", "value", True, "V"),
        _item("label_photo", "铭牌/序列号照片", "Photo of the rating plate / serial", "photo", True),
    ]),
    "appliance": ("家电检查 Appliance check", [
        _item("power_on", "通电后能开机", "Powers on", "yesno", True),
        _item("leak", "有无漏水", "Any water leak", "yesno", True),
        _item("earth", "接地电阻", "Earth resistance", "value", True, "Ω"),
        _item("install_photo", "安装环境照片", "Photo of the installation", "photo", False),
    ]),
    "equipment": ("工业设备检查 Equipment check", [
        _item("output_voltage", "输出电压", "Output voltage", "value", True, "V"),
        _item("fan", "风扇运转正常", "Fan runs normally", "yesno", True),
        _item("temperature", "外壳温度", "Case temperature", "value", False, "°C"),
        _item("board_photo", "电路板照片", "Photo of the board", "photo", True),
    ]),
}


def ensure_default_checklists() -> int:
    """Create the checklists that are missing; returns how many were created."""
    existing = set(db.session.scalars(db.select(ChecklistTemplate.category)))
    created = 0
    for category, (name, items) in DEFAULT_CHECKLISTS.items():
        if category not in existing:
            db.session.add(ChecklistTemplate(category=category, name=name, items=items))
            created += 1
    return created


# Seeded once when there are no rules at all (so an admin's deletions stay deleted).
DEFAULT_ROUTING = {
    "fault_repair": "repair", "consultation": "tech_support", "complaint": "customer_service",
    "proactive": "repair", "return": "warehouse", "appearance": "warehouse", "other": "customer_service",
}


def ensure_default_routing() -> int:
    if db.session.scalar(db.select(db.func.count()).select_from(RoutingRule)):
        return 0
    departments = dict(db.session.execute(db.select(Department.code, Department.id)).all())
    rules = [RoutingRule(category=c, department_id=departments[code])
             for c, code in DEFAULT_ROUTING.items() if code in departments]
    db.session.add_all(rules)
    return len(rules)


def ensure_default_policies() -> int:
    if db.session.scalar(db.select(db.func.count()).select_from(SlaPolicy)):
        return 0
    rows = default_policies()
    db.session.add_all(rows)
    return len(rows)


# Seed 003's tiers, as the migration that made the table inserts them (a database emptied since, like the test
# database on PostgreSQL between tests, gets them back here).
DEFAULT_TIERS = [
    # code, zh, en, rank, boost, response minutes, free call-out, points %, account manager, check-in days, upgrade at
    ("standard", "普通", "Standard", 0, 0, None, False, 100, False, None, None),
    ("silver", "银卡", "Silver", 1, 0, None, False, 120, False, None, 3),
    ("gold", "金卡", "Gold", 2, 0, 240, True, 150, True, 90, 6),
    ("vip", "VIP", "VIP", 3, 1, 120, True, 200, True, 30, 12),
]


def ensure_default_tiers() -> int:
    if db.session.scalar(db.select(db.func.count()).select_from(CustomerTier)):
        return 0
    db.session.add_all(CustomerTier(code=code, name_zh=zh, name_en=en, rank=rank, priority_boost=boost,
                                    response_minutes=minutes, free_callout=free, points_percent=percent,
                                    account_manager=manager, checkin_days=days, upgrade_tickets_12m=upgrade)
                       for code, zh, en, rank, boost, minutes, free, percent, manager, days, upgrade in DEFAULT_TIERS)
    db.session.flush()
    return len(DEFAULT_TIERS)
