"""Loyalty points on the portal and at the desk: earned for a survey and a paid service, spent on rewards
(never below zero, even when two spendings race), expired a year on by the task, taken back on a refund."""
import threading
from datetime import date, timedelta

from portal.domain.points import expires_on
from portal.extensions import db
from portal.models import Customer, InboxItem, MemberDay, PointsEntry, Redemption, Reward, SecurityEvent, User
from portal.services import ServiceError, points
from portal.services.localtime import local_today
from portal.tasks.points import run_points_day
from tests.web.factories import make_ticket

SCORES = {"speed": "5", "engineer": "4", "result": "5", "comment": "很好"}
EN = {"Accept-Language": "en"}


def company(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Customer.id).where(Customer.kind == "company"))


def today_at(app) -> date:
    with app.app_context():
        return local_today()


def give(app, customer_id: int, amount: int, earned_on: date | None = None, key: str | None = None) -> int:
    with app.app_context():
        lot = points.earn(customer_id, amount, "adjustment", today=earned_on or local_today(), source_key=key)
        db.session.commit()
        return lot.id


def balance(app, customer_id: int, today: date | None = None) -> int:
    with app.app_context():
        return points.summary(customer_id, today or local_today()).balance


def add_reward(app, name="原装遥控器", cost=50) -> int:
    with app.app_context():
        reward = Reward(name=name, kind="accessory", points=cost)
        db.session.add(reward)
        db.session.commit()
        return reward.id


def test_a_survey_earns_points_once_and_the_customer_sees_them(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    customer = login_as("customer")
    assert customer.post_form(f"/my/tickets/{ticket_id}/survey", SCORES).status_code == 302
    assert balance(app, company(app)) == app.config["POINTS_PER_SURVEY"]
    page = customer.get("/my/points", headers=EN).get_data(as_text=True)
    assert "points available" in page and "Survey answered" in page
    assert expires_on(today_at(app)).isoformat() in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(PointsEntry)) == 1


def test_a_reward_is_exchanged_then_handed_over_by_the_back_office(app, login_as):
    customer_id = company(app)
    give(app, customer_id, 80)
    reward_id = add_reward(app, cost=50)
    customer = login_as("customer")
    answer = customer.post_form("/my/points/redeem", {"reward_id": reward_id}, headers=EN)
    assert answer.status_code == 302
    assert balance(app, customer_id) == 30
    # Not enough left for a second: refused with the reason, nothing taken.
    again = customer.post_form("/my/points/redeem", {"reward_id": reward_id}, headers=EN)
    assert customer.post_form("/my/points/redeem", {"reward_id": "x"}).status_code == 404
    assert again.status_code == 409 and "Not enough points: 30 available, 50 needed." in again.get_data(as_text=True)
    assert balance(app, customer_id) == 30
    office = login_as("backoffice")
    listed = office.get("/desk/points/redemptions").get_data(as_text=True)
    assert "原装遥控器" in listed
    with app.app_context():
        redemption_id = db.session.scalar(db.select(Redemption.id))
    fulfilled = office.post_form(f"/desk/points/redemptions/{redemption_id}/fulfil", {"note": "顺丰 SF123"})
    assert fulfilled.status_code == 302
    with app.app_context():
        redemption = db.session.get(Redemption, redemption_id)
        assert redemption.status == "fulfilled" and redemption.fulfilment_note == "顺丰 SF123"
    assert "原装遥控器" not in office.get("/desk/points/redemptions").get_data(as_text=True)
    # Handed over once: a second post is refused.
    assert office.post_form(f"/desk/points/redemptions/{redemption_id}/fulfil", {}).status_code == 302
    with app.app_context():
        assert db.session.get(Redemption, redemption_id).fulfilment_note == "顺丰 SF123"


def test_spending_takes_the_oldest_lot_first(app):
    customer_id = company(app)
    today = today_at(app)
    old = give(app, customer_id, 30, today - timedelta(days=200))
    new = give(app, customer_id, 50, today - timedelta(days=10))
    with app.app_context():
        entry = points.spend(customer_id, 40, "reward", today=today)
        db.session.commit()
        taken = {a.lot_id: a.points for a in db.session.scalars(
            db.select(points.PointsAllocation).where(points.PointsAllocation.entry_id == entry.id))}
    assert taken == {old: 30, new: 10}


def test_lots_expire_after_their_last_day_by_the_task_and_are_reminded_once(app):
    customer_id = company(app)
    today = date(2026, 11, 30)
    give(app, customer_id, 40, date(2025, 11, 30))  # last day: today
    give(app, customer_id, 25, date(2025, 12, 20))  # expires within 30 days
    give(app, customer_id, 10, date(2026, 6, 1))
    with app.app_context():
        db.session.add(User(email="c2@example.com", name="张经理", role="customer", customer_id=customer_id,
                            locale="en", password_hash="!"))
        db.session.commit()
    with app.app_context():
        assert run_points_day(today) == {"expired": 0, "reminded": 2}
    assert balance(app, customer_id, today) == 75
    tomorrow = today + timedelta(days=1)
    with app.app_context():
        assert run_points_day(tomorrow) == {"expired": 40, "reminded": 0}
        assert run_points_day(tomorrow) == {"expired": 0, "reminded": 0}  # idempotent
    assert balance(app, customer_id, tomorrow) == 35
    with app.app_context():
        texts = db.session.scalars(db.select(InboxItem.text).where(InboxItem.kind == "points_expiring")).all()
        assert any("40 loyalty points expire at the end of 2026-11-30" in t for t in texts)
        assert db.session.scalar(db.select(db.func.sum(PointsEntry.points))) == 35


