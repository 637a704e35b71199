"""A browser test that fails leaves, for whoever reads the failure, a screenshot and the HTML of every page
it had open (tests/e2e/conftest.py: the `new_context` fixture, fed by `pytest_runtest_makereport`).

Proven on a tiny test file run by pytest in a subprocess, with this folder's conftest and the project's
as its plugins and its own folder for the files: one test that fails with two pages open, one that passes
(and whose files from an earlier failure are removed).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]

TINY_TESTS = '''
from playwright.sync_api import expect


def test_the_login_page_is_not_what_this_test_expects(page, new_context):
    page.goto("/login")
    other = new_context().new_page()
    other.goto("/login?next=/board")
    expect(page.get_by_role("heading", level=1)).to_have_text("Một trang khác", timeout=300)


def test_the_login_page_has_its_heading(page):
    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
'''


def test_a_failing_browser_test_leaves_a_screenshot_and_the_html_of_each_open_page(tmp_path):
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["tests.conftest", "tests.e2e.conftest"]\n')
    (tmp_path / "test_tiny.py").write_text(textwrap.dedent(TINY_TESTS))
    shots = tmp_path / "shots"
    shots.mkdir()
    stale = shots / "FAILED-test_the_login_page_has_its_heading-chromium.png"  # from a failure since fixed
    stale.write_bytes(b"\x89PNG\r\n\x1a\n")
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "TEST_DATABASE_URL", "PYTEST_ADDOPTS")}  # its own SQLite database
    env.update(PYTHONPATH=str(ROOT), NTM_E2E_SCREENSHOTS=str(shots))

    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                          str(tmp_path / "test_tiny.py")], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=180)
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "1 failed, 1 passed" in output, output

    stem = "FAILED-test_the_login_page_is_not_what_this_test_expects-chromium"
    assert sorted(path.name for path in shots.iterdir()) == sorted(
        [f"{stem}.png", f"{stem}.html", f"{stem}-2.png", f"{stem}-2.html"]), output  # none left for the passing test
    assert not stale.exists()
    for name in (stem, f"{stem}-2"):
        png = (shots / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000, name
        html = (shots / f"{name}.html").read_text(encoding="utf-8")
        assert "<h1>Đăng nhập</h1>" in html and "</html>" in html, html[:500]
    assert "next=/board" in (shots / f"{stem}-2.html").read_text(encoding="utf-8").splitlines()[0]
    # The failure's report says where the files are.
    assert "Saved for diagnosis" in output and str(shots / f"{stem}.png") in output, output
