"""Proactive service at the desk: consent, campaigns and recalls, warranty-ending notices, maintenance plans."""
import io
import uuid
from datetime import timedelta

from portal.extensions import db
from portal.models import (
    Asset,
    Campaign,
    CampaignUnit,
    ConsentEvent,
    Contact,
    Customer,
    DefectFlag,
    FollowUpTask,
    MaintenancePlan,
    Notification,
    OutboxMessage,
    PlannedVisit,
    Ticket,
    TicketEvent,
    WarrantyNotice,
)
from portal.services import proactive
from portal.services.localtime import local_today
from tests.web.factories import make_ticket
from tests.web.test_acceptance import OUTBOX

EN = {"Accept-Language": "en"}
RECALL = {"name": "2024Q3 电源模块召回", "kind": "recall", "description": "电源模块可能过热，免费更换。",
          "priority": "P2", "serials": "ABC2000-SN0001\nWM800-SN5001\nNOPE-0001"}


def test_the_preview_counts_units_and_customers_before_anything_is_made(app, login_as):
    supervisor = login_as("supervisor")
    page = supervisor.post_form("/desk/campaigns/new", {**RECALL, "step": "preview"}, headers=EN)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "2 unit(s) of 2 customer(s)" in html and "NOPE-0001" in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Campaign)) == 0
    empty = supervisor.post_form("/desk/campaigns/new", {**RECALL, "serials": "", "step": "create"}, headers=EN)
    assert empty.status_code == 422 and "Choose the units" in empty.get_data(as_text=True)
    assert login_as("agent").post_form("/desk/campaigns/new", {**RECALL, "step": "create"}).status_code == 403


def test_a_recall_from_a_serial_list_makes_one_ticket_per_unit_and_tells_every_customer(app, login_as):
    supervisor = login_as("supervisor")
    response = supervisor.post_form("/desk/campaigns/new", {**RECALL, "step": "create"})
    assert response.status_code == 302
    with app.app_context():
        campaign = db.session.scalar(db.select(Campaign))
        units = db.session.scalars(db.select(CampaignUnit).where(CampaignUnit.campaign_id == campaign.id)).all()
        assert campaign.state == "done" and len(units) == 2
        tickets = [db.session.get(Ticket, u.ticket_id) for u in units]
        assert {t.serial for t in tickets} == {"ABC2000-SN0001", "WM800-SN5001"}
        assert {(t.category, t.status, t.channel) for t in tickets} == {("proactive", "triaged", "proactive")}
        notices = [db.session.get(Notification, u.notification_id) for u in units]
        assert {n.status for n in notices} == {"logged"}
        assert all("回T退订" not in n.body for n in notices)  # a safety recall is not marketing
        campaign_id = campaign.id
    page = supervisor.get(f"/desk/campaigns/{campaign_id}", headers=EN).get_data(as_text=True)
    assert 'data-count="units">2<' in page and 'data-count="reached">2<' in page
    with app.test_request_context():
        assert proactive.launch(db.session.get(Campaign, campaign_id)) == 0  # idempotent


def test_a_marketing_campaign_reaches_only_those_who_agreed_and_carries_the_opt_out(app, login_as):
    supervisor = login_as("supervisor")
    with app.app_context():
        zhou = db.session.scalar(db.select(Contact).where(Contact.name == "周敏"))
        company_id = db.session.scalar(db.select(Customer.id).where(Customer.kind == "company"))
        zhang = db.session.scalar(db.select(Contact).where(Contact.name == "张经理"))
        zhou_customer, zhang_id = zhou.customer_id, zhang.id
    response = supervisor.post_form(f"/desk/customers/{company_id}/contacts/{zhang_id}/consent", {"given": "1"})
    assert response.status_code == 302
    data = {**RECALL, "kind": "campaign", "name": "冬季保养优惠", "description": "冬季保养八折。", "step": "create"}
    assert supervisor.post_form("/desk/campaigns/new", data).status_code == 302
    with app.app_context():
        units = {u.asset.customer_id: u for u in db.session.scalars(db.select(CampaignUnit))}
        assert units[company_id].notification is not None and "回T退订" in units[company_id].notification.body
        assert units[zhou_customer].notification is None and units[zhou_customer].not_told == "no_consent"
        assert db.session.scalar(db.select(ConsentEvent.source).where(ConsentEvent.contact_id == zhang_id)) == "desk"
    supervisor.post_form(f"/desk/customers/{company_id}/contacts/{zhang_id}/consent", {"given": "0"})
    with app.app_context():
        assert db.session.get(Contact, zhang_id).marketing_consent is False
        assert [e.given for e in db.session.scalars(db.select(ConsentEvent).order_by(ConsentEvent.id))] == [True, False]


