"""Browser tests: Playwright on Debian's Chromium against the real app served on 127.0.0.1.

The app is the one of tests/conftest.py (`app`: a fresh, emptied test database per test, the clock
frozen at 22/06/2015; `demo`: plan 76/KH-UBND with its accounts). It is served by werkzeug in a
background thread on a free port. That thread has no app context of its own, so every request
gets a fresh one and never shares the test's `g`.

Every browser context made here records console errors, uncaught page errors and
Content-Security-Policy violations; a flow ends with `done(page, name)`, which saves a screenshot
to tests/e2e/screenshots/ and asserts the browser reported no error. When a test fails, every page
it still has open is saved there for diagnosis, as FAILED-<test>.png and FAILED-<test>.html (then
-2, -3 … for its other pages). NTM_E2E_SCREENSHOTS names another folder for all of these.

Playwright's own browsers are not used (no download): CI installs Debian's `chromium`, and a
missing /usr/bin/chromium fails the tests rather than skipping them.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

CHROMIUM = Path(os.environ.get("NTM_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = Path(os.environ.get("NTM_E2E_SCREENSHOTS") or Path(__file__).resolve().parent / "screenshots")

# Raise Playwright's assertion timeout a little above its 5 s default: a loaded CI runner is slow.
expect.set_options(timeout=10_000)


def pytest_configure(config):
    # pytest-playwright's fallback `base_url` fixture (used when pytest-base-url is absent) is an
    # instance method, which pytest 9 deprecates; it is the plugin's, not ours, and we never use it.
    config.addinivalue_line("filterwarnings", "ignore:Session-scoped fixtures defined as instance methods"
                            ":pytest.PytestRemovedIn10Warning")


def pytest_collection_modifyitems(items):
    """Every test in this folder is a browser test, even one that forgets its `pytestmark`."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


# The browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"The browser tests need Debian's Chromium at {CHROMIUM}, which is missing. "
                    "Install it with `sudo apt-get install chromium` (CI does), or run the other tests "
                    "with `pytest -m 'not e2e'`.", pytrace=False)
    return {"headless": True, **browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": CHROMIUM_ARGS}


# The live server --------------------------------------------------------------------------------


class LiveServer:
    """The app served by werkzeug's threaded server on 127.0.0.1, on a port the system picks."""

    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, name="e2e-live-server", daemon=True)

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()


@pytest.fixture
def live_server(app):
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def browser_context_args(browser_context_args, live_server):
    """Every context opens the live server, in Vietnamese, on the district's clock."""
    return {**browser_context_args, "base_url": live_server.url(), "locale": "vi-VN",
            "timezone_id": "Asia/Ho_Chi_Minh"}


# What the browser reports -----------------------------------------------------------------------

# Runs in every page before its own scripts. A CSP violation is also logged to the console by
# Chromium; the event makes it explicit (directive and what was blocked).
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


@dataclass
class BrowserLog:
    """Console errors and uncaught exceptions of every page of the test, with the allowed ones.

    Listened to on the context ("console", "weberror"), so pages opened later are covered too.
    """

    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def watch(self, context: BrowserContext) -> None:
        context.add_init_script(_CSP_LISTENER)
        context.on("console", self._on_console)
        context.on("weberror", lambda web_error: self.errors.append(f"uncaught: {web_error.error}"))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location or {}
            self.errors.append(f"console: {message.text} ({location.get('url', '')})")

    def allow_http_error(self, status: int) -> None:
        """Chromium logs an error for a page answered with an error status; expected in that flow."""
        self.allowed.append(re.compile(rf"Failed to load resource: the server responded with a status of {status}\b"))

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]

    def assert_clean(self) -> None:
        problems = self.unexpected()
        assert not problems, "The browser reported errors:\n  " + "\n  ".join(problems)


# The report of each phase of a test ("setup", "call", "teardown"), kept on its item: a fixture's
# teardown reads from it whether the test itself passed.
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _call_report(node) -> pytest.TestReport | None:
    return node.stash.get(_REPORTS, {}).get("call")


def file_stem_of(node) -> str:
    """A test's name as a file name: "test_x[chromium]" -> "test_x-chromium"."""
    return re.sub(r"[^\w.-]+", "-", node.name).strip("-")


def save_open_pages(contexts: list[BrowserContext], stem: str) -> list[Path]:
    """A screenshot and the HTML of every page still open in these contexts: <stem>.png/.html, then
    <stem>-2, <stem>-3 … A page that cannot be saved is noted in its .html file instead."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    pages = [page for context in contexts for page in context.pages if not page.is_closed()]
    for number, page in enumerate(pages, start=1):
        name = stem if number == 1 else f"{stem}-{number}"
        png, html = SCREENSHOTS / f"{name}.png", SCREENSHOTS / f"{name}.html"
        try:
            html.write_text(f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8")
            saved.append(html)
            page.screenshot(path=str(png), full_page=True, scale="css", timeout=10_000)
            saved.append(png)
        except PlaywrightError as exc:
            with html.open("a", encoding="utf-8") as out:
                out.write(f"\n<!-- could not save this page: {exc} -->\n")
    return saved


@pytest.fixture
def browser_log(request) -> BrowserLog:
    log = BrowserLog()
    yield log
    # An error after the flow's last `done()` (say, from a script on the last page) still counts.
    call = _call_report(request.node)
    if call is not None and call.passed:
        log.assert_clean()


@pytest.fixture
def new_context(new_context, browser_log, request):
    """pytest-playwright's `new_context` (and so `context` and `page`), watched by `browser_log`.

    When the test fails, its open pages are saved (FAILED-<test>.png/.html) before pytest-playwright
    closes them, and the failure's report lists the files; those of an earlier failure are removed first.
    """
    contexts: list[BrowserContext] = []
    stem = f"FAILED-{file_stem_of(request.node)}"
    for stale in SCREENSHOTS.glob(f"{stem}*"):  # a former failure of this test, fixed since
        if re.fullmatch(rf"{re.escape(stem)}(-\d+)?\.(png|html)", stale.name):
            stale.unlink()

    def _new_context(**kwargs) -> BrowserContext:
        context = new_context(**kwargs)
        browser_log.watch(context)
        contexts.append(context)
        return context

    yield _new_context
    call = _call_report(request.node)
    if call is not None and call.failed:
        saved = save_open_pages(contexts, stem)
        call.sections.append(("Saved for diagnosis", "\n".join(str(path) for path in saved) or "(no open page)"))


@pytest.fixture
def done(request, browser_log):
    """done(page, "name"): the end of a flow: a screenshot, then no error in any page of the test."""

    def _done(page: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{file_stem_of(request.node)}-{name}.png"
        page.screenshot(path=str(path), full_page=True, scale="css", caret="initial")
        browser_log.assert_clean()
        return path

    return _done


# People -----------------------------------------------------------------------------------------


def log_in(page: Page, username: str, password: str) -> None:
    """Fill and send the login form as a person does (the page must show it)."""
    expect(page.get_by_role("heading", name="Đăng nhập", level=1)).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
