"""Half a year of finished tickets for the demo's dashboard and monthly report, with a burst of power-module
faults from one lot in the last weeks that the batch-defect check flags. Each ticket carries the events its
SLA clock reads (registered, triaged, answered, resolved, accepted), so the figures come from the same rules as
the ticket pages; numbers use days before today, which the daily counter never hands out again."""
import random
from datetime import UTC, datetime, time, timedelta

from portal.extensions import db
from portal.models import Asset, Diagnosis, Survey, Ticket, TicketEvent
from portal.services import defects, stats
from portal.services.localtime import local_today, zone

DAYS = 200
PER_DAY = 0.45
CAUSES = ("hardware", "software", "operation", "environment", "wear")
PROBLEMS = {
    "ABC-2000": ["屏幕闪烁，偶尔黑屏", "触摸失灵，需重启", "开机卡在启动画面"],
    "WM-800": ["脱水时异响，机身晃动", "进水慢，显示 E10", "门锁无法打开"],
    "PX-50": ["输出电压不稳，设备频繁重启", "上电后无输出，指示灯不亮", "风扇噪音大，外壳发烫"],
}
CHANNELS = ("phone", "portal", "wechat", "email", "account_manager")
MODES = ("onsite", "remote", "send_in")
PRIORITY_WEIGHTS = (("P1", 1), ("P2", 3), ("P3", 5), ("P4", 1))


def seed_history(users: dict, customers: list, models: dict, departments: dict) -> int:
    rng = random.Random(20261130)
    agent, engineers = users["agent@example.com"], [users["engineer@example.com"], users["engineer2@example.com"]]
    today = local_today()
    units = _units(customers, models)
    made, sequence = 0, {}
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        count = _poisson(rng, PER_DAY)
        # A bad lot of power modules: many more faults over the last three weeks.
        if back <= 21 and back % 2 == 0:
            count += 1
        for i in range(count):
            burst = back <= 21 and i == count - 1 and back % 2 == 0
            code = "PX-50" if burst else rng.choice(list(models))
            pool = [u for u in units[code] if u.batch == "2024Q3"] if burst else units[code]
            unit = rng.choice(pool) if pool else None
            customer = next(c for c in customers if unit is None or c.id == unit.customer_id)
            priority = "P2" if burst else rng.choices([p for p, _ in PRIORITY_WEIGHTS],
                                                       [w for _, w in PRIORITY_WEIGHTS])[0]
            sequence[day] = sequence.get(day, 0) + 1
            _ticket(rng, day, sequence[day], customer, models[code], unit, priority, agent, rng.choice(engineers),
                    departments, burst, finished=back > 3 or rng.random() < 0.4)
            made += 1
    db.session.flush()
    return made


def _units(customers, models) -> dict:
    """Every model gets some registered units, the power modules a 2024Q3 lot."""
    units = {code: [] for code in models}
    for n in range(12):
        for code, model in models.items():
            customer = customers[n % len(customers)]
            unit = Asset(customer_id=customer.id, product_model=model, serial=f"{code.replace('-', '')}-H{n:03d}",
                         purchase_date=local_today() - timedelta(days=400 + n * 7),
                         batch="2024Q3" if code == "PX-50" and n % 2 == 0 else "2024Q1")
            db.session.add(unit)
            units[code].append(unit)
    db.session.flush()
    return units


def _poisson(rng, mu: float) -> int:
    limit, k, p = pow(2.718281828459045, -mu), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _ticket(rng, day, n, customer, model, unit, priority, agent, engineer, departments, burst, finished) -> None:
    start = datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60)), tzinfo=zone()).astimezone(UTC)
    respond = start + timedelta(minutes=rng.choice((5, 20, 45, 90, 200, 400, 700)))
    resolve = respond + timedelta(hours=rng.choice((2, 5, 20, 30, 50, 80, 130)))
    close = resolve + timedelta(hours=rng.choice((1, 3, 20)))
    reopened = rng.random() < 0.07
    visits = 1 + (rng.random() < 0.15)
    ticket = Ticket(
        number=f"SR{day:%Y%m%d}{n:04d}", channel=rng.choice(CHANNELS), status="closed" if finished else "in_progress",
        category="fault_repair" if burst or rng.random() < 0.75 else rng.choice(("consultation", "complaint",
                                                                                   "return")),
        priority=priority, priority_reason="历史数据 history", customer_id=customer.id,
        contact_name=customer.contacts[0].name if customer.contacts else customer.name,
        contact_phone=customer.contacts[0].phone if customer.contacts else "13800000000",
        product_model_id=model.id, asset_id=unit.id if unit else None, serial=unit.serial if unit else None,
        description=rng.choice(PROBLEMS[model.code]), service_mode=rng.choice(MODES),
        department_id=departments["repair"].id, assignee_id=engineer.id, created_by_id=agent.id,
        created_at=start, first_response_at=respond, resolved_at=resolve if finished else None,
        closed_at=close if finished else None, visit_count=visits, reopen_count=int(reopened and finished),
        sla_state="met" if finished else "ok")
    db.session.add(ticket)
    events = [("created", start, {"channel": ticket.channel}), ("triaged", start + timedelta(minutes=2),
                                                                 {"priority": priority})]
    if finished:
        if reopened:
            events += [("resolved", resolve - timedelta(hours=1), {}), ("rejected", resolve - timedelta(minutes=50),
                                                                        {})]
        events += [("resolved", resolve, {}), ("accepted", close, {})]
    for kind, at, data in events:
        ticket.events.append(TicketEvent(kind=kind, actor_id=agent.id, created_at=at, data=data))
    if ticket.category == "fault_repair":
        cause = "hardware" if burst else rng.choice(CAUSES)
        db.session.flush()
        db.session.add(Diagnosis(ticket_id=ticket.id, created_by_id=engineer.id, cause_category=cause,
                                 cause="电源模块电容失效" if burst else "现场检查确认", created_at=respond))
    if finished and rng.random() < 0.6:
        db.session.flush()
        score = rng.choices((5, 4, 3, 2, 1), (50, 30, 10, 6, 4))[0]
        db.session.add(Survey(ticket_id=ticket.id, opens_at=close, closes_at=close + timedelta(days=7),
                              speed=score, engineer=score, result=score, submitted_at=close + timedelta(hours=5)))


def refresh_figures() -> int:
    """The rollup for every seeded ticket, then the day's defect check (which flags the bad lot)."""
    last, done = 0, 0
    while (last := stats.refresh_batch(last, 500)) is not None:
        done += 1
    defects.check()
    return done
