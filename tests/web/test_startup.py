"""Starting the portal: a wrong setting stops it with one line, and development starts with no settings at all."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal import config, create_app

ROOT = Path(__file__).resolve().parents[2]


def test_development_starts_without_settings(monkeypatch, tmp_path):
    for name in ("PORTAL_ENV", "SECRET_KEY", "RATELIMIT_STORAGE_URI", "PORTAL_SINGLE_WORKER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(config, "INSTANCE", tmp_path)
    cfg = type("Dev", (config.config_from_env(),), {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.db'}", "UPLOAD_DIR": tmp_path / "uploads"})
    app = create_app(cfg)
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
