"""The after-sales portal: create_app() builds the Flask application."""
from pathlib import Path

from flask import Flask

from portal.config import ROOT, config_from_env
from portal.extensions import babel, compress, csrf, db, login_manager, migrate


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

    from portal import models  # noqa: F401  (registers the tables)
    from portal.i18n import select_locale, select_timezone
    from portal.sqlite import configure_sqlite

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    login_manager.init_app(app)
    # Phones on weak signal: pages, CSS and scripts go out gzip-compressed (brotli where offered).
    compress.init_app(app)
    from portal.ratelimit import init_limiter
    init_limiter(app)

    @app.after_request
    def keep_file_closable(response):
        # Runs before Flask-Compress (after_request runs in reverse order), which swaps a streamed file
        # for a generator and so loses the file's close(); keep it on the response instead.
        if response.is_streamed and hasattr(response.response, "close"):
            response.call_on_close(response.response.close)
        return response
    with app.app_context():
        configure_sqlite(db.engine)

    from portal import auth, backoffice, customer, documents, engineer, errors, sign, verify, web
    app.register_blueprint(web.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(backoffice.bp)
    app.register_blueprint(engineer.bp)
    app.register_blueprint(customer.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(verify.bp)
    app.register_blueprint(sign.bp)
    errors.register(app)
    web.register_template_helpers(app)

    from portal.cli import register_cli
    register_cli(app)
    return app
