"""NTM Intranet: the five-year summary of the NTM emulation movement of a district."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, request, session
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import proxies
from .config import load_config
from .extensions import babel, csrf, db, htmx, limiter, login_manager, migrate
from .proxies import TrustedProxies
from .ranges import BoundedInt

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """The application. The rooms are imported inside the factory (the Flask app-factory idiom): importing
    the package itself loads no room, so any module of the house can be imported alone."""
    instance_path = Path(os.environ.get("NTM_INSTANCE_PATH") or ROOT / "instance").resolve()
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True,
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    from .uploads import UploadRequest

    app.request_class = UploadRequest  # uploaded files go straight into the store's tmp folder as they arrive
    app.config.update(load_config(instance_path))
    if test_config:
        app.config.update(test_config)
    Path(app.config["NTM_UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO)
    from .uploads import sweep_tmp

    sweep_tmp(Path(app.config["NTM_UPLOAD_DIR"]), app.config["NTM_TMP_MAX_AGE_SECONDS"])

    # An id in a URL is at most a 64-bit integer: /units/99999999999999999999 is a 404, not an OverflowError.
    app.url_map.converters["int"] = BoundedInt
    # The client's real address for the limiter and the audit log, from the proxies the operator trusts.
    app.wsgi_app = TrustedProxies(app.wsgi_app, proxies.parse(app.config["NTM_TRUSTED_PROXIES"]))
    _init_extensions(app)
    _register_blueprints(app)

    from . import compression, errors, security, templating
    from .uploads import sweep_pending

    with app.app_context():  # stored files whose upload was killed before its row was committed
        sweep_pending(Path(app.config["NTM_UPLOAD_DIR"]), app.config["NTM_TMP_MAX_AGE_SECONDS"])

    errors.register(app)
    security.register(app)
    compression.register(app)
    templating.register(app)

    from .cli import ntm

    app.cli.add_command(ntm)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True,
                     render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=lambda: "Asia/Ho_Chi_Minh",
                   default_translation_directories=str(ROOT / "translations"))

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself
    login_manager.session_protection = "basic"

    from . import models  # noqa: F401  (every table registered before migrations look)
    from .auth.models import User

    @login_manager.user_loader
    def load_user(token: str):
        user = db.session.execute(db.select(User).filter_by(session_token=token)).scalar_one_or_none()
        return user if user is not None and user.active else None

    @login_manager.unauthorized_handler
    def unauthorized():
        from .auth.views import unauthorized_response

        return unauthorized_response()


def _select_locale() -> str:
    chosen = session.get("lang") if request else None
    return chosen if chosen in ("vi", "en") else "vi"


def _register_blueprints(app: Flask) -> None:
    from .auth.views import bp as auth_bp
    from .awards.views import bp as awards_bp
    from .campaigns.views import bp as campaigns_bp
    from .conference.views import bp as conference_bp
    from .main.views import bp as main_bp
    from .nominations.views import bp as nominations_bp
    from .notifications.views import bp as notifications_bp
    from .org.views import bp as org_bp
    from .reports.views import bp as reports_bp
    from .voting.views import bp as voting_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(org_bp, url_prefix="/admin")
    app.register_blueprint(campaigns_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(nominations_bp)
    app.register_blueprint(voting_bp)
    app.register_blueprint(awards_bp)
    app.register_blueprint(conference_bp)

    from .auth.access import enforce

    app.before_request(enforce)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: enforce foreign keys, write-ahead log, wait instead of failing on a busy file, and overwrite
    deleted content with zeros (a destroyed sealed sheet leaves no bytes in a freed page: voting/sealing.py)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA secure_delete=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()


__all__ = ["create_app"]
