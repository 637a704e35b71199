"""Migrations: `flask db upgrade` on an empty database reproduces the models exactly."""

from __future__ import annotations

import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ntm_intranet import models  # noqa: F401
from ntm_intranet.extensions import db

from ..conftest import DATABASE_URL, make_app


def _empty_database(tmp_path):
    """A brand-new database of the same kind as the suite's (SQLite file or PostgreSQL database)."""
    url = make_url(DATABASE_URL)
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", None
    name = f"ntm_migtest_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return url.set(database=name).render_as_string(hide_password=False), (admin, name)


def _drop_database(cleanup) -> None:
    """Drop the throwaway PostgreSQL database `_empty_database` made (nothing to do for an SQLite file)."""
    if cleanup:
        admin, name = cleanup
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_on_an_empty_database_matches_the_models(tmp_path):
    url, cleanup = _empty_database(tmp_path)
    try:
        app = make_app(SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
            db.engine.dispose()
        assert diff == [], f"models differ from the migrations; run `flask db migrate`: {diff}"
    finally:
        _drop_database(cleanup)
