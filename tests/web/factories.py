"""Factories: tickets brought to a given status through the real services."""
import io
from datetime import UTC, datetime

from werkzeug.datastructures import FileStorage

from portal.extensions import db
from portal.models import Customer, Part, ProductModel, User, Visit
from portal.services import acceptance, fieldwork, tickets
from tests.conftest import jpeg_bytes, signature_png

ORDER = ["new", "triaged", "assigned", "in_progress", "resolved", "closed"]


def _user(email):
    return db.session.scalar(db.select(User).where(User.email == email))


def photo(name="photo.jpg", **kw):
    return FileStorage(io.BytesIO(jpeg_bytes(**kw)), filename=name, content_type="image/jpeg")


def make_ticket(app, status="new", priority="P2", engineer="engineer@example.com", customer_kind="company",
                description="设备开机后屏幕黑屏,无声音输出", serial=None, contact_phone="13812345678") -> int:
    """A ticket moved to `status` along the golden path; returns its id."""
    with app.test_request_context():
        agent, eng = _user("agent@example.com"), _user(engineer)
        customer = db.session.scalar(db.select(Customer).where(Customer.kind == customer_kind))
        model = db.session.scalar(db.select(ProductModel).order_by(ProductModel.id))
        ticket = tickets.register_request(
            user=agent, customer=customer, contact=None, contact_name="张经理", contact_phone=contact_phone,
            product_model=model, serial=serial, purchase_date=None, description=description,
            channel="phone", photos=[photo("intake.jpg")])
        target = ORDER.index(status)
        if target >= 1:
            tickets.triage(ticket, agent, category="fault_repair", priority=priority,
                           reason="production line stopped", version=None)
        if target >= 2:
            tickets.assign(ticket, agent, engineer=eng, version=None)
        if target >= 3:
            fieldwork.record_arrival(ticket, eng)
            fieldwork.record_inspection(ticket, eng, findings="主控板电容鼓包", photos=[photo("board.jpg")])
        if target >= 4:
            part = db.session.scalar(db.select(Part).order_by(Part.id))
            fieldwork.record_work(ticket, eng, work_done="更换主控板", labour_minutes=40,
                                  parts=[{"part_id": part.id, "quantity": 1, "installed_serial": "NEW-1"}],
                                  today=datetime.now(UTC).date())
            fieldwork.hand_over(ticket, eng)
            # Arrival and hand-over at one moment: no on-site time to propose, so the bill takes the 40 minutes
            # recorded, however long this took (a started quarter hour would count otherwise).
            db.session.flush()
            db.session.execute(db.update(Visit).where(Visit.ticket_id == ticket.id).values(
                arrived_at=ticket.resolved_at))
        if target >= 5:
            acceptance.accept_work(ticket, eng, acceptance.Signing(
                signer_name="张伟", signature_png=signature_png(), client_signed_at=datetime.now(UTC),
                shown_summary_sha256=acceptance.summary_hash(ticket), functional_check="开机测试正常",
                customer_verification="观察一小时无故障", rating=5, user_agent="pytest", ip_address="127.0.0.1"))
        db.session.commit()
        return ticket.id


def make_closed_ticket(app) -> int:
    return make_ticket(app, status="closed")


def make_other_customer_login(app) -> tuple[str, str]:
    """A second company with its own customer login; returns its e-mail and password."""
    with app.app_context():
        other = Customer(name="另一家公司 Other Ltd", kind="company")
        db.session.add(other)
        db.session.flush()
        user = User(email="other@example.com", name="Other", role="customer", customer_id=other.id)
        user.set_password("other-pass")
        db.session.add(user)
        db.session.commit()
    return "other@example.com", "other-pass"
