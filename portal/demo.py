"""Demo data for `make run`: two customers with assets, staff of every role, parts. Seeded once."""
from datetime import date
from pathlib import Path

from portal.checklists import ensure_default_checklists
from portal.domain.warranty import warranty_end
from portal.extensions import db
from portal.models import Asset, Contact, Customer, Department, Part, ProductModel, User
from portal.pdf.seal import make_self_signed

# Demo-only credentials, printed by `flask demo accounts` and listed in the README.
ACCOUNTS = [
    # email, password, name, role, senior, department code
    ("admin@example.com", "admin-demo", "系统管理员 Admin", "admin", False, None),
    ("supervisor@example.com", "supervisor-demo", "王主管 Wang", "supervisor", False, "customer_service"),
    ("agent@example.com", "agent-demo", "李客服 Li", "agent", False, "customer_service"),
    ("engineer@example.com", "engineer-demo", "陈工 Chen (senior)", "engineer", True, "repair"),
    ("engineer2@example.com", "engineer2-demo", "刘工 Liu", "engineer", False, "repair"),
    ("backoffice@example.com", "backoffice-demo", "赵后台 Zhao", "backoffice", False, "customer_service"),
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

DEPARTMENTS = [
    ("tech_support", "技术支持部"), ("repair", "维修服务部"), ("rnd", "产品研发部"),
    ("customer_service", "客户服务部"), ("warehouse", "仓储部"),
]

MODELS = [
    ("ABC-2000", "智能显示终端 Smart display terminal", "display", 12),
    ("WM-800", "变频滚筒洗衣机 Inverter washing machine", "appliance", 24),
    ("PX-50", "工业电源模块 Industrial power module", "equipment", 18),
]

PARTS = [
    ("PCB-ABC-MAIN", "主控板 Main board (ABC-2000)", 6),
    ("LCD-ABC-15", "15 寸液晶屏 15\" LCD panel", 6),
    ("PSU-24V", "24V 电源适配器 24 V power adapter", 3),
    ("WM-PUMP", "排水泵 Drain pump (WM-800)", 12),
    ("WM-BELT", "传动皮带 Drive belt (WM-800)", 6),
    ("PX-FAN", "散热风扇 Cooling fan (PX-50)", 6),
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
    from portal.services.sla import ensure_default_policies
    ensure_default_policies()
    if db.session.scalar(db.select(User.id).where(User.email == ACCOUNTS[0][0])):
        dispatch_changed = ensure_dispatch_data()
        knowledge = ensure_knowledge_articles() > 0
        return ensure_customer_accounts() or dispatch_changed or knowledge or created
    departments = {code: Department(code=code, name=name) for code, name in DEPARTMENTS}
    db.session.add_all(departments.values())
    models = {code: ProductModel(code=code, name=name, category=cat, warranty_months=months)
              for code, name, cat, months in MODELS}
    db.session.add_all(models.values())
    db.session.add_all(Part(code=code, name=name, warranty_months=m) for code, name, m in PARTS)

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
    ensure_dispatch_data()
    ensure_customer_accounts()
    ensure_knowledge_articles()
    if with_tickets:
        _seed_tickets(users, company, person, models)
    return True


def ensure_dispatch_data() -> bool:
    """Routing rules, engineers' skills and regions, customers' regions; only where still missing."""
    from portal.services.dispatch import ensure_default_routing

    db.session.flush()
    changed = ensure_default_routing() > 0
    for email, (skills, region) in ENGINEER_PROFILES.items():
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is not None and user.skills is None and user.region is None:
            user.skills, user.region, changed = skills, region, True
    for name, region in CUSTOMER_REGIONS.items():
        for customer in db.session.scalars(db.select(Customer).where(Customer.name == name, Customer.region.is_(None))):
            customer.region, changed = region, True
    return changed


def ensure_customer_accounts() -> bool:
    """Customer logins tied to their customer and contact, and one address per customer; only what is missing
    (databases seeded before these existed get them, a second run changes nothing)."""
    from portal.models import CustomerAddress

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
    """Two open tickets so that every role has something to look at after `make run`."""
    from datetime import UTC, datetime, time
    from zoneinfo import ZoneInfo

    from flask import current_app

    from portal.models import Visit
    from portal.services import tickets

    agent, engineer = users["agent@example.com"], users["engineer@example.com"]
    job = tickets.register_request(
        user=agent, customer=company, contact=company.contacts[0], contact_name="张经理",
        contact_phone="13812345678", product_model=models["ABC-2000"], serial="ABC2000-SN0001",
        purchase_date=None, description="设备开机后屏幕黑屏，无声音输出。重启两次无效。", channel="phone",
        frequency="每次开机", impact="产线一台终端停用", tried="重启、更换电源线")
    tickets.triage(job, agent, category="fault_repair", priority="P2", reason="产线终端停用", version=None)
    tickets.assign(job, agent, engineer=engineer, version=None)
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    afternoon = datetime.combine(tickets.local_today(), time(14, 0), tzinfo=tz).astimezone(UTC)  # stored in UTC
    db.session.add(Visit(ticket_id=job.id, engineer_id=engineer.id, scheduled_at=afternoon))
    tickets.register_request(
        user=agent, customer=person, contact=person.contacts[0], contact_name="周敏", contact_phone="13700001111",
        product_model=models["WM-800"], serial="WM800-SN5001", purchase_date=None,
        description="洗衣机脱水时异响，机身剧烈晃动，偶尔显示 E21。", channel="wechat")


# Knowledge-base answers customers are offered while they describe a problem (portal.domain.knowledge).
# title, product category, keywords, body. Safety first wherever water meets electricity.
KNOWLEDGE = [
    ("显示终端开机黑屏 Display stays black after power-on", "display",
     "黑屏 不亮 无显示 没画面 开机 black screen blank no-display",
     "1. 确认电源指示灯是否亮起；不亮时检查电源线和插座，换一个插座再试。\n"
     "2. 指示灯亮但黑屏：长按电源键 10 秒强制关机，拔掉电源 30 秒后重新开机。\n"
     "3. 检查亮度是否被调到最低，或是否进入了节能模式（轻触屏幕或按任意键唤醒）。\n"
     "4. 仍然黑屏：请提交报修，并注明指示灯颜色。\n\n"
     "If the power light is off, try another socket. If it is on but the screen stays black, hold the power "
     "button for 10 s, unplug for 30 s and start again."),
    ("显示终端触摸失灵 Touch screen does not respond", "display",
     "触摸 失灵 不灵 点不动 乱跳 touch unresponsive",
     "1. 用干燥的软布清洁屏幕，屏幕上有水或油污会导致误触。\n"
     "2. 摘下手套，或确认使用的是电容笔。\n"
     "3. 在“设置 > 触摸校准”中重新校准。\n"
     "4. 重启设备后仍无反应，请报修。\n\nClean the screen with a dry cloth, remove gloves and recalibrate "
     "under Settings > Touch calibration."),
    ("显示终端花屏、闪屏或有竖线 Flicker, stripes or garbled image", "display",
     "花屏 闪屏 竖线 横线 闪烁 条纹 flicker stripes lines",
     "1. 重新插紧视频线或排线（先关机断电）。\n"
     "2. 降低亮度观察是否改善；环境温度过高也会引起闪烁，请保持通风。\n"
     "3. 竖线固定不动多为屏幕故障，请报修并拍一张照片上传。\n\n"
     "A fixed line usually means the panel needs repair: please send a photo with your request."),
    ("洗衣机漏水 Washing machine leaks water", "appliance",
     "漏水 渗水 地上有水 滴水 进水管 排水管 leak leaking water",
     "安全第一：发现漏水请立即停止使用，关闭水龙头并拔掉电源插头，不要用湿手触碰插头。\n"
     "1. 检查进水管两端是否拧紧，密封圈是否老化。\n"
     "2. 检查排水管是否插牢、是否有破损；清理底部过滤器后确认盖子拧紧。\n"
     "3. 门封圈处漏水：检查是否夹有衣物或异物。\n"
     "4. 找不到漏点或机身底部漏水，请报修，期间不要继续使用。\n\n"
     "Safety first: stop using it, turn off the tap and unplug it. Never touch the plug with wet hands."),
    ("洗衣机一开机就跳闸 Washing machine trips the breaker", "appliance",
     "跳闸 漏电 断路器 空开 麻手 电击 trips breaker shock earth",
     "安全第一：请立即停止使用并拔掉电源插头，不要触摸机身。跳闸或有麻手感可能是漏电，存在触电危险。\n"
     "1. 不要反复合闸试机。\n"
     "2. 确认插座有可靠接地，不要使用没有接地的插线板。\n"
     "3. 请立即报修，我们按安全问题优先处理。\n\n"
     "Safety first: stop using it and unplug it; do not switch the breaker on again to test. A tripping "
     "breaker or a tingle on the casing can mean current leaking to the body."),
    ("洗衣机显示错误代码 E21 / E10 Washing machine error codes", "appliance",
     "错误代码 故障码 代码 E21 E10 E30 排水 进水 error code",
     "E10：进水超时。检查水龙头是否打开、水压是否过低、进水管是否弯折。\n"
     "E21：排水超时。清理底部排水过滤器，检查排水管是否堵塞或放得过高。\n"
     "E30：门锁异常。关好机门，检查是否有衣物夹在门边。\n"
     "清理后断电 1 分钟再开机；代码仍然出现，请报修并注明代码。\n\n"
     "E10: no water coming in. E21: water not draining, clean the drain filter. E30: door lock."),
    ("洗衣机脱水时剧烈晃动、异响 Shaking and noise when spinning", "appliance",
     "晃动 异响 噪音 震动 脱水 跳动 noise shaking vibration spin",
     "1. 首次使用请确认已拆除机身后部的运输螺栓。\n"
     "2. 调节底脚使机身水平、四脚着地。\n"
     "3. 衣物过少或集中在一侧（如单条毛毯）会导致不平衡，请重新摆放。\n"
     "4. 有金属撞击声或焦糊味请停止使用并报修。\n\n"
     "Remove the transport bolts, level the feet and spread the laundry evenly."),
    ("电源模块无输出 Power module has no output", "equipment",
     "无输出 没电压 不工作 指示灯 输出 no-output voltage",
     "安全第一：检修前请断开输入电源并等待 5 分钟放电。\n"
     "1. 检查输入电压是否在额定范围内，输入端保险丝是否熔断。\n"
     "2. 检查负载是否短路：断开负载后测量空载输出。\n"
     "3. 指示灯为红色表示保护状态，断电重启可复位。\n"
     "4. 仍无输出请报修，并注明指示灯状态和现场电压。\n\n"
     "Disconnect the input and wait 5 minutes before touching terminals."),
    ("电源模块风扇不转、过热保护 Fan stopped, overheat protection", "equipment",
     "风扇 不转 过热 高温 报警 温度 fan overheat temperature alarm",
     "1. 清理进风口和滤网的灰尘，保持模块周围至少 10 cm 通风空间。\n"
     "2. 环境温度超过 45 °C 时模块会降额或保护停机。\n"
     "3. 风扇不转或有异响请报修更换风扇（PX-FAN）。\n\n"
     "Clean the air inlet and keep 10 cm of free space around the module."),
    ("报修前可以准备什么 What to have ready when you request service", None,
     "报修 序列号 发票 购买日期 保修 serial invoice warranty",
     "请准备：产品型号和序列号（机身背面或底部铭牌）、购买发票或日期、故障现象（什么时候发生、多久一次）、"
     "已经尝试过的方法，以及一两张故障照片。信息越完整，工程师越能一次修好。\n\n"
     "Have the model and serial number, the purchase date, what happens and how often, and a photo ready."),
]


def ensure_knowledge_articles() -> int:
    """The demo knowledge base, added once by title. Returns how many articles were added."""
    from portal.models import KnowledgeArticle

    existing = set(db.session.scalars(db.select(KnowledgeArticle.title)))
    added = 0
    for title, category, keywords, body in KNOWLEDGE:
        if title not in existing:
            db.session.add(KnowledgeArticle(title=title, product_category=category, keywords=keywords, body=body,
                                            locale="zh_CN", published=True))
            added += 1
    return added