def test_the_warranty_ending_notice_goes_once_per_unit_with_consent(app):
    with app.test_request_context():
        today = local_today()
        asset = db.session.scalar(db.select(Asset).where(Asset.serial == "ABC2000-SN0001"))
        asset.warranty_end, asset.extended_warranty_end = today + timedelta(days=20), None
        for contact in db.session.scalars(db.select(Contact).where(Contact.customer_id == asset.customer_id)):
            proactive.set_consent(contact, True, source="desk", by=None)
        db.session.commit()
        assert proactive.send_warranty_notices(today) == 1
        db.session.commit()
        assert proactive.send_warranty_notices(today) == 0
        db.session.commit()
        notice = db.session.scalar(db.select(WarrantyNotice).where(WarrantyNotice.asset_id == asset.id))
        body = db.session.scalar(db.select(OutboxMessage.body).where(OutboxMessage.kind == "warranty_ending"))
        assert notice.notification_id and "ABC2000-SN0001" in body and body.endswith("回T退订")


def test_a_maintenance_plan_generates_its_visit_ahead_and_reports_a_skipped_one(app, login_as):
    agent = login_as("agent")
    with app.app_context():
        asset = db.session.scalar(db.select(Asset).where(Asset.serial == "PX50-SN1001"))
        asset_id, customer_id = asset.id, asset.customer_id
        due = local_today() + timedelta(days=10)
    response = agent.post_form(f"/desk/customers/{customer_id}/units/{asset_id}/plan",
                               {"every_months": 6, "first_due": due.isoformat(), "lead_days": 14})
    assert response.status_code == 302
    bad = agent.post_form(f"/desk/customers/{customer_id}/units/{asset_id}/plan",
                          {"every_months": 6, "every_hours": 500, "lead_days": 14}, headers=EN)
    assert bad.status_code == 422 and "either a number of months" in bad.get_data(as_text=True)
    assert login_as("supervisor").post_form("/desk/maintenance/run", {}).status_code == 302
    with app.test_request_context():
        plan = db.session.scalar(db.select(MaintenancePlan))
        visit = db.session.scalar(db.select(PlannedVisit))
        ticket = db.session.get(Ticket, visit.ticket_id)
        assert (visit.due_on, ticket.category, ticket.status, ticket.serial) == (due, "proactive", "triaged",
                                                                                 "PX50-SN1001")
        assert plan.next_due > due  # the plan moved on to the following visit
        assert proactive.generate_visits() == 0  # once per due date
        assert proactive.report_skipped(due + timedelta(days=1)) == 1
        assert proactive.report_skipped(due + timedelta(days=2)) == 0
        db.session.commit()
        assert db.session.scalar(db.select(FollowUpTask.kind).where(FollowUpTask.ticket_id == ticket.id)) == \
            "maintenance_skipped"
        number = ticket.number
    board = login_as("supervisor").get("/desk/dispatch").get_data(as_text=True)
    assert number in board


