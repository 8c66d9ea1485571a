"""Demo tickets of the desk's own work and of visits customers booked (issue 13), so that `make run` shows notes
with files, a resolution waiting for the customer, a merged duplicate, a linked ticket, a booked visit and a wish
for another time."""
import io

from flask_babel import force_locale
from weasyprint import HTML
from werkzeug.datastructures import FileStorage

from portal.extensions import db
from portal.services import desk_work, resolution, selfservice, tickets, visits


def _demo_file(name: str, title: str, lines: list[str]) -> FileStorage:
    """A one-page PDF as an upload, for the demo's notes and messages."""
    items = "".join(f"<li>{line}</li>" for line in lines)
    data = HTML(string=f"<h1>{title}</h1><ul>{items}</ul><p>华东精密制造有限公司 · 2026</p>").write_pdf()
    return FileStorage(io.BytesIO(data), filename=name, content_type="application/pdf")


def seed_bookings(users, company, person, models) -> None:
    """Visits the customers booked themselves (issue 13): the company picked one of the engineer's free windows
    on the portal (the dispatch board marks it); 周敏 found none that suits her and asked for another time (the
    board lists her wish)."""
    agent = users["agent@example.com"]
    flicker = tickets.register_request(
        user=agent, customer=company, contact=company.contacts[0], contact_name="张经理",
        contact_phone="13812345678", product_model=models["ABC-2000"], serial="ABC2000-SN0001",
        purchase_date=None, description="会议室终端屏幕偶尔闪烁，不影响使用，希望安排工程师上门检查。",
        channel="portal")
    tickets.triage(flicker, agent, category="fault_repair", priority="P3", reason="偶发闪烁，不影响使用",
                   version=None)
    offered = visits.windows(flicker)
    if offered:
        visits.book(flicker, users["customer@example.com"], at=offered[min(2, len(offered) - 1)].start, version=None)
    slow = tickets.register_request(
        user=agent, customer=person, contact=person.contacts[0], contact_name="周敏", contact_phone="13700001111",
        product_model=models["WM-800"], serial="WM800-SN5001", purchase_date=None,
        description="洗衣机进水很慢，一次洗涤要两个多小时。", channel="portal")
    tickets.triage(slow, agent, category="fault_repair", priority="P4", reason="不影响使用", version=None)
    visits.ask_for_time(slow, users["zhou.min@example.com"], wish="工作日晚上 19:00 以后，或周六全天都可以。")


def seed_desk_work(agent, company, person, models, job) -> None:
    """The desk's own work (issue 13): a consultation resolved by phone waiting for the customer's confirmation,
    an internal note, a duplicate call merged into the open job, and a related ticket linked to it."""
    question = tickets.register_request(
        user=agent, customer=person, contact=person.contacts[0], contact_name="周敏", contact_phone="13700001111",
        product_model=models["WM-800"], serial="WM800-SN5001", purchase_date=None,
        description="洗衣机面板显示童锁图标，所有按键无反应。", channel="phone")
    desk_work.add_note(question, agent, body="客户不知道童锁功能，电话中指导操作。")
    # Files on the desk's notes and messages (issue 13): staff only on the note, the customer's on the message.
    desk_work.add_note(job, agent, body="张经理发来黑屏前终端的报警记录，附上供工程师参考。", photos=[
        _demo_file("报警记录-ABC2000-SN0001.pdf", "终端报警记录 ABC2000-SN0001",
                   ["09:12 电源电压低 (182 V)", "09:13 背光驱动过流保护", "09:13 显示输出关闭", "09:20 重启，仍黑屏"])])
    selfservice.ask_customer(job, agent, question="请按附件步骤检查终端背面的电源指示灯，告诉我们是什么颜色。", files=[
        _demo_file("ABC-2000 电源指示灯检查.pdf", "ABC-2000 电源指示灯检查",
                   ["1. 关闭终端电源，等待 30 秒", "2. 重新通电，观察背面指示灯", "3. 绿色常亮：供电正常",
                    "4. 橙色闪烁：电源模块保护，请勿反复开机"])])
    resolution.resolve_without_visit(question, agent,
                                     summary="电话指导客户长按“温度”和“转速”键 3 秒解除童锁，面板恢复正常。")
    duplicate = tickets.register_request(
        user=agent, customer=company, contact=company.contacts[1], contact_name="孙工", contact_phone="13987654321",
        product_model=models["ABC-2000"], serial="ABC2000-SN0001", purchase_date=None,
        description="产线终端黑屏，孙工再次来电催促。", channel="phone")
    db.session.flush()
    with force_locale("zh_CN"):  # the reason is written in the language of whoever merges
        desk_work.merge(duplicate, agent, number=job.number, version=None)
    related = tickets.register_request(
        user=agent, customer=company, contact=company.contacts[0], contact_name="张经理",
        contact_phone="13812345678", product_model=models["PX-50"], serial="PX50-SN1001", purchase_date=None,
        description="同一产线的投影仪偶尔闪屏，怀疑与终端供电有关。", channel="email")
    db.session.flush()
    desk_work.link(related, agent, number=job.number)
