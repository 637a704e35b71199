"""What the tests that run a real server share: a database of the test's own."""

from __future__ import annotations

import pytest

from bench.harness import throwaway_postgres
from tests.conftest import DATABASE_URL


@pytest.fixture
def database_url(tmp_path, request):
    """An SQLite file in the test's folder, or, when the suite runs on PostgreSQL, a throwaway database
    on the same server (named after the test module), dropped afterwards."""
    label = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    if DATABASE_URL.startswith("postgresql"):
        with throwaway_postgres(DATABASE_URL, label) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / f'{label}.sqlite3'}"
