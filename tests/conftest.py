"""Shared fixtures: a fresh database per test, the frozen clock, logged-in clients.

The database is SQLite in a temporary folder, or PostgreSQL when TEST_DATABASE_URL (or DATABASE_URL)
names one. Its tables are emptied after every test, so the database named must be a test database:
the suite refuses to run against one whose name does not contain "test".
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

_INSTANCE = Path(tempfile.mkdtemp(prefix="ntm-test-instance-"))
os.environ["NTM_INSTANCE_PATH"] = str(_INSTANCE)
os.environ.pop("NTM_TODAY", None)

from ntm_intranet import create_app  # noqa: E402
from ntm_intranet.config import normalise_database_url  # noqa: E402
from ntm_intranet.extensions import db  # noqa: E402

DEMO_TODAY = date(2015, 6, 22)
REPORTS_DAY = date(2015, 6, 27)
PASSWORD = "Mat-khau-2015"
# The passphrase the tests' secretary types when opening and closing an electronic board session.
BALLOT_PASSPHRASE = "Hội đồng họp ngày 8 tháng 7"
OPEN_FORM = {"passphrase": BALLOT_PASSPHRASE, "passphrase_again": BALLOT_PASSPHRASE}
CLOSE_FORM = {"passphrase": BALLOT_PASSPHRASE}


def _test_database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{_INSTANCE / 'test.sqlite3'}"
    url = normalise_database_url(url)
    name = make_url(url).database or ""
    if "test" not in name:
        pytest.exit(f"Refusing to run the tests on database '{name}': every test empties its tables. "
                    "Point TEST_DATABASE_URL at a database whose name contains 'test'.", returncode=2)
    return url


DATABASE_URL = _test_database_url()


@pytest.fixture(scope="session")
def _schema():
    from ntm_intranet import models  # noqa: F401

    engine = create_engine(DATABASE_URL)
    db.metadata.drop_all(engine)
    db.metadata.create_all(engine)
    engine.dispose()
    yield


def make_app(**overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
        "NTM_TODAY": DEMO_TODAY,
        "NTM_UPLOAD_DIR": str(_INSTANCE / "uploads"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": "localhost",
        # scrypt at a low cost: the same algorithm, a hundredth of the time (never in production).
        "NTM_PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        # Argon2id at its lowest costs for the ballot key: the same derivation, no half-second per session.
        "NTM_BALLOT_KDF_OPSLIMIT": 1,
        "NTM_BALLOT_KDF_MEMLIMIT": 8192,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(autouse=True)
def _push_request_context():
    """Replaces pytest-flask's fixture of that name: no request context around whole tests."""
    yield


def _fresh_g():
    # The test keeps an app context open for its setup code, and Flask reuses an open app context
    # for the client's requests, so `g` (where Flask-Login and Flask-Babel cache the user and the
    # locale) would leak from one request to the next. A browser's requests never share it.
    g.__dict__.clear()


@pytest.fixture
def app(_schema, request):
    marker = request.node.get_closest_marker("config")
    app = make_app(**(marker.kwargs if marker else {}))
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_g)
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


def pytest_configure(config):
    config.addinivalue_line("markers", "config(**kw): extra Flask config for the app fixture")


# Logging in, forms and tokens ----------------------------------------------------------------

_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client) -> str:
    page = client.get("/campaigns", follow_redirects=True).get_data(as_text=True)
    match = _TOKEN.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def post(client, url, data=None, **kwargs):
    """POST a form the way a browser does: with the page's CSRF token."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client))
    return client.post(url, data=data, **kwargs)


_TOKENS = re.compile(r'((?:name="csrf_token"[^>]*?\bvalue|name="csrf-token" content)=")[^"]*"')


def without_tokens(html: str) -> str:
    """The page with its CSRF tokens blanked. A token carries the second it was signed, so the same page
    drawn twice differs there when the two requests straddle a second (CI has failed on that)."""
    return _TOKENS.sub(r'\1"', html)


def login(client, username, password=PASSWORD):
    return post(client, "/login", {"username": username, "password": password})


@pytest.fixture
def upload_dir(app, tmp_path) -> Path:
    """A fresh upload folder for the test, so that 'stored once' and 'nothing left behind' are exact."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    app.config["NTM_UPLOAD_DIR"] = str(folder)
    return folder


@pytest.fixture
def demo(app):
    """The demo of plan 76/KH-UBND (units, criteria, campaign, one account per role and unit)."""
    from ntm_intranet.demo import seed_demo

    seed_demo(with_reports=False)
    return app


@pytest.fixture
def demo_reports(app):
    """The whole demo as on 27/06/2015, the dossiers included (the app's clock is moved to that day)."""
    from ntm_intranet.demo import seed_demo

    app.config["NTM_TODAY"] = REPORTS_DAY
    seed_demo(with_reports=True)
    return app


@pytest.fixture
def demo_board(app):
    """The demo's board as on 27/06/2015 (award forms, eleven members, nominations, the prepared session of
    08/07/2015) on the demo's units and accounts, without the units' report dossiers or the conference:
    what the voting tests use of the demo, in half the time."""
    from ntm_intranet.demo.board import load_demo_board
    from ntm_intranet.demo.world import build_world

    app.config["NTM_TODAY"] = REPORTS_DAY
    build_world()
    load_demo_board()
    return app


@pytest.fixture
def demo_conference(demo_board):
    """The demo's board and its conference of 17/07/2015 (programme, draft estimate, invitation list), as on
    27/06/2015, without the units' report dossiers (the conference takes nothing from them)."""
    from ntm_intranet.demo.conference import load_demo_conference

    load_demo_conference()
    return demo_board


@pytest.fixture
def as_user(app):
    """as_user("admin") -> a test client logged in as that demo account."""
    from ntm_intranet.demo import DEMO_PASSWORD

    def _client(username, password=DEMO_PASSWORD):
        client = app.test_client()
        response = login(client, username, password)
        assert response.status_code == 302, f"login as {username} failed"
        return client

    return _client
