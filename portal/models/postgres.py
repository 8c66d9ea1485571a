"""PostgreSQL tuning: no JIT compilation, and a transaction only once something needs one.

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
"""
import re

from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine

# A statement that neither writes nor locks: it may run outside a transaction.
PLAIN_READ = re.compile(r"\s*SELECT\b", re.IGNORECASE)
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
    def begin_when_needed(_connection, cursor, statement, _parameters, _context, _executemany):
        dbapi_connection = cursor.connection
        # Not in autocommit (an Alembic block that changed the isolation level, say), psycopg begins by itself.
        if (dbapi_connection.autocommit and dbapi_connection.info.transaction_status == TransactionStatus.IDLE
                and not plain_read(statement)):
            dbapi_connection.execute("BEGIN")
