"""Demo data for `make run`: two customers with assets, staff of every role, parts. Seeded once."""
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from portal.domain.proactive import Criteria
from portal.domain.warranty import warranty_end
from portal.extensions import db
from portal.models import (
    Asset,
    Campaign,
    Contact,
    Customer,
    CustomerAddress,
    CustomerCheckIn,
    Department,
    MemberDay,
    Part,
    ProductModel,
    Reward,
    ServicePoint,
    Ticket,
    User,
    Visit,
)
from portal.pdf.seal import make_self_signed
from portal.seed import history
from portal.seed.desk import seed_bookings, seed_desk_work
from portal.seed.knowledge import ensure_knowledge_articles
from portal.seed.modes import seed_mode_tickets
from portal.seed.prices import ensure_demo_contract, ensure_price_list
from portal.seed.reference import (
    ensure_default_checklists,
    ensure_default_policies,
    ensure_default_routing,
    ensure_default_tiers,
)
from portal.services import (
    checkins,
    customers,
    fieldwork,
    points,
    proactive,
    tickets,
)
from portal.services.events import add_event
from portal.services.localtime import local_today, zone

# Demo-only credentials, printed by `flask demo accounts` and listed in the README.
ACCOUNTS = [
    # email, password, name, role, senior, department code
    ("admin@example.com", "admin-demo", "系统管理员 Admin", "admin", False, None),
    ("supervisor@example.com", "supervisor-demo", "王主管 Wang", "supervisor", False, "customer_service"),
    ("agent@example.com", "agent-demo", "李客服 Li", "agent", False, "customer_service"),
    ("engineer@example.com", "engineer-demo", "陈工 Chen (senior)", "engineer", True, "repair"),
    ("engineer2@example.com", "engineer2-demo", "刘工 Liu", "engineer", False, "repair"),
    ("backoffice@example.com", "backoffice-demo", "赵后台 Zhao", "backoffice", False, "customer_service"),
    ("manager@example.com", "manager-demo", "孙经理 Sun (服务经理)", "manager", False, None),
    ("customer@example.com", "customer-demo", "张经理 Zhang (华东精密)", "customer", False, None),
    ("zhou.min@example.com", "zhou-demo", "周敏 Zhou (individual)", "customer", False, None),
]
# Customer logins: the customer and the contact each one is (a second customer, to try isolation).
CUSTOMER_LOGINS = {
    "customer@example.com": ("华东精密制造有限公司", "张经理"),
    "zhou.min@example.com": ("周敏", "周敏"),
}
# One site per customer, seeded where the customer has none yet.
ADDRESSES = {"华东精密制造有限公司": "总部 Head office", "周敏": "家 Home"}

# Engineers' trained product categories and regions, customers' regions: what the dispatch ranking reads.
ENGINEER_PROFILES = {
    "engineer@example.com": (["display", "equipment"], "华东"),
    "engineer2@example.com": (["appliance", "display"], "华北"),
}
CUSTOMER_REGIONS = {"华东精密制造有限公司": "华东", "周敏": "华东"}
SERVICE_POINTS = [
    ("苏州服务中心", "苏州工业园区金鸡湖大道 99 号 1 楼", "0512-6288 1000", "周一至周六 9:00-18:00"),
    ("北京服务中心", "北京市朝阳区酒仙桥路 10 号", "010-6438 2000", "周一至周五 9:00-17:30"),
]
# engineer: (home service point, working days, start, end)
ENGINEER_BASES = {"engineer@example.com": ("苏州服务中心", "123456", "08:30", "17:30"),
                  "engineer2@example.com": ("北京服务中心", "12345", "09:00", "18:00")}

DEPARTMENTS = [
    ("tech_support", "技术支持部"), ("repair", "维修服务部"), ("rnd", "产品研发部"),
    ("customer_service", "客户服务部"), ("warehouse", "仓储部"),
]

MODELS = [
    ("ABC-2000", "智能显示终端 Smart display terminal", "display", 12),
    ("WM-800", "变频滚筒洗衣机 Inverter washing machine", "appliance", 24),
    ("PX-50", "工业电源模块 Industrial power module", "equipment", 18),
]

