"""Migration 7d2e3f4a5b61 folds the RMA's retirement moment into the labels' retirement day (PORTAL_TIMEZONE),
keeping a day that was already set. Run on the test's own SQLite copy (the shared PostgreSQL database is not
downgraded under other tests)."""
import sqlite3
from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal.extensions import db
from portal.models import Asset


def test_retired_at_moves_into_retired_on(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("downgrades the database under test: SQLite copy only")
        first, second = db.session.scalars(db.select(Asset.id).order_by(Asset.id).limit(2)).all()
        db.session.remove()
        db.engine.dispose()
        downgrade(revision="6c1d2e3f4a50")
        with db.engine.begin() as connection:
            # 2026-06-30 17:30 UTC is already 1 July in Shanghai; the second unit's day was set by its label.
            connection.execute(sa.text("UPDATE asset SET retired_at = '2026-06-30 17:30:00.000000+00:00' "
                                       "WHERE id = :id"), {"id": first})
            connection.execute(sa.text("UPDATE asset SET retired_at = '2026-03-01 02:00:00.000000+00:00', "
                                       "retired_on = '2026-02-27' WHERE id = :id"), {"id": second})
        upgrade()
        # Read on a connection of its own (WAL: a reader never waits for the migration's).
        with sqlite3.connect(db.engine.url.database) as raw:
            days = dict(raw.execute("SELECT id, retired_on FROM asset WHERE id IN (?, ?)", (first, second)))
            columns = {row[1] for row in raw.execute("PRAGMA table_info(asset)")}
        assert days == {first: date(2026, 7, 1).isoformat(), second: date(2026, 2, 27).isoformat()}
        assert "retired_at" not in columns and "retired_on" in columns
