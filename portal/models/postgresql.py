"""PostgreSQL tuning: no JIT compilation. The dashboard's one statement (a UNION ALL of GROUP BYs over the daily
pre-aggregates) is estimated above jit_above_cost, and compiling it took 130 ms of a 140 ms execution on a
million tickets; the portal's statements are short, so JIT never pays for itself here."""
from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("SET jit = off")
        cursor.close()
        dbapi_connection.commit()