PARTS = [  # code, name, warranty months, category, unit price in fen, serial-tracked
    ("PCB-ABC-MAIN", "主控板 Main board (ABC-2000)", 6, "主板", 128000, True),
    ("LCD-ABC-15", "15 寸液晶屏 15\" LCD panel", 6, "显示屏", 86000, True),
    ("PSU-24V", "24V 电源适配器 24 V power adapter", 3, "电源", 12800, False),
    ("WM-PUMP", "排水泵 Drain pump (WM-800)", 12, "泵", 15600, False),
    ("WM-BELT", "传动皮带 Drive belt (WM-800)", 6, "传动", 4500, False),
    ("PX-FAN", "散热风扇 Cooling fan (PX-50)", 6, "散热", 6800, False),
]


def seed_seal(config) -> Path | None:
    """The demo's self-signed seal certificate, made once where the configuration expects it."""
    key, cert = config.get("PDF_SEAL_KEY"), config.get("PDF_SEAL_CERT")
    if config.get("ENV_NAME") != "development":
        return None
    if not key or not cert or (Path(key).exists() and Path(cert).exists()):
        return None
    folder = Path(key).parent
    if folder != Path(cert).parent:
        return None  # a deployment's own layout: never invent certificates there
    make_self_signed(folder, config["COMPANY_NAME"])
    return folder


def seed(with_tickets: bool = True) -> bool:
    """Create the demo data unless it is there already. Returns True when something was created."""
    created = ensure_default_checklists() > 0
    ensure_default_policies()
    ensure_default_tiers()
    created = ensure_price_list() or created
    if db.session.scalar(db.select(User.id).where(User.email == ACCOUNTS[0][0])):
        dispatch_changed = ensure_dispatch_data()
        knowledge = ensure_knowledge_articles() > 0
        # Only a demo database with its tickets gets the demo's points (one seeded without them stays as it is).
        loyalty = ensure_loyalty() if with_tickets and db.session.scalar(db.select(Ticket.id).limit(1)) else False
        return ensure_customer_accounts() or dispatch_changed or knowledge or created or loyalty
    departments = {code: Department(code=code, name=name) for code, name in DEPARTMENTS}
    db.session.add_all(departments.values())
    models = {code: ProductModel(code=code, name=name, category=cat, warranty_months=months)
              for code, name, cat, months in MODELS}
    db.session.add_all(models.values())
    db.session.add_all(Part(code=code, name=name, warranty_months=m, category=category, unit_price_fen=price,
                            serial_tracked=serial) for code, name, m, category, price, serial in PARTS)

    users = {}
    for email, password, name, role, senior, dept in ACCOUNTS:
        user = User(email=email, name=name, role=role, is_senior=senior,
                    department=departments.get(dept), locale=None)
        user.set_password(password)
        users[email] = user
        db.session.add(user)
    db.session.flush()

    company = Customer(name="华东精密制造有限公司", kind="company", tier="vip",
                       address="苏州工业园区星湖街 328 号", account_manager_id=users["supervisor@example.com"].id)
    company.contacts = [Contact(name="张经理", phone="13812345678", email="zhang@example.com"),
                        Contact(name="孙工", phone="13987654321", email="sun@example.com")]
    person = Customer(name="周敏", kind="individual", tier="standard", address="上海市徐汇区漕溪北路 18 弄 6 号")
    person.contacts = [Contact(name="周敏", phone="13700001111", email="zhou.min@example.com")]
    db.session.add_all([company, person])
    db.session.flush()
    users["customer@example.com"].customer_id = company.id

    for customer, code, serial, bought in [
        (company, "ABC-2000", "ABC2000-SN0001", date(2026, 3, 10)),
        (company, "PX-50", "PX50-SN1001", date(2024, 8, 1)),
        (person, "WM-800", "WM800-SN5001", date(2025, 5, 10)),
    ]:
        model = models[code]
        db.session.add(Asset(customer_id=customer.id, product_model=model, serial=serial, purchase_date=bought,
                             warranty_end=warranty_end(bought, model.warranty_months), batch="2024Q3"))
    for customer in (company, person):
        customers.reindex(customer)
    ensure_dispatch_data()
    ensure_customer_accounts()
    ensure_knowledge_articles()
    if with_tickets:
        ensure_demo_contract()
        _seed_tickets(users, company, person, models)
        history.seed_history(users, [company, person], models, departments)
        history.refresh_figures()
        _seed_retired_unit(company, models)
        _seed_account_care(company, users)
        _seed_proactive(company, users)
        ensure_loyalty()
    return True


