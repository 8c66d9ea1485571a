"""Ticket numbers stay unique when requests are saved at the same instant."""
import threading

import pytest

from portal.extensions import db
from portal.models import Customer, ProductModel, Ticket, User
from portal.services import tickets

WRITERS = 12


def run_concurrent_saves(app, writers: int) -> tuple[list[str], list[Exception]]:
    """`writers` threads, each saving one request the moment all are ready."""
    barrier = threading.Barrier(writers)
    numbers, errors = [], []

    def save():
        try:
            with app.test_request_context(method="POST"):
                agent = db.session.scalar(db.select(User).where(User.role == "agent"))
                customer = db.session.scalar(db.select(Customer).order_by(Customer.id))
                model = db.session.scalar(db.select(ProductModel).order_by(ProductModel.id))
                db.session.rollback()
                barrier.wait(timeout=10)
                ticket = tickets.register_request(
                    user=agent, customer=customer, contact=None, contact_name="并发", contact_phone="13800000000",
                    product_model=model, serial=None, purchase_date=None, description="concurrent save",
                    channel="phone")
                db.session.commit()
                numbers.append(ticket.number)
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - collected and asserted on by the caller
            errors.append(exc)

    threads = [threading.Thread(target=save) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return numbers, errors


def test_concurrent_saves_get_distinct_consecutive_numbers(app):
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL (set TEST_DATABASE_URL); SQLite serialises writers")
    numbers, errors = run_concurrent_saves(app, WRITERS)
    assert errors == []
    assert len(set(numbers)) == WRITERS
    assert sorted(int(n[-4:]) for n in numbers) == list(range(1, WRITERS + 1))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Ticket.id))) == WRITERS


def test_concurrent_saves_on_sqlite_do_not_fail_with_database_locked(app):
    """Write transactions begin IMMEDIATE, so a second writer waits instead of failing at once."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
    numbers, errors = run_concurrent_saves(app, 6)
    assert errors == [] and len(set(numbers)) == 6
