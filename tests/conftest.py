"""Fixtures: a migrated database per test (SQLite file copy, or truncated PostgreSQL), clients, factories."""
import io
import os
import re
import shutil

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import create_engine, event, text

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db
from portal.models import User
from portal.seed import demo

PG_URL = os.environ.get("TEST_DATABASE_URL")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_config(url: str, uploads) -> type:
    return type("Cfg", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": uploads})


@pytest.fixture(scope="session")
def migrated(tmp_path_factory):
    """Apply the migrations once: the schema in tests comes from them, as in production."""
    from flask_migrate import upgrade

    base = tmp_path_factory.mktemp("db")
    if PG_URL:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        url = PG_URL
    else:
        url = f"sqlite:///{base / 'template.db'}"
    app = create_app(make_config(url, base / "uploads"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url if PG_URL else base / "template.db"


def _truncate_pg(url):
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'"))]
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def app(migrated, tmp_path):
    if PG_URL:
        _truncate_pg(PG_URL)
        url = PG_URL
    else:
        shutil.copy(migrated, tmp_path / "portal.db")
        url = f"sqlite:///{tmp_path / 'portal.db'}"
    app = create_app(make_config(url, tmp_path / "uploads"))
    with app.app_context():
        demo.seed(with_tickets=False)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class WebClient:
    """The Flask test client with sign-in and CSRF handled the way a browser would."""

    def __init__(self, client):
        self.client = client
        self.user = None
        self._token = None

    def __getattr__(self, name):
        return getattr(self.client, name)

    def token(self) -> str:
        if self._token is None:
            page = self.client.get("/", follow_redirects=True).get_data(as_text=True)
            match = CSRF_RE.search(page)
            assert match, "no CSRF token on the page"
            self._token = match.group(1)
        return self._token

    def login(self, email: str, password: str | None = None):
        password = password or next(a[1] for a in demo.ACCOUNTS if a[0] == email)
        self._token = None
        response = self.client.post("/login", data={"email": email, "password": password,
                                                    "csrf_token": self.token()})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        self.user, self._token = email, None
        return response

    def post_form(self, url, data=None, htmx=False, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token())
        headers = dict(kwargs.pop("headers", {}))
        if htmx:
            headers["HX-Request"] = "true"
        if any(isinstance(v, tuple) for v in data.values()):
            kwargs.setdefault("content_type", "multipart/form-data")
        return self.client.post(url, data=data, headers=headers, **kwargs)


@pytest.fixture
def client(app):
    return WebClient(app.test_client())


@pytest.fixture
def login_as(app):
    """login_as('engineer') -> a WebClient signed in with that demo account."""
    def login(who: str) -> WebClient:
        email = who if "@" in who else f"{who}@example.com"
        web = WebClient(app.test_client())
        web.login(email)
        return web
    return login


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == email))


def jpeg_bytes(size=(800, 600), color=(200, 30, 30), exif_gps=False) -> bytes:
    image = Image.new("RGB", size, color)
    ImageDraw.Draw(image).rectangle([10, 10, 200, 100], fill=(20, 20, 20))
    out = io.BytesIO()
    kwargs = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPS IFD
        kwargs["exif"] = exif
    image.save(out, "JPEG", **kwargs)
    return out.getvalue()


def display_checklist() -> dict:
    """Answers to the required items of the demo checklist for displays (product model ABC-2000)."""
    return {"check_power_on": "yes", "check_image": "no", "check_supply_voltage": "221",
            "check_label_photo": (io.BytesIO(jpeg_bytes((640, 480))), "label.jpg")}


def signature_png(size=(600, 200)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(30, 150), (120, 40), (200, 160), (320, 50), (480, 140)], fill=(0, 0, 0, 255), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def count_queries(app, web, url) -> int:
    """The SQL statements one GET of `url` runs (it must answer 200): pages run a fixed number. SQLite's
    BEGIN is not counted (PostgreSQL's driver starts its transactions without a statement of ours)."""
    statements = []

    def seen(conn, cursor, statement, *args):
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):  # SQLite's transaction start
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert web.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return len(statements)
