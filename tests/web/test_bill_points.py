"""Loyalty points spent as a discount on a bill: chosen by the customer or the desk before signing, held on the
ledger (oldest first, never below zero, even when two bills take them at once), capped at what the customer
pays, given back when the bill no longer takes them, the ticket is cancelled or the bill refunded, and frozen
with the bill at signing."""
import threading
import uuid
from datetime import timedelta

from portal.domain import bill_points as rules
from portal.domain.money import fen_to_yuan
from portal.domain.pricing import Line, totals
from portal.extensions import db
from portal.models import Bill, PointsAllocation, PointsEntry, Redemption, Reward, Ticket, User
from portal.services import ServiceError, bill_points, billing, tickets
from tests.web.factories import make_ticket
from tests.web.test_acceptance import OUTBOX, answer
from tests.web.test_points import balance, company, give, today_at

EN = {"Accept-Language": "en"}


def _bill(app, ticket_id) -> Bill:
    with app.app_context():
        bill = db.session.scalar(db.select(Bill).where(Bill.ticket_id == ticket_id))
        _ = bill.lines
        db.session.expunge_all()
        return bill


def test_the_discount_is_split_over_the_vat_rates_and_capped_at_what_the_customer_pays():
    lines = [Line("labour", "", 60, 10_000, 600), Line("part", "x", 1, 30_000, 1300),
             Line("callout", "", 1, 5_000, 600, payer="warranty", reason="warranty")]
    assert rules.payable_fen(lines) == 40_000
    assert rules.value_fen(1_050, 100) == 1_050 and rules.value_fen(1_050, 150) == 700
    assert rules.points_for(40_000, 100) == 40_000
    discount = rules.discount_lines(lines, 1_001, 100)
    # 1001 fen split 3:1 over 13 % and 6 %, to the fen, every line the customer's.
    assert [(d.vat_bp, d.amount) for d in discount] == [(1300, -751), (600, -250)]
    after = totals(lines + discount)
    assert after.due == 40_000 - 1_001 and after.vat < totals(lines).vat
    # More points than the bill: it takes what the customer pays, and nothing is left to pay or to tax.
    capped = rules.discount_lines(lines, 99_999, 100)
    assert sum(d.amount for d in capped) == -40_000
    assert totals(lines + capped).due == 0 and totals(lines + capped).vat == 0
    assert rules.discount_lines(lines, 0, 100) == []
    assert fen_to_yuan(-751) == "-7.51" and fen_to_yuan(-1) == "-0.01"  # as the PDF prints a discount line


def test_the_desk_spends_points_on_the_bill_which_are_frozen_with_it_at_signing(app, login_as):
    customer_id = company(app)
    old = give(app, customer_id, 300, earned_on=today_at(app) - timedelta(days=200))
    give(app, customer_id, 700)
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    agent = login_as("agent")
    page = agent.get(f"/desk/tickets/{ticket_id}/bill", headers=EN).get_data(as_text=True)
    assert "Balance: 1000 points" in page and "At most 1000 points" in page
    short = agent.post_form(f"/desk/tickets/{ticket_id}/bill/points", {"points": "1200"}, headers=EN)
    assert short.status_code == 409 and "Not enough points: 1000 available" in short.get_data(as_text=True)
    typed = agent.post_form(f"/desk/tickets/{ticket_id}/bill/points", {"points": "lots"}, headers=EN)
    assert typed.status_code == 422 and 'value="lots"' in typed.get_data(as_text=True)
    assert agent.post_form(f"/desk/tickets/{ticket_id}/bill/points", {"points": "400"}).status_code == 302
    bill = _bill(app, ticket_id)
    assert bill.points_held == 400 and bill.due_fen == 146000 - 400
    assert [line.kind for line in bill.lines][-1] == "points"
    assert balance(app, customer_id) == 600
    with app.app_context():  # the oldest lot first: all 300 of it, then 100 of the newer one
        spend = db.session.get(PointsEntry, bill.points_entry_id)
        assert spend.points == -400 and spend.reason == "bill_discount"
        assert points_left(old) == 0
    page = agent.get(f"/desk/tickets/{ticket_id}/bill", headers=EN).get_data(as_text=True)
    assert "Loyalty points discount" in page and "Held for this bill: 400 points (¥4.00 off)" in page
    # The customer signs what the phone shows, discount included; the bill is frozen with it.
    engineer = login_as("engineer")
    acceptance = engineer.get(f"/m/jobs/{ticket_id}/acceptance", headers=EN).get_data(as_text=True)
    assert "Loyalty points discount" in acceptance and "To pay: ¥1456.00" in acceptance
    assert engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", answer(engineer, ticket_id)).status_code == 302
    signed = _bill(app, ticket_id)
    assert signed.is_frozen and signed.due_fen == 145600 and signed.points_held == 400
    agent = login_as("agent")
    late = agent.post_form(f"/desk/tickets/{ticket_id}/bill/points", {"points": "0"}, headers=EN)
    assert late.status_code == 409 and _bill(app, ticket_id).points_held == 400
    assert balance(app, customer_id) == 600