def test_a_plan_by_operating_hours_follows_the_meter(app, login_as):
    agent = login_as("agent")
    with app.app_context():
        asset = db.session.scalar(db.select(Asset).where(Asset.serial == "PX50-SN1001"))
        asset_id, customer_id = asset.id, asset.customer_id
        today = local_today()
    assert agent.post_form(f"/desk/customers/{customer_id}/units/{asset_id}/plan",
                           {"every_hours": 500, "lead_days": 7}).status_code == 302
    with app.app_context():
        plan_id = db.session.scalar(db.select(MaintenancePlan.id))
    for days_ago, hours in ((20, 100), (10, 200)):
        response = agent.post_form(f"/desk/maintenance/{plan_id}/reading",
                                   {"hours": hours, "read_on": (today - timedelta(days=days_ago)).isoformat()})
        assert response.status_code == 302
    back = agent.post_form(f"/desk/maintenance/{plan_id}/reading", {"hours": 50, "read_on": today.isoformat()},
                           headers=EN)
    assert back.status_code == 422 and "cannot go back" in back.get_data(as_text=True)
    with app.app_context():
        plan = db.session.get(MaintenancePlan, plan_id)
        # 10 hours a day, 300 hours left at the last reading: due 30 days after it.
        assert (plan.next_hours, plan.next_due) == (500, today - timedelta(days=10) + timedelta(days=30))


def test_the_morning_run_works_outside_any_request(app, login_as):
    agent = login_as("agent")
    with app.app_context():
        asset = db.session.scalar(db.select(Asset).where(Asset.serial == "PX50-SN1001"))
        asset_id, customer_id = asset.id, asset.customer_id
        due = local_today() + timedelta(days=3)
    agent.post_form(f"/desk/customers/{customer_id}/units/{asset_id}/plan",
                    {"every_months": 3, "first_due": due.isoformat(), "lead_days": 14})
    from portal.tasks import account_care
    from portal.tasks import proactive as proactive_tasks
    with app.app_context():  # as the task queue's consumer runs it: no request, no session
        counts = proactive_tasks.morning_run()
        account_care.open_due_check_ins.call_local()
        assert counts["maintenance_visits"] == 1
        assert db.session.scalar(db.select(PlannedVisit.ticket_id)) is not None


def test_a_campaign_starts_from_a_batch_defect_alarm_with_the_flagged_lots_units_selected(app, login_as):
    with app.app_context():
        asset = db.session.scalar(db.select(Asset).where(Asset.batch.is_not(None)).order_by(Asset.id))
        model, lot = asset.product_model, asset.batch
        same = db.session.scalar(db.select(db.func.count(Asset.id)).where(
            Asset.product_model_id == model.id, Asset.batch == lot))
        flag = DefectFlag(product_model_id=model.id, lot=lot, day=local_today(), recent=9, expected=1.5,
                          p_value=0.0001)
        db.session.add(flag)
        db.session.commit()
        flag_id, code = flag.id, model.code
    supervisor = login_as("supervisor")
    alarm = supervisor.get(f"/desk/dashboard/defects/{flag_id}", headers=EN).get_data(as_text=True)
    assert f"/desk/campaigns/new?flag={flag_id}" in alarm
    page = supervisor.get(f"/desk/campaigns/new?flag={flag_id}", headers=EN)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f'value="{code}"' in html and f'value="{lot}"' in html
    assert f"{same} unit(s) of" in html and "Possible batch defect found" in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Campaign)) == 0  # nothing made yet
    assert supervisor.get("/desk/campaigns/new?flag=999999").status_code == 404
    assert "campaigns/new?flag" not in login_as("manager").get(f"/desk/dashboard/defects/{flag_id}").get_data(
        as_text=True)  # only supervisors start campaigns