def test_a_refund_takes_back_what_is_left_of_the_services_points(app):
    customer_id = company(app)
    ticket_id = make_ticket(app, status="closed")
    today = today_at(app)
    with app.app_context():
        db.session.add(MemberDay(name="会员日", starts_on=today, ends_on=today, tiers=[], bonus_percent=100))
        customer = db.session.get(Customer, customer_id)
        assert points.earn_for_service(customer, ticket_id, 12_345, today=today, multiplier_percent=150) == 368
        assert points.earn_for_service(customer, ticket_id, 12_345, today=today) == 0  # once per ticket
        points.spend(customer_id, 300, "reward", today=today)
        assert points.take_back_for_ticket(ticket_id) == 68
        assert points.take_back_for_ticket(ticket_id) == 0
        db.session.commit()
    assert balance(app, customer_id) == 0


def test_two_spendings_at_once_never_take_the_balance_below_zero(app):
    """Run on PostgreSQL in CI (the customer's row is locked FOR UPDATE); SQLite serialises the writers."""
    customer_id = company(app)
    give(app, customer_id, 100)
    barrier, results = threading.Barrier(2), []

    def spend():
        with app.test_request_context(method="POST"):  # as a redemption arrives: a write transaction
            barrier.wait()
            try:
                points.spend(customer_id, 70, "reward", today=local_today())
                db.session.commit()
                results.append("spent")
            except ServiceError:
                db.session.rollback()
                results.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=spend) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["refused", "spent"]
    assert balance(app, customer_id) == 30


def test_a_supervisor_gives_points_for_a_referral_in_the_security_log(app, login_as):
    customer_id = company(app)
    supervisor = login_as("supervisor")
    page = supervisor.get(f"/desk/customers/{customer_id}/points").get_data(as_text=True)
    assert "Give points" in page or "赠送积分" in page
    bad = supervisor.post_form(f"/desk/customers/{customer_id}/points", {"reason": "referral", "points": "0",
                                                                         "note": "介绍了李总"}, headers=EN)
    assert bad.status_code == 422 and "介绍了李总" in bad.get_data(as_text=True)
    ok = supervisor.post_form(f"/desk/customers/{customer_id}/points", {"reason": "referral", "points": "100",
                                                                        "note": "介绍了李总"})
    assert ok.status_code == 302 and balance(app, customer_id) == 100
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(SecurityEvent)
                                 .where(SecurityEvent.kind == "master_data_changed")) == 1
    agent = login_as("agent")
    assert agent.get(f"/desk/customers/{customer_id}/points").status_code == 200
    assert agent.post_form(f"/desk/customers/{customer_id}/points", {"reason": "referral", "points": "5",
                                                                     "note": "x"}).status_code == 403


def test_the_admin_keeps_rewards_and_member_days(app, login_as):
    admin = login_as("admin")
    bad = admin.post_form("/desk/admin/rewards/new", {"name": "延保一年", "kind": "extended_warranty",
                                                      "points": "-5"}, headers=EN)
    assert bad.status_code == 422 and "延保一年" in bad.get_data(as_text=True)
    assert admin.post_form("/desk/admin/rewards/new", {"name": "延保一年", "kind": "extended_warranty",
                                                       "points": "500"}).status_code == 302
    days = admin.post_form("/desk/admin/member-days/new", {"name": "会员日", "starts_on": "2026-12-12",
                                                           "ends_on": "2026-12-10", "bonus_percent": "100"},
                           headers=EN)
    assert days.status_code == 422 and "The last day comes on or after the first." in days.get_data(as_text=True)
    assert admin.post_form("/desk/admin/member-days/new", {"name": "会员日", "starts_on": "2026-12-10",
                                                           "ends_on": "2026-12-12", "tiers": "vip",
                                                           "bonus_percent": "100"}).status_code == 302
    page = admin.get("/desk/admin/rewards").get_data(as_text=True)
    assert "延保一年" in page and "会员日" in page
    with app.app_context():
        assert db.session.scalar(db.select(MemberDay.tiers)) == ["vip"]
        assert points.member_day_bonus("vip", date(2026, 12, 11)) == 100
        assert points.member_day_bonus("standard", date(2026, 12, 11)) == 0
    assert login_as("supervisor").get("/desk/admin/rewards").status_code == 403


def test_customers_see_only_their_own_points(app, login_as):
    with app.app_context():
        other = db.session.scalar(db.select(Customer.id).where(Customer.kind == "individual"))
    give(app, other, 999)
    page = login_as("customer").get("/my/points").get_data(as_text=True)
    assert "999" not in page
