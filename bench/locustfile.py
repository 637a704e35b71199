"""The benchmark's scenarios for locust: one user class per measured page, run one at a time.

bench/run.py starts `locust --headless` with a single class named on the command line, a fixed number of
users and a fixed duration. bench/run.py has logged each account in once and hands its session cookie over
(BENCH_COOKIES), so only the page itself is measured; every user requests it in a loop without pause: a
closed loop, so the figures are the server's capacity at that concurrency. The ids and the password come
from the environment too.
"""

from __future__ import annotations

import json
import os
import re

from locust import FastHttpUser, constant, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "")
SESSION = os.environ.get("BENCH_SESSION", "1")
AWARD_LIST = os.environ.get("BENCH_AWARD_LIST", "1")
COOKIES = json.loads(os.environ.get("BENCH_COOKIES") or "{}")  # username -> session cookie
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class _Page(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    username = ""
    # An export of 10,000 rows behind seven others takes a while: slow is measured, not failed.
    connection_timeout = 600.0
    network_timeout = 600.0

    def _login_form(self) -> str:
        with self.client.get("/login", name="setup: login page", catch_response=True) as response:
            match = _CSRF.search(response.text or "")
            if not match:
                response.failure("no CSRF token on the login page")
                return ""
            return match.group(1)

    def page(self, path: str, name: str, headers: dict | None = None):
        # The logged-in session's cookie alone (the jar would add the refreshed copy the server sends back).
        self.client.cookiejar.clear()
        cookie = {"Cookie": f"session={COOKIES[self.username]}"} if self.username else {}
        with self.client.get(path, name=name, catch_response=True, headers={**cookie, **(headers or {})}) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class Hello(_Page):
    """The reference: a bare Flask route served by the same gunicorn configuration."""

    @task
    def hello(self):
        self.page("/hello", "hello (reference)")


class Login(_Page):
    """A login: one POST with a valid password (scrypt check, session, audit entry) answered by a redirect.

    The login form is read once; each POST then comes with that page's session cookie and token alone,
    as a fresh browser's would."""

    def on_start(self):
        self.token = self._login_form()
        self.cookie = next((c.value for c in self.client.cookiejar if c.name == "session"), "")

    @task
    def login(self):
        self.client.cookiejar.clear()
        with self.client.post("/login", name="login", allow_redirects=False, catch_response=True,
                              headers={"Cookie": f"session={self.cookie}"},
                              data={"csrf_token": self.token, "username": "bench-coordinator",
                                    "password": PASSWORD}) as response:
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code}")


class UnitHome(_Page):
    username = "bench-reporter"

    @task
    def home(self):
        self.page("/home/reporter", "unit home")


class Board(_Page):
    username = "bench-coordinator"

    @task
    def board(self):
        self.page("/board", "board, first page")


class BoardFragment(_Page):
    username = "bench-coordinator"

    @task
    def fragment(self):
        self.page("/board?kind=commune&state=overdue&sort=late&page=2", "board, filtered htmx fragment",
                  headers={"HX-Request": "true", "HX-Target": "board"})


class Results(_Page):
    username = "bench-chair"

    @task
    def results(self):
        self.page(f"/sessions/{SESSION}/results", "session results")


class AwardList(_Page):
    username = "bench-chair"

    @task
    def awards(self):
        self.page("/awards", "award list")


class BoardExport(_Page):
    username = "bench-coordinator"

    @task
    def export(self):
        self.page("/board.xlsx", "board export (XLSX)")


class AwardListDocx(_Page):
    username = "bench-chair"

    @task
    def export(self):
        self.page(f"/awards/{AWARD_LIST}.docx", "award list export (DOCX)")
