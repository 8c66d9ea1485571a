"""SQLite tuning: WAL, foreign keys, a busy timeout, and IMMEDIATE write transactions.

pysqlite's own transaction handling starts transactions lazily and DEFERRED; a deferred
transaction that reads and then writes fails with "database is locked" at once when another
writer holds the lock, whatever the busy timeout. We switch that handling off and emit BEGIN
ourselves: IMMEDIATE for anything that may write (non-GET requests, CLI commands, tasks), plain BEGIN
for reads so that page views never queue behind the write lock (and for tasks that set g.sqlite_reads_first).
"""
from flask import g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN")


def _may_write() -> bool:
    # A long background task that mostly reads (batch printing) sets this: its reads must not hold the write lock
    # that web requests wait for; it ends each read transaction before it writes, so a write comes first.
    if has_app_context() and g.get("sqlite_reads_first"):
        return False
    if has_request_context():
        return request.method not in READ_METHODS
    return True
