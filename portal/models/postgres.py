"""PostgreSQL tuning: no JIT compilation, a transaction only once something needs one, and a connection checked
before use only when it has been idle.

The dashboard's one statement (a UNION ALL of GROUP BYs over the daily pre-aggregates) is estimated above
jit_above_cost, and compiling it took 130 ms of a 140 ms execution on a million tickets; the portal's statements
are short, so JIT never pays for itself here.

A page that only reads needs no transaction: under READ COMMITTED, the isolation the portal runs at, each
statement of a transaction sees what was committed when it began, exactly as it would on its own. So connections
run in autocommit, and BEGIN is sent just before the first statement that is not a plain read (a write, a lock:
SELECT ... FOR UPDATE, an advisory lock, a savepoint); from there on everything is one transaction, which the
session commits or rolls back as usual. A page that only reads thus saves the round trips of BEGIN and of the
ROLLBACK or COMMIT that ended it; and it keeps the statements psycopg prepared (psycopg prepares a statement on the
server once it ran five times on a connection, so that PostgreSQL parses and plans it once, and forgets them all at
every ROLLBACK: planning the queue's statements costs the server more than running them).

A pooled connection may have died while it waited (a server restart, a proxy's timeout): one that sat idle longer
than IDLE_PING_SECONDS is pinged as the pool hands it out, and replaced if the ping fails. One in steady use is not:
pinging it too cost a round trip per request. A server restart thus fails at most one request per connection
used in the seconds before it, after which the pool replaces them all.
"""
import re
from time import monotonic

import psycopg
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

# A statement that neither writes nor locks: it may run outside a transaction.
PLAIN_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)
IDLE_PING_SECONDS = 10
USED = "portal_used"
HOLDS = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?UPDATE\b|\bFOR\s+(?:KEY\s+)?SHARE\b|pg_advisory|set_config",
                   re.IGNORECASE)


def plain_read(statement: str) -> bool:
    return bool(PLAIN_READ.match(statement)) and not HOLDS.search(statement)


def configure_postgres(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def set_up(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("SET jit = off")
        cursor.close()
        dbapi_connection.commit()
        dbapi_connection.autocommit = True

    @event.listens_for(engine, "before_cursor_execute")
    def begin_when_needed(connection, cursor, statement, _parameters, _context, _executemany):
        dbapi_connection = cursor.connection
        # Not in autocommit (an Alembic block that changed the isolation level, say), psycopg begins by itself;
        # a connection asked for AUTOCOMMIT (VACUUM, which refuses a transaction block) gets none.
        if (dbapi_connection.autocommit and dbapi_connection.info.transaction_status == TransactionStatus.IDLE
                and not plain_read(statement)
                and connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT"):
            dbapi_connection.execute("BEGIN")

    @event.listens_for(engine, "checkin")
    def note_use(_dbapi_connection, record):
        record.info[USED] = monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection, record, _proxy):
        used = record.info.get(USED)
        if used is not None and monotonic() - used < IDLE_PING_SECONDS:
            return
        try:
            dbapi_connection.execute("SELECT 1")
        except psycopg.Error as error:
            raise DisconnectionError("the pooled connection is gone") from error
