"""Payments recorded on the phone (through the outbox, idempotent) against the job's bill."""
import uuid

from portal.extensions import db
from portal.models import Bill, Payment, PointsEntry, Ticket
from tests.web.factories import make_ticket
from tests.web.test_acceptance import EN, OUTBOX


def _payment(web, ticket_id, **fields):
    page = web.get(f"/m/jobs/{ticket_id}/bill").get_data(as_text=True)
    assert "To pay (VAT included)" in page or "应付" in page
    data = {"method": "wechat", "amount": "1460.00", "reference": "4200001234202611301234567890",
            "idempotency_key": str(uuid.uuid4())}
    data.update(fields)
    return data


def test_a_wechat_payment_from_the_outbox_is_recorded_once(app, login_as):
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    engineer = login_as("engineer")
    data = _payment(engineer, ticket_id)
    headers = {**OUTBOX, "Idempotency-Key": data["idempotency_key"]}
    first = engineer.post_form(f"/m/jobs/{ticket_id}/payment", data, headers=headers)
    assert first.status_code == 200 and first.get_json()["ok"], first.get_data(as_text=True)
    again = engineer.post_form(f"/m/jobs/{ticket_id}/payment", data, headers=headers)
    assert again.status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Payment.id))) == 1
        bill = db.session.scalar(db.select(Bill).where(Bill.ticket_id == ticket_id))
        assert (bill.paid_fen, bill.outstanding_fen) == (146000, 0)
    page = engineer.get(f"/m/jobs/{ticket_id}/bill", headers=EN).get_data(as_text=True)
    assert "WeChat Pay ¥1460.00" in page and "Record a payment" not in page
    # The paid bill earned the customer's loyalty points once: per yuan, times the tier's multiplier.
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        earned = db.session.scalars(db.select(PointsEntry.points).where(PointsEntry.ticket_id == ticket_id)).all()
        assert earned == [1460 * ticket.customer.tier_info.points_percent // 100]


def test_a_payment_without_reference_or_over_the_bill_is_refused_with_the_reason(app, login_as):
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    engineer = login_as("engineer")
    no_ref = engineer.post_form(f"/m/jobs/{ticket_id}/payment", _payment(engineer, ticket_id, reference=""),
                                headers={**OUTBOX, **EN})
    assert no_ref.status_code == 422 and "reference" in no_ref.get_json()["error"]
    too_much = engineer.post_form(f"/m/jobs/{ticket_id}/payment",
                                  _payment(engineer, ticket_id, method="cash", amount="9999"), headers=EN)
    assert too_much.status_code == 422 and "still to pay" in too_much.get_data(as_text=True)
    on_account = engineer.post_form(f"/m/jobs/{ticket_id}/payment",
                                    _payment(engineer, ticket_id, method="account"), headers=EN)
    assert on_account.status_code == 422 and "Only contract customers" in on_account.get_data(as_text=True)


def test_the_labour_correction_needs_a_reason_and_changes_the_bill(app, login_as):
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    engineer = login_as("engineer")
    key = str(uuid.uuid4())
    refused = engineer.post_form(f"/m/jobs/{ticket_id}/bill/labour", {"labour_minutes": "90",
                                                                     "idempotency_key": key}, headers=EN)
    assert refused.status_code == 422 and "Say why" in refused.get_data(as_text=True)
    done = engineer.post_form(f"/m/jobs/{ticket_id}/bill/labour", {
        "labour_minutes": "90", "labour_reason": "调试耗时较长", "idempotency_key": str(uuid.uuid4())})
    assert done.status_code == 302
    page = engineer.get(f"/m/jobs/{ticket_id}/bill", headers=EN).get_data(as_text=True)
    assert "¥270.00" in page  # 90 min at the senior display rate of 180/h


def test_another_engineer_cannot_see_or_pay_the_bill(app, login_as):
    ticket_id = make_ticket(app, status="resolved", serial="PX50-SN1001")
    other = login_as("engineer2")
    assert other.get(f"/m/jobs/{ticket_id}/bill").status_code == 403
    assert other.post_form(f"/m/jobs/{ticket_id}/payment", {"method": "cash", "amount": "1"}).status_code == 403