REWARDS = [("原装遥控器", "accessory", 300, "适用于全部电视机型号，快递寄送"),
           ("延保一年", "extended_warranty", 1500, "在原保修期结束后延长一年整机保修"),
           ("免费上门保养一次", "maintenance_visit", 800, "工程师上门清洁、检测，更换易损件另计")]


def ensure_loyalty() -> bool:
    """Rewards, a member day and the demo company's points (one lot about to expire); only if no reward exists."""
    if db.session.scalar(db.select(Reward.id).limit(1)):
        return False
    db.session.add_all(Reward(name=name, kind=kind, points=cost, description=text)
                       for name, kind, cost, text in REWARDS)
    today = local_today()
    db.session.add(MemberDay(name="双十二会员日", starts_on=date(today.year, 12, 12), ends_on=date(today.year, 12, 12),
                             tiers=["vip"], bonus_percent=100))
    company = db.session.scalar(db.select(Customer).where(Customer.name == "华东精密制造有限公司"))
    if company is not None:
        points.earn(company.id, 420, "service", today=today - timedelta(days=350), note="SR 主控板更换")
        points.earn(company.id, 1260, "service", today=today - timedelta(days=40), note="SR 产线设备维修")
        points.earn(company.id, 20, "survey", today=today - timedelta(days=38))
    return True


def _seed_proactive(company, users) -> None:
    """张经理 agreed to marketing; the company's PX-50 has a half-yearly maintenance plan whose next visit is
    already a ticket; a recall of the WM-800 washing machines of lot 2024Q3 went out."""
    supervisor = users["supervisor@example.com"]
    proactive.set_consent(company.contacts[0], True, source="desk", by=supervisor)
    px50 = db.session.scalar(db.select(Asset).where(Asset.serial == "PX50-SN1001"))
    db.session.flush()
    proactive.create_plan(px50, every_months=6, every_hours=None, lead_days=14,
                          first_due=local_today() + timedelta(days=10), by=supervisor)
    db.session.flush()
    proactive.generate_visits()
    campaign = Campaign(name="WM-800 2024Q3 门锁召回", kind="recall", priority="P2",
                        description="部分 2024Q3 批次 WM-800 门锁开关可能失效，免费上门更换门锁组件。",
                        criteria=Criteria(models=("WM-800",), batches=("2024Q3",)).as_json(),
                        created_by_id=supervisor.id)
    db.session.add(campaign)
    db.session.flush()
    proactive.launch(campaign)


def _seed_account_care(company, users) -> None:
    """The VIP company's account manager (王主管) with last month's check-in call noted; this month's is due."""
    company.account_manager_id = company.account_manager_id or users["supervisor@example.com"].id
    last = local_today() - timedelta(days=30)
    db.session.add(CustomerCheckIn(customer_id=company.id, manager_id=company.account_manager_id, due_on=last,
                                   done_at=datetime.combine(last, time(10, 30), tzinfo=zone()).astimezone(UTC),
                                   done_by_id=company.account_manager_id,
                                   note="张经理反馈：两台 ABC-2000 运行稳定；三季度计划新增产线，需提前安排安装培训。"))
    db.session.flush()
    checkins.open_due()


def _seed_retired_unit(company, models) -> None:
    """A scrapped unit, so that a label of a retired unit can be seen (its page says so, takes no request)."""
    model = models["ABC-2000"]
    bought = date(2022, 4, 18)
    db.session.add(Asset(customer_id=company.id, product_model=model, serial="ABC2000-SN0002", purchase_date=bought,
                         warranty_end=warranty_end(bought, model.warranty_months), batch="2022Q2",
                         retired_on=date(2026, 6, 30)))
    customers.reindex(company)


def ensure_dispatch_data() -> bool:
    """Routing rules, engineers' skills and regions, customers' regions; only where still missing."""
    db.session.flush()
    changed = ensure_default_routing() > 0
    for email, (skills, region) in ENGINEER_PROFILES.items():
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is not None and user.skills is None and user.region is None:
            user.skills, user.region, changed = skills, region, True
    for name, region in CUSTOMER_REGIONS.items():
        for customer in db.session.scalars(db.select(Customer).where(Customer.name == name, Customer.region.is_(None))):
            customer.region, changed = region, True
    return ensure_service_points() or changed