def points_left(lot_id: int) -> int:
    spent = db.session.scalar(db.select(db.func.coalesce(db.func.sum(PointsEntry.points), 0)).where(
        PointsEntry.id == lot_id))
    taken = db.session.scalar(db.select(db.func.coalesce(db.func.sum(PointsAllocation.points), 0)).where(
        PointsAllocation.lot_id == lot_id))
    return spent - taken


def test_the_customer_chooses_points_changes_their_mind_and_gives_them_back(app, login_as):
    customer_id = company(app)
    give(app, customer_id, 500)
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    customer = login_as("customer")
    ticket_page = customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert f"/my/tickets/{ticket_id}/points" in ticket_page
    page = customer.get(f"/my/tickets/{ticket_id}/points", headers=EN).get_data(as_text=True)
    assert "Balance: 500 points" in page and "¥1460.00" in page
    assert customer.post_form(f"/my/tickets/{ticket_id}/points", {"points": "500"}).status_code == 302
    page = customer.get(f"/my/tickets/{ticket_id}/points", headers=EN).get_data(as_text=True)
    assert "Held for this bill: 500 points (¥5.00 off)" in page and "¥1455.00" in page
    assert balance(app, customer_id) == 0
    # Changing the choice gives the held points back first, then takes the new number.
    assert customer.post_form(f"/my/tickets/{ticket_id}/points", {"points": "200"}).status_code == 302
    assert balance(app, customer_id) == 300 and _bill(app, ticket_id).due_fen == 146000 - 200
    assert customer.post_form(f"/my/tickets/{ticket_id}/points", {"points": "0"}).status_code == 302
    bill = _bill(app, ticket_id)
    assert balance(app, customer_id) == 500 and bill.due_fen == 146000 and bill.points_held == 0
    assert "points" not in [line.kind for line in bill.lines]
    with app.app_context():  # the given-back points keep the dates of the lot they came from
        lots = db.session.scalars(db.select(PointsEntry).where(PointsEntry.kind == "earn")
                                  .order_by(PointsEntry.id)).all()
        assert {lot.expires_on for lot in lots} == {lots[0].expires_on}
        assert [lot.reason for lot in lots[1:]] == ["bill_released", "bill_released"]
    history = customer.get("/my/points", headers=EN).get_data(as_text=True)
    assert "Discount on a bill" in history and "Given back: not used on the bill" in history


def test_points_go_back_when_the_bill_shrinks_the_ticket_is_cancelled_or_the_bill_refunded(app):
    customer_id = company(app)
    give(app, customer_id, 200_000)
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    with app.test_request_context(method="POST"):
        ticket = db.session.get(Ticket, ticket_id)
        try:
            billing.spend_points(ticket, ticket.assignee, 146_001)
            raise AssertionError("more points than the bill")
        except ServiceError as refused:
            assert refused.field == "points" and "146000" in str(refused.message)
        billing.spend_points(ticket, ticket.assignee, 146_000)
        assert db.session.scalar(db.select(Bill).where(Bill.ticket_id == ticket_id)).due_fen == 0
        # Less labour billed: the bill takes fewer points, the rest goes back.
        billing.correct_labour(ticket, ticket.assignee, minutes=0, reason="客户自行操作", callout_km=None)
        bill = billing.bill_of(ticket)
        assert bill.due_fen == 0 and bill.points_held == 146_000 - 12_000
        db.session.commit()
    assert balance(app, customer_id) == 200_000 - 134_000
    with app.test_request_context(method="POST"):
        ticket = db.session.get(Ticket, ticket_id)
        billing.freeze(ticket)
        assert bill_points.release(ticket_id, actor=None) == 0  # signed: only a refund
        assert bill_points.release(ticket_id, actor=None, refunded=True) == 134_000
        assert bill_points.release(ticket_id, actor=None, refunded=True) == 0
        db.session.commit()
    assert balance(app, customer_id) == 200_000
    other = make_ticket(app, status="in_progress", serial="PX50-SN1001")
    with app.test_request_context(method="POST"):
        ticket = db.session.get(Ticket, other)
        billing.spend_points(ticket, ticket.assignee, 10)
        db.session.commit()
    assert balance(app, customer_id) == 200_000 - 10
    with app.test_request_context(method="POST"):
        ticket = db.session.get(Ticket, other)
        tickets.cancel(ticket, agent_user(), reason="重复报修", version=None)
        db.session.commit()
    assert balance(app, customer_id) == 200_000 and _bill(app, other).points_held == 0


def agent_user() -> User:
    return db.session.scalar(db.select(User).where(User.email == "agent@example.com"))


