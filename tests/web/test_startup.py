"""Starting the portal: a wrong setting stops it with one line, production warns when nothing seals the
confirmations, and development starts with no settings at all."""
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from portal import config, create_app, serving
from portal.extensions import db
from portal.pdf.seal import make_self_signed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def made():
    """Apps a test makes; their database connections are closed afterwards."""
    apps = []
    yield apps
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def production_app(monkeypatch, tmp_path, made, **settings):
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setenv("PORTAL_SINGLE_WORKER", "1")
    cfg = type("Prod", (config.ProductionConfig,), {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", "UPLOAD_DIR": tmp_path / "uploads",
        "PDF_SEAL_KEY": None, "PDF_SEAL_CERT": None, **settings})
    made.append(create_app(cfg))
    return made[-1]


def seal_warnings(caplog):
    return [r for r in caplog.records if r.levelno == logging.WARNING and "PDF_SEAL_KEY" in r.getMessage()]


def test_production_without_a_seal_warns_once_in_one_line(monkeypatch, tmp_path, caplog, made):
    caplog.set_level(logging.WARNING, logger="portal")
    production_app(monkeypatch, tmp_path, made)
    warned = seal_warnings(caplog)
    assert len(warned) == 1 and "\n" not in warned[0].getMessage()
    # A path that is not there is no seal either.
    caplog.clear()
    production_app(monkeypatch, tmp_path, made, PDF_SEAL_KEY=str(tmp_path / "missing.pem"),
                   PDF_SEAL_CERT=str(tmp_path / "missing.pem"))
    assert len(seal_warnings(caplog)) == 1


def test_production_with_a_seal_starts_quietly(monkeypatch, tmp_path, caplog, made):
    key, cert = make_self_signed(tmp_path / "seal", "Demo Co.")
    caplog.set_level(logging.WARNING, logger="portal")
    app = production_app(monkeypatch, tmp_path, made, PDF_SEAL_KEY=str(key), PDF_SEAL_CERT=str(cert))
    assert app.config["ENV_NAME"] == "production" and seal_warnings(caplog) == []


def test_development_starts_without_settings(monkeypatch, tmp_path, made):
    for name in ("PORTAL_ENV", "SECRET_KEY", "RATELIMIT_STORAGE_URI", "PORTAL_SINGLE_WORKER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config, "INSTANCE", tmp_path)
    cfg = type("Dev", (config.config_from_env(),), {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.db'}", "UPLOAD_DIR": tmp_path / "uploads"})
    app = create_app(cfg)
    made.append(app)
    assert app.config["ENV_NAME"] == "development"
    assert app.secret_key == (tmp_path / "dev-secret-key").read_text()
    assert app.test_client().get("/verify").status_code == 200


@pytest.mark.parametrize(("env", "said"), [
    ({"PORTAL_ENV": "prod"}, "PORTAL_ENV='prod' is not known"),
    ({"PORTAL_ENV": "production", "SECRET_KEY": "dev-only-not-secret"}, "SECRET_KEY is too short"),
])
def test_a_refused_start_says_why_in_one_line(env, said):
    clean = {k: v for k, v in os.environ.items() if k not in ("PORTAL_ENV", "SECRET_KEY")}
    done = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 4  # gunicorn's "App failed to load": it stops instead of respawning workers
    assert done.stderr.strip().count("\n") == 0 and said in done.stderr and "Traceback" not in done.stderr


def test_the_entry_point_sets_up_the_collector_for_serving(tmp_path):
    """wsgi.py applies portal.serving's policy once the app is made: the start frozen, the thresholds set, the
    first full passes' survivors to be frozen too."""
    env = {**os.environ, "PORTAL_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "UPLOAD_DIR": str(tmp_path / "uploads"),
           "RATELIMIT_STORAGE_URI": "memory://", "PORTAL_SINGLE_WORKER": "1", "TASKS_IN_PROCESS": "0"}
    probe = ("import gc, wsgi; from portal import serving; "
             "print(*gc.get_threshold(), gc.get_freeze_count(), serving._freeze_after_full_pass in gc.callbacks)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    *thresholds, frozen, refreezes = done.stdout.split()
    assert tuple(map(int, thresholds)) == serving.THRESHOLDS
    assert int(frozen) > 100_000  # the modules, the app and its catalogs
    assert refreezes == "True"