def ensure_service_points() -> bool:
    """The demo's service points and the engineers based at them with their working hours; only if none exist."""
    if db.session.scalar(db.select(ServicePoint.id).limit(1)):
        return False
    points = {name: ServicePoint(name=name, address=address, phone=phone, opening_hours=hours)
              for name, address, phone, hours in SERVICE_POINTS}
    db.session.add_all(points.values())
    db.session.flush()
    for email, (point, days, start, end) in ENGINEER_BASES.items():
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is not None and user.home_service_point_id is None:
            user.home_service_point_id = points[point].id
            user.work_days, user.work_start, user.work_end = days, start, end
    return True


def ensure_customer_accounts() -> bool:
    """Customer logins tied to their customer and contact, and one address per customer; only what is missing
    (databases seeded before these existed get them, a second run changes nothing)."""
    changed = False
    for email, (customer_name, contact_name) in CUSTOMER_LOGINS.items():
        customer = db.session.scalar(db.select(Customer).where(Customer.name == customer_name).limit(1))
        if customer is None:
            continue
        contact = db.session.scalar(db.select(Contact).where(Contact.customer_id == customer.id,
                                                             Contact.name == contact_name).limit(1))
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is None:
            _email, password, name, role, _senior, _dept = next(a for a in ACCOUNTS if a[0] == email)
            user = User(email=email, name=name, role=role)
            user.set_password(password)
            db.session.add(user)
            changed = True
        if user.customer_id is None:
            user.customer_id, changed = customer.id, True
        if user.contact_id is None and contact is not None and user.customer_id == customer.id:
            user.contact_id, changed = contact.id, True
    for customer_name, label in ADDRESSES.items():
        customer = db.session.scalar(db.select(Customer).where(Customer.name == customer_name).limit(1))
        if customer is None or not customer.address:
            continue
        if not db.session.scalar(db.select(CustomerAddress.id).where(CustomerAddress.customer_id == customer.id)):
            db.session.add(CustomerAddress(customer_id=customer.id, label=label, address=customer.address,
                                           is_default=True))
            changed = True
    db.session.flush()
    return changed


def _seed_tickets(users, company, person, models) -> None:
    """Two open tickets so that every role has something to look at after `make run`, with their messages."""
    agent, engineer = users["agent@example.com"], users["engineer@example.com"]
    job = tickets.register_request(
        user=agent, customer=company, contact=company.contacts[0], contact_name="张经理",
        contact_phone="13812345678", product_model=models["ABC-2000"], serial="ABC2000-SN0001",
        purchase_date=None, description="设备开机后屏幕黑屏，无声音输出。重启两次无效。", channel="phone",
        frequency="每次开机", impact="产线一台终端停用", tried="重启、更换电源线")
    tickets.triage(job, agent, category="fault_repair", priority="P2", reason="产线终端停用", version=None)
    tickets.assign(job, agent, engineer=engineer, version=None)
    afternoon = datetime.combine(local_today(), time(14, 0), tzinfo=zone()).astimezone(UTC)  # stored in UTC
    visit = Visit(ticket_id=job.id, engineer_id=engineer.id, scheduled_at=afternoon)
    db.session.add(visit)
    db.session.flush()
    # The booking and an update reach the customer like any other (the outbox page, the inbox, the e-mail with
    # its calendar file on the page of unsent mail).
    add_event(job, users["supervisor@example.com"], "visit_scheduled",
              data={"engineer": engineer.id, "at": afternoon.isoformat(), "visit": visit.id})
    fieldwork.update_customer(job, engineer, message="已电话确认故障现象，今天下午 14:00 上门检修，请安排人员在场。")
    tickets.register_request(
        user=agent, customer=person, contact=person.contacts[0], contact_name="周敏", contact_phone="13700001111",
        product_model=models["WM-800"], serial="WM800-SN5001", purchase_date=None,
        description="洗衣机脱水时异响，机身剧烈晃动，偶尔显示 E21。", channel="wechat")
    seed_desk_work(agent, company, person, models, job)
    seed_bookings(users, company, person, models)
    seed_mode_tickets(users, company, person, models)
