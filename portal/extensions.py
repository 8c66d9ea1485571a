"""Extension singletons, bound to the app in create_app()."""
from functools import cached_property
from types import SimpleNamespace

import flask_babel
from flask.globals import _cv_app
from flask_babel import Babel, Domain
from flask_compress import Compress
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from huey import Huey
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations portable between SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class CatalogueDomain(Domain):
    """Flask-Babel's domain, finding the catalogue once per language and app context: Flask-Babel looks it up
    anew for every string (the locale's name built, a cache keyed by it), a hundred times on a job page. Found
    again whenever Flask-Babel's locale object changes (force_locale, refresh)."""

    def get_translations(self):
        app_ctx = _cv_app.get(None)
        if app_ctx is None:
            return super().get_translations()
        state, held = app_ctx.g.__dict__.get("_flask_babel"), app_ctx.g.__dict__.get("_portal_catalogue")
        if held is not None and held[0] is getattr(state, "babel_locale", None):
            return held[1]
        translations = super().get_translations()
        app_ctx.g._portal_catalogue = (app_ctx.g._flask_babel.babel_locale, translations)
        return translations


def _babel_context() -> SimpleNamespace | None:
    """Flask-Babel's per-context state, as its own _get_current_context finds it, but read from the app context
    directly: through the `g` proxy it cost three proxy lookups, and Flask-Babel asks for it on every lazy label,
    locale and time zone (150 times a job page)."""
    app_ctx = _cv_app.get(None)
    if app_ctx is None:
        return None
    held = app_ctx.g.__dict__
    state = held.get("_flask_babel")
    if state is None:
        state = held["_flask_babel"] = SimpleNamespace()
    return state


flask_babel._get_current_context = _babel_context


class PortalBabel(Babel):
    @cached_property
    def domain_instance(self):
        return CatalogueDomain(domain=self.domain)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = PortalBabel()
compress = Compress()
# The task queue; portal.tasks.queue.configure() points it at SQLite or Redis (tests: immediate mode).
huey = Huey("portal", results=False, immediate=True)