def test_two_bills_taking_the_same_points_at_once_never_go_below_zero(app):
    """Run on PostgreSQL too: the customer's row is locked before the balance is read."""
    customer_id = company(app)
    give(app, customer_id, 1_000)
    ticket_ids = [make_ticket(app, status="resolved", serial="PX50-SN1001") for _ in range(2)]
    barrier, results = threading.Barrier(2), []

    def take(ticket_id):
        with app.test_request_context(method="POST"):
            ticket = db.session.get(Ticket, ticket_id)
            billing.refresh(ticket)
            db.session.commit()
            barrier.wait()
            try:
                billing.spend_points(db.session.get(Ticket, ticket_id), ticket.assignee, 700)
                db.session.commit()
                results.append("held")
            except ServiceError:
                db.session.rollback()
                results.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take, args=(ticket_id,)) for ticket_id in ticket_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["held", "refused"]
    assert balance(app, customer_id) == 300


def test_points_and_a_reward_recorded_on_the_phone_are_checked_against_the_balance_when_they_arrive(app, login_as):
    customer_id = company(app)
    give(app, customer_id, 300)
    with app.app_context():
        reward = Reward(name="原装遥控器", kind="accessory", points=250)
        db.session.add(reward)
        db.session.commit()
        reward_id = reward.id
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    engineer = login_as("engineer")
    page = engineer.get(f"/m/jobs/{ticket_id}/bill", headers=EN).get_data(as_text=True)
    assert "Balance: 300 points" in page and "原装遥控器 · 250" in page

    def send(url, fields):
        key = str(uuid.uuid4())
        data = {"idempotency_key": key, "version": str(_version(app, ticket_id)), **fields}
        return engineer.post_form(url, data, headers={**OUTBOX, **EN, "Idempotency-Key": key})

    held = send(f"/m/jobs/{ticket_id}/bill/points", {"points": "200"})
    assert held.status_code == 200 and held.get_json()["ok"], held.get_data(as_text=True)
    assert _bill(app, ticket_id).points_held == 200 and balance(app, customer_id) == 100
    # The reward was recorded offline before the points: on arrival the balance is short, and the phone's outbox
    # shows why (a final refusal, not retried).
    short = send(f"/m/jobs/{ticket_id}/redeem", {"reward_id": str(reward_id)})
    assert short.status_code == 422 and "Not enough points: 100 available, 250 needed." in short.get_json()["error"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Redemption.id))) == 0
    assert send(f"/m/jobs/{ticket_id}/bill/points", {"points": "0"}).get_json()["ok"]
    redeemed = send(f"/m/jobs/{ticket_id}/redeem", {"reward_id": str(reward_id)})
    assert redeemed.status_code == 200 and redeemed.get_json()["ok"]
    assert balance(app, customer_id) == 50
    with app.app_context():
        redemption = db.session.scalar(db.select(Redemption))
        assert redemption.status == "requested" and redemption.requested_by.email == "engineer@example.com"
    too_many = send(f"/m/jobs/{ticket_id}/bill/points", {"points": "80"})
    assert too_many.status_code == 422 and "50 available" in too_many.get_json()["error"]


def _version(app, ticket_id) -> int:
    with app.app_context():
        return db.session.get(Ticket, ticket_id).version


def test_two_choices_for_the_same_bill_at_once_leave_one_held_and_nothing_lost(app):
    """The customer and the desk choose at the same moment: the later one replaces the earlier one, and the
    balance holds exactly what the bill holds (run on PostgreSQL too)."""
    customer_id = company(app)
    give(app, customer_id, 1_000)
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    with app.test_request_context(method="POST"):
        billing.refresh(db.session.get(Ticket, ticket_id))
        db.session.commit()
    barrier, results = threading.Barrier(2), []

    def choose(wanted):
        with app.test_request_context(method="POST"):
            barrier.wait()  # before any statement: a POST's transaction on SQLite takes the write lock at once
            try:
                ticket = db.session.get(Ticket, ticket_id)
                billing.spend_points(ticket, ticket.assignee, wanted)
                db.session.commit()
                results.append(wanted)
            except ServiceError:
                db.session.rollback()
                results.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=choose, args=(n,)) for n in (300, 400)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [300, 400]
    held = _bill(app, ticket_id).points_held
    assert held in (300, 400) and balance(app, customer_id) == 1_000 - held


def test_the_discount_line_is_neither_waived_nor_quoted(app, login_as):
    customer_id = company(app)
    give(app, customer_id, 500)
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    supervisor = login_as("supervisor")
    assert supervisor.post_form(f"/desk/tickets/{ticket_id}/bill/points", {"points": "500"}).status_code == 302
    page = supervisor.get(f"/desk/tickets/{ticket_id}/bill", headers=EN).get_data(as_text=True)
    key = next(line.kind for line in _bill(app, ticket_id).lines if line.kind == "points") + ":500"
    assert f'<option value="{key}"' not in page
    refused = supervisor.post_form(f"/desk/tickets/{ticket_id}/bill/goodwill", {"key": key, "reason": "试试"},
                                   headers=EN)
    assert refused.status_code == 409 and _bill(app, ticket_id).points_held == 500