def test_the_engineer_reads_the_meter_at_the_visit_and_the_plan_by_hours_follows(app, login_as):
    agent = login_as("agent")
    with app.app_context():
        asset = db.session.scalar(db.select(Asset).where(Asset.serial == "PX50-SN1001"))
        asset_id, customer_id = asset.id, asset.customer_id
        today = local_today()
    assert agent.post_form(f"/desk/customers/{customer_id}/units/{asset_id}/plan",
                           {"every_hours": 500, "lead_days": 7}).status_code == 302
    assert agent.post_form(f"/desk/maintenance/{(plan_id := _plan_id(app))}/reading",
                           {"hours": 100, "read_on": (today - timedelta(days=10)).isoformat()}).status_code == 302
    ticket_id = make_ticket(app, status="in_progress", serial="PX50-SN1001")
    engineer = login_as("engineer")
    page = engineer.get(f"/m/jobs/{ticket_id}", headers=EN).get_data(as_text=True)
    assert f"/m/jobs/{ticket_id}/meter" in page and "Operating hours on the meter" in page

    def send(hours):
        key = str(uuid.uuid4())
        with app.app_context():
            version = db.session.get(Ticket, ticket_id).version
        return engineer.post_form(f"/m/jobs/{ticket_id}/meter", {"hours": hours, "version": version,
                                                                  "idempotency_key": key},
                                  headers={**OUTBOX, **EN, "Idempotency-Key": key})

    read = send("200")
    assert read.status_code == 200 and read.get_json()["ok"], read.get_data(as_text=True)
    with app.app_context():
        plan = db.session.get(MaintenancePlan, plan_id)
        # 10 hours a day since the last reading, 300 left: due in 30 days.
        assert plan.next_due == today + timedelta(days=30)
        assert db.session.scalar(db.select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket_id)
                                 .order_by(TicketEvent.id.desc()).limit(1)) == "meter_read"
    back = send("150")
    assert back.status_code == 422 and "cannot go back" in back.get_json()["error"]
    assert send("").status_code == 422


def _plan_id(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(MaintenancePlan.id))


def test_imported_meter_readings_feed_the_plan_by_hours(app, login_as):
    agent = login_as("agent")
    with app.app_context():
        asset = db.session.scalar(db.select(Asset).where(Asset.serial == "PX50-SN1001"))
        asset_id, customer_id = asset.id, asset.customer_id
        today = local_today()
    assert agent.post_form(f"/desk/customers/{customer_id}/units/{asset_id}/plan",
                           {"every_hours": 500, "lead_days": 7}).status_code == 302
    supervisor = login_as("supervisor")
    assert "/desk/admin/import/readings" in supervisor.get("/desk/maintenance").get_data(as_text=True)
    day = (today - timedelta(days=10)).isoformat()
    rows = ("序列号,抄表日期,运行小时\n"
            f"PX50-SN1001,{today.isoformat()},200\nPX50-SN1001,{(today - timedelta(days=20)).isoformat()},100\n"
            f"NOPE-0001,{day},50\nPX50-SN1001,not a day,10\nPX50-SN1001,{day},90\n")
    preview = supervisor.post_form("/desk/admin/import/readings", {"file": (io.BytesIO(rows.encode()), "m.csv")},
                                   content_type="multipart/form-data", headers=EN)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'data-valid="2"' in html
    assert "No registered unit has this serial number." in html and "A date as YYYY-MM-DD." in html
    assert "a reading cannot go back" in html  # 90 hours after 100 read ten days before
    assert supervisor.post_form("/desk/admin/import/readings/confirm", {}).status_code == 302
    with app.app_context():
        plan = db.session.scalar(db.select(MaintenancePlan))
        assert proactive.readings(asset_id)[-1] == (today, 200)
        # 100 hours in 20 days (5 a day), 300 hours left at the last reading: due 60 days after it.
        assert plan.next_due == today + timedelta(days=60)
    export = supervisor.get("/desk/admin/export/readings.csv").get_data().decode("utf-8-sig")
    assert export.splitlines()[0] == "序列号,抄表日期,运行小时" and f"PX50-SN1001,{today.isoformat()},200" in export
