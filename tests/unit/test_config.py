"""Configuration comes from the environment; production refuses to start without a secret key."""
import pytest

from portal import config


def test_production_requires_a_secret_key(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config.config_from_env()()
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    assert config.config_from_env()().SECRET_KEY == "k" * 32


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql://u:p@db:5432/portal", "postgresql+psycopg://u:p@db:5432/portal"),
    ("postgres://u@db/portal", "postgresql+psycopg://u@db/portal"),
    ("postgresql+psycopg://u@db/portal", "postgresql+psycopg://u@db/portal"),
    ("sqlite:////var/lib/portal.db", "sqlite:////var/lib/portal.db"),
])
def test_database_url_uses_psycopg3(monkeypatch, url, expected):
    monkeypatch.setenv("DATABASE_URL", url)
    assert config._database_url("sqlite://") == expected
