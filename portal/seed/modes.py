"""Demo tickets on the remote and depot paths, and a washing machine bought a few days ago (a 7-day 三包 case),
so that `make run` shows every service mode and the entitlement with its reasons."""
from datetime import timedelta

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Asset, ServicePoint
from portal.services import depot, remote, resolution, tickets
from portal.services.localtime import local_today

PRICES_FEN = {"ABC2000-SN0001": 1_280_000, "PX50-SN1001": 356_000, "WM800-SN5001": 429_900}


def seed_mode_tickets(users, company, person, models) -> None:
    agent, engineer = users["agent@example.com"], users["engineer@example.com"]
    for asset in db.session.scalars(db.select(Asset)):
        asset.price_paid_fen = PRICES_FEN.get(asset.serial, asset.price_paid_fen)
    # Remote: a configuration question answered by a remote session, waiting for the customer to confirm.
    question = tickets.register_request(
        user=agent, customer=company, contact=company.contacts[1], contact_name="孙工", contact_phone="13987654321",
        product_model=models["ABC-2000"], serial="ABC2000-SN0001", purchase_date=None,
        description="显示终端无法连接车间 Wi-Fi，提示“认证失败”。", channel="phone", tried="重启路由器")
    tickets.triage(question, agent, category="fault_repair", priority="P3", reason="可远程排查", version=None,
                   mode="remote")
    remote.log_session(question, agent, kind="session", started_at=utcnow() - timedelta(hours=2), minutes=25,
                       tried="远程查看网络设置，重新输入 WPA2 企业认证证书", result="fixed")
    resolution.resolve_without_visit(question, agent, summary="已远程更新网络证书，终端已连上车间 Wi-Fi。")
    # A new washing machine, bought five days ago: a performance fault may still be returned.
    bought = local_today() - timedelta(days=5)
    new_unit = Asset(customer_id=person.id, product_model=models["WM-800"], serial="WM800-SN5002",
                     purchase_date=bought, invoice_date=bought, price_paid_fen=399_900, purchase_channel="京东旗舰店")
    db.session.add(new_unit)
    db.session.flush()
    faulty = tickets.register_request(
        user=agent, customer=person, contact=person.contacts[0], contact_name="周敏", contact_phone="13700001111",
        product_model=models["WM-800"], serial="WM800-SN5002", purchase_date=None,
        description="新买的洗衣机进水后不转，显示 E30。", channel="wechat", impact="无法洗衣")
    tickets.triage(faulty, agent, category="return", priority="P3", reason="7 日内性能故障", version=None,
                   mode="depot")
    point = db.session.scalar(db.select(ServicePoint).where(ServicePoint.active.is_(True)).order_by(ServicePoint.id))
    if point is not None:
        depot.send_unit(faulty, agent, method="parcel", carrier_code="SF", number="SF1402365478901")
    tickets.assign(faulty, agent, engineer=engineer, version=None)

