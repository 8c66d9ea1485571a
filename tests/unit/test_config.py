"""Configuration comes from the environment; outside development the portal refuses to start without a real
secret key, and an unknown PORTAL_ENV never falls back to development."""
import secrets
import stat

import pytest

from portal import config

GOOD_HEX = secrets.token_hex(32)


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_HEX)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    monkeypatch.delenv("PORTAL_SINGLE_WORKER", raising=False)
    return monkeypatch


@pytest.mark.parametrize("name", ["prod", "Production", "production ", "staging", "testing", ""])
def test_an_unknown_portal_env_refuses_to_start(monkeypatch, name):
    monkeypatch.setenv("PORTAL_ENV", name)
    with pytest.raises(config.ConfigError, match="PORTAL_ENV") as refused:
        config.config_from_env()
    assert "\n" not in str(refused.value)


def test_production_without_a_secret_key_refuses_to_start(production):
    production.delenv("SECRET_KEY")
    with pytest.raises(config.ConfigError, match="SECRET_KEY is not set"):
        config.config_from_env()()


@pytest.mark.parametrize("key", [
    "k" * 32, "bench", GOOD_HEX[:63], secrets.token_urlsafe(32)[:42], "0" * 64, "ab" * 40,
    "change-me-change-me-change-me-change-me-change-me", "your-secret-key-goes-here-please-replace-it",
    "dev-only-not-secret-dev-only-not-secret-dev-only"])
def test_production_refuses_short_or_placeholder_keys_without_repeating_them(production, key):
    production.setenv("SECRET_KEY", key)
    with pytest.raises(config.ConfigError, match="too short or a placeholder") as refused:
        config.config_from_env()()
    message = str(refused.value)
    assert key not in message and "\n" not in message


@pytest.mark.parametrize("key", [GOOD_HEX, secrets.token_urlsafe(32), secrets.token_urlsafe(64)])
def test_production_accepts_a_random_key_of_32_bytes(production, key):
    production.setenv("SECRET_KEY", key)
    settings = config.config_from_env()()
    assert settings.ENV_NAME == "production" and settings.SECRET_KEY == key


def test_development_works_without_a_key_and_never_with_a_published_one(monkeypatch, tmp_path):
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "INSTANCE", tmp_path)
    first = config.config_from_env()()
    assert first.ENV_NAME == "development"
    assert len(first.SECRET_KEY) == 64 and first.SECRET_KEY != "dev-only-not-secret"
    # The same key on the next start (sessions survive a restart), readable by the owner only.
    assert config.config_from_env()().SECRET_KEY == first.SECRET_KEY
    assert stat.S_IMODE((tmp_path / "dev-secret-key").stat().st_mode) == 0o600
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("SECRET_KEY", "short is fine on a laptop")
    assert config.config_from_env()().SECRET_KEY == "short is fine on a laptop"


def test_production_refuses_per_process_rate_limit_counters(production):
    production.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(config.ConfigError, match="PORTAL_SINGLE_WORKER=1") as refused:
        config.config_from_env()()
    assert "\n" not in str(refused.value)
    production.delenv("RATELIMIT_STORAGE_URI")  # the default is memory:// too
    with pytest.raises(config.ConfigError, match="RATELIMIT_STORAGE_URI"):
        config.config_from_env()()
    production.setenv("PORTAL_SINGLE_WORKER", "1")
    assert config.config_from_env()().RATELIMIT_STORAGE_URI == "memory://"
    production.delenv("PORTAL_SINGLE_WORKER")
    production.setenv("RATELIMIT_STORAGE_URI", "redis://:pw@127.0.0.1:6379/0")
    assert config.config_from_env()().RATELIMIT_STORAGE_URI == "redis://:pw@127.0.0.1:6379/0"


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql://u:p@db:5432/portal", "postgresql+psycopg://u:p@db:5432/portal"),
    ("postgres://u@db/portal", "postgresql+psycopg://u@db/portal"),
    ("postgresql+psycopg://u@db/portal", "postgresql+psycopg://u@db/portal"),
    ("sqlite:////var/lib/portal.db", "sqlite:////var/lib/portal.db"),
])
def test_database_url_uses_psycopg3(monkeypatch, url, expected):
    monkeypatch.setenv("DATABASE_URL", url)
    assert config._database_url("sqlite://") == expected
