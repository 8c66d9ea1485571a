"""On PostgreSQL a request that only read ends its transaction with COMMIT, so that psycopg keeps the statements
it prepared (a ROLLBACK makes it forget them, and every request would be parsed and planned again); a request
that wrote anything, or failed, still rolls back."""
import pytest
from sqlalchemy import event

from portal.extensions import db
from portal.models import Department
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (TEST_DATABASE_URL)")


def ends(app, call) -> list[str]:
    seen = []
    with app.app_context():
        engine = db.engine
    listeners = {"commit": lambda conn: seen.append("commit"), "rollback": lambda conn: seen.append("rollback")}
    for name, listener in listeners.items():
        event.listen(engine, name, listener)
    try:
        call()
    finally:
        for name, listener in listeners.items():
            event.remove(engine, name, listener)
    return seen


def test_a_page_that_only_reads_commits_and_its_statements_get_prepared(app, login_as):
    web = login_as("agent")
    assert ends(app, lambda: web.get("/desk/tickets")) == ["commit"]
    for _ in range(6):
        assert web.get("/desk/tickets").status_code == 200
    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            prepared = connection.driver_connection.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()
        finally:
            connection.close()
    # The pool hands the same connection back (one client, one request at a time): it has kept its statements.
    assert prepared[0] >= 3


def test_a_request_that_flushed_a_change_it_did_not_commit_is_rolled_back(app):
    # A service flushes and the view then refuses (a 422, say) without committing: the end of the request must
    # not commit that flush.
    with app.test_request_context("/"):
        db.session.add(Department(code="flushed", name="Flushed, never committed"))
        db.session.flush()
        db.session.execute(db.select(Department.id)).all()
        app.do_teardown_request(None)
        db.session.remove()
    with app.app_context():
        assert db.session.scalar(db.select(Department).where(Department.code == "flushed")) is None


def test_a_request_that_raised_rolls_back(app):
    def failed_request():
        with app.test_request_context("/"):
            db.session.execute(db.select(Department.id)).all()
            app.do_teardown_request(RuntimeError("the view failed"))
            db.session.remove()
    assert ends(app, failed_request) == ["rollback"]


def test_what_a_request_read_stays_readable_after_it(app):
    # The COMMIT does not expire what was read, as a rollback and close would not have.
    with app.test_request_context("/"):
        department = db.session.scalar(db.select(Department).limit(1))
        app.do_teardown_request(None)
        db.session.remove()
    assert department.name
