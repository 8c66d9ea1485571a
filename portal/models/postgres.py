"""PostgreSQL tuning: no JIT compilation, and a request that only read ends its transaction with COMMIT.

The dashboard's one statement (a UNION ALL of GROUP BYs over the daily pre-aggregates) is estimated above
jit_above_cost, and compiling it took 130 ms of a 140 ms execution on a million tickets; the portal's statements
are short, so JIT never pays for itself here.

psycopg prepares a statement on the server once it has run it five times on a connection, so that PostgreSQL
parses and plans it once instead of on every request (planning the queue's statements costs the server more than
running them). But every ROLLBACK makes psycopg forget its prepared statements, and Flask-SQLAlchemy rolls back
at the end of every request: nothing was ever prepared. A transaction that ran nothing but SELECTs and leaves no
pending change behind commits instead, which for such a transaction is the same as rolling back. A transaction
that wrote anything, or a request that failed, still rolls back.
"""
import re

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from portal.extensions import db

WROTE = "portal_wrote"
CONNECTION = "portal_connection"
READ_ONLY = re.compile(r"\s*SELECT\b", re.IGNORECASE)


def configure_postgres(app: Flask, engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def no_jit(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("SET jit = off")
        cursor.close()
        dbapi_connection.commit()

    @event.listens_for(engine, "before_cursor_execute")
    def note_writes(connection, _cursor, statement, _parameters, _context, _executemany):
        if not READ_ONLY.match(statement):
            connection.info[WROTE] = True

    @event.listens_for(engine, "begin")
    def forget_writes(connection):
        connection.info.pop(WROTE, None)

    @event.listens_for(Session, "after_begin")
    def keep_connection(session, _transaction, connection):
        session.info[CONNECTION] = connection

    @app.teardown_request
    def commit_reads(error):
        session = db.session()
        connection = session.info.pop(CONNECTION, None)
        if error is not None or connection is None or connection.closed or not connection.in_transaction():
            return
        if session.new or session.dirty or session.deleted or connection.info.get(WROTE):
            return
        # Not expiring what was read: the objects stay as a rollback and close would leave them (code that
        # ran in a request context, a test or a command, may still read them afterwards).
        expire, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        except SQLAlchemyError:  # a connection lost meanwhile: Flask-SQLAlchemy's removal cleans up as before
            app.logger.warning("could not end a read-only transaction with COMMIT", exc_info=True)
        finally:
            session.expire_on_commit = expire
