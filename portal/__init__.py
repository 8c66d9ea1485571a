"""The after-sales portal: create_app() builds the Flask application."""
from pathlib import Path

from flask import Flask

from portal import auth, backoffice, customer, device, documents, engineer, models, sign, site, verify
from portal.cli import register_cli
from portal.config import ROOT, config_from_env
from portal.extensions import babel, compress, csrf, db, login_manager, migrate
from portal.models.postgres import configure_postgres
from portal.models.sqlite import configure_sqlite
from portal.services.documents import seal_files
from portal.tasks import queue as task_queue
from portal.web import errors, headers, lazy_loads, widgets
from portal.web.i18n import install_cached_gettext, select_locale, select_timezone
from portal.web.ratelimit import init_limiter
from portal.web.session import FragmentSafeSessionInterface, init_sessions
from portal.web.templating import register_template_helpers

BLUEPRINTS = (site.bp, auth.bp, backoffice.bp, engineer.bp, customer.bp, documents.bp, verify.bp, sign.bp,
              sign.resolution_bp, device.bp)
assert models  # importing the package registers every table with SQLAlchemy


def create_app(config=None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    config = config or config_from_env()
    app.config.from_object(config() if isinstance(config, type) else config)
    Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)
    if app.config["ENV_NAME"] == "production" and seal_files(app.config) is None:
        app.logger.warning("PDF_SEAL_KEY and PDF_SEAL_CERT are not set or not readable: confirmations are "
                           "stored without the company seal")
    app.session_interface = FragmentSafeSessionInterface()

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    login_manager.init_app(app)
    # Phones on weak signal: pages, CSS and scripts go out gzip-compressed (brotli where offered).
    compress.init_app(app)
    init_limiter(app)
    init_sessions(app)

    @app.after_request
    def keep_file_closable(response):
        # Runs before Flask-Compress (after_request runs in reverse order), which swaps a streamed file
        # for a generator and so loses the file's close(); keep it on the response instead.
        if response.is_streamed and hasattr(response.response, "close"):
            response.call_on_close(response.response.close)
        return response
    with app.app_context():
        configure_sqlite(db.engine)
        configure_postgres(db.engine)

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    errors.register(app)
    widgets.install()
    lazy_loads.install(app)
    headers.register(app)
    register_template_helpers(app)
    install_cached_gettext(app)
    register_cli(app)
    task_queue.init_app(app)
    return app
