"""The schema comes only from the migrations, and they agree with the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.domain.search import is_search_index
from portal.extensions import db


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_name": lambda name, *_: not is_search_index(name)})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_demo_seed_runs_once_and_cli_creates_users(app):
    runner = app.test_cli_runner()
    assert "already present" in runner.invoke(args=["demo", "seed"]).output
    result = runner.invoke(args=["user", "create", "boss@example.com", "--name", "Boss", "--role", "admin",
                                 "--password", "long-enough-1"])
    assert "Created admin" in result.output, result.output
    again = runner.invoke(args=["user", "create", "boss@example.com", "--name", "Boss", "--role", "admin",
                                "--password", "x"])
    assert again.exit_code != 0
    assert "agent@example.com" in runner.invoke(args=["demo", "accounts"]).output
