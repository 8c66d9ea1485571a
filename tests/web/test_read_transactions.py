"""On PostgreSQL connections run in autocommit and BEGIN is sent before the first statement that writes or locks
(portal.models.postgres): a page that only reads sends neither BEGIN nor its end, and keeps the statements psycopg
prepared (a ROLLBACK makes it forget them); what writes is still one transaction, committed or rolled back whole."""
import threading

import psycopg
import pytest

from portal.extensions import db
from portal.models import Department
from portal.models.postgres import plain_read
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (TEST_DATABASE_URL)")


def test_what_runs_outside_a_transaction():
    assert plain_read("SELECT ticket.id FROM ticket WHERE ticket.id = %(id)s")
    assert plain_read("  select 1")
    for statement in ("INSERT INTO department (code) VALUES ('x')", "UPDATE ticket SET version = 2",
                      "SELECT customer.id FROM customer WHERE customer.id = 1 FOR UPDATE",
                      "SELECT id FROM ticket FOR NO KEY UPDATE", "SELECT id FROM ticket FOR SHARE",
                      "SELECT pg_advisory_xact_lock(160016)", "SAVEPOINT sa_savepoint_1",
                      "WITH x AS (DELETE FROM stats_day RETURNING id) SELECT count(*) FROM x"):
        assert not plain_read(statement), statement


def server_commands(app, call) -> list[str]:
    """BEGIN, COMMIT and ROLLBACK as psycopg sends them."""
    sent = []
    original = psycopg.Connection._exec_command

    def spy(self, command, *args, **kwargs):
        sent.append(bytes(command).decode() if isinstance(command, bytes) else str(command))
        return original(self, command, *args, **kwargs)
    psycopg.Connection._exec_command = spy
    try:
        call()
    finally:
        psycopg.Connection._exec_command = original
    return [c for c in sent if c in ("BEGIN", "COMMIT", "ROLLBACK")]


def test_a_page_that_only_reads_sends_no_transaction_and_its_statements_get_prepared(app, login_as):
    web = login_as("agent")
    assert web.get("/desk/tickets").status_code == 200
    assert server_commands(app, lambda: web.get("/desk/tickets")) == []
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


def test_what_a_request_writes_is_one_transaction(app):
    with app.app_context():
        def write_two_and_fail():
            db.session.add(Department(code="first", name="First"))
            db.session.flush()
            db.session.add(Department(code="second", name="Second"))
            db.session.flush()
            db.session.rollback()
        assert server_commands(app, write_two_and_fail) == ["ROLLBACK"]
        assert db.session.scalar(db.select(db.func.count()).select_from(Department)
                                 .where(Department.code.in_(("first", "second")))) == 0
        db.session.add(Department(code="kept", name="Kept"))
        assert server_commands(app, db.session.commit) == ["COMMIT"]
        db.session.remove()
    with app.app_context():
        assert db.session.scalar(db.select(Department.name).where(Department.code == "kept")) == "Kept"


def test_a_lock_taken_by_a_select_holds_until_the_end(app):
    # SELECT ... FOR UPDATE begins the transaction: the row stays locked until the commit, not just the statement.
    with app.app_context():
        db.session.add(Department(code="locked", name="Locked"))
        db.session.commit()
        db.session.execute(db.select(Department.id).where(Department.code == "locked").with_for_update()).one()
        tried = []

        def other_writer():
            with psycopg.connect(PG_URL.replace("postgresql+psycopg", "postgresql"), autocommit=True) as other:
                try:
                    other.execute("SELECT id FROM department WHERE code = 'locked' FOR UPDATE NOWAIT")
                    tried.append("got it")
                except psycopg.errors.LockNotAvailable:
                    tried.append("locked")
        thread = threading.Thread(target=other_writer)
        thread.start()
        thread.join(10)
        db.session.commit()
        db.session.remove()
    assert tried == ["locked"]


def test_what_a_request_read_stays_readable_after_it(app):
    with app.test_request_context("/"):
        department = db.session.scalar(db.select(Department).limit(1))
        app.do_teardown_request(None)
        db.session.remove()
    assert department.name


def test_a_connection_asked_for_autocommit_gets_no_transaction(app):
    """VACUUM refuses to run in a transaction block: on a connection asked for AUTOCOMMIT no BEGIN is sent."""
    with app.app_context():
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE department")
            assert conn.connection.dbapi_connection.info.transaction_status.name == "IDLE"


def test_a_connection_that_died_while_idle_is_replaced(app, login_as, monkeypatch):
    from portal.models import postgres
    web = login_as("agent")
    assert web.get("/desk/tickets").status_code == 200
    with app.app_context():
        with db.engine.connect() as connection:
            pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with psycopg.connect(PG_URL.replace("postgresql+psycopg", "postgresql"), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))
    # As if the pool had not handed the connection out for a while: it is pinged, found dead and replaced.
    monkeypatch.setattr(postgres, "IDLE_PING_SECONDS", 0)
    assert web.get("/desk/tickets").status_code == 200
