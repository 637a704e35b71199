"""The clients of the concurrency load test: people working at once through the real pages.

Each client is a thread with its own HTTP session (cookies, CSRF token) that logs in and then, until the
deadline, reads a page and posts the form on it as a browser would. It counts what the server confirmed
(a redirect after a POST is a saved change) and records every 5xx and every failed connection.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

import requests

TIMEOUT = 120  # seconds; a request slower than this is a failure of the test, not a wait


class _Forms(HTMLParser):
    """Every <form> of a page: its action and the name/value of each field as a browser would post it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "fields": {}, "radios": {}, "numbers": {}}
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind == "radio":
                self._form["radios"].setdefault(a["name"], []).append(a.get("value", ""))
            elif kind == "number":
                self._form["numbers"][a["name"]] = int(a.get("max") or 0)
            elif kind == "checkbox":
                if "checked" in a:
                    self._form["fields"][a["name"]] = a.get("value", "y")
            elif kind not in ("file", "submit", "button"):
                self._form["fields"][a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form["fields"][a["name"]] = ""

    def handle_data(self, data):
        if self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_to(html: str, action_pattern: str) -> dict | None:
    """The first form whose action matches the regular expression."""
    return next((f for f in forms_of(html) if re.search(action_pattern, f["action"])), None)


_UNIQUE = iter(range(1, 10**9))
_UNIQUE_LOCK = threading.Lock()


def unique_pdf(tag: str) -> bytes:
    """A small PDF (it passes the upload's sniffing) whose bytes no other upload shares."""
    with _UNIQUE_LOCK:
        n = next(_UNIQUE)
    body = f"%PDF-1.4\n% load test {tag} {n} {time.time_ns()}\n".encode()
    return body + random.randbytes(random.randint(2_000, 60_000)) + b"\n%%EOF\n"


@dataclass
class Tally:
    """What one client did, as the server confirmed it."""

    counts: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    casts: list[tuple[int, str, dict[int, str], int]] = field(default_factory=list)  # session, user, choices, scores
    reviewed: list[tuple[int, str]] = field(default_factory=list)


class Schedule:
    """Every client logs in, then all start together and work until the same deadline."""

    def __init__(self, clients: int, seconds: float):
        self.seconds = seconds
        self.deadline = float("inf")
        self.barrier = threading.Barrier(clients, action=self._go)

    def _go(self):
        self.deadline = time.monotonic() + self.seconds


class Client(threading.Thread):
    """One person at a browser. Subclasses implement `step()` (one page read and one form post)."""

    def __init__(self, base_url: str, username: str, password: str, schedule: Schedule | None, seed: int):
        super().__init__(daemon=True, name=f"{type(self).__name__}-{username}-{seed}")
        self.base = base_url
        self.username = username
        self.password = password
        self.schedule = schedule
        self.rng = random.Random(seed)
        self.http = requests.Session()
        self.tally = Tally()

    # HTTP ------------------------------------------------------------------------------------------

    def request(self, method: str, path: str, **kwargs) -> requests.Response | None:
        try:
            response = self.http.request(method, self.base + path, timeout=TIMEOUT, allow_redirects=False, **kwargs)
        except requests.RequestException as exc:
            self.tally.failures.append(f"{method} {path}: {type(exc).__name__}: {exc}")
            return None
        self.tally.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.tally.failures.append(f"{method} {path}: HTTP {response.status_code}")
            return None
        return response

    def get(self, path: str, **kwargs) -> str | None:
        response = self.request("GET", path, **kwargs)
        if response is None:
            return None
        if response.status_code != 200:
            return None
        return response.text

    def post(self, path: str, data: dict, files=None) -> int | None:
        response = self.request("POST", path, data=data, files=files)
        return None if response is None else response.status_code

    def login(self) -> bool:
        page = self.get("/login")
        form = form_to(page or "", r"^(/login.*)?$")  # the login form posts to its own address
        if form is None:
            self.tally.failures.append(f"{self.username}: no login form")
            return False
        status = self.post("/login", {**form["fields"], "username": self.username, "password": self.password})
        if status != 302:
            self.tally.failures.append(f"{self.username}: login answered {status}")
            return False
        return True

    # The loop ---------------------------------------------------------------------------------------

    def run(self):
        try:
            logged_in = self.login()
            self.schedule.barrier.wait(timeout=TIMEOUT)
            while logged_in and time.monotonic() < self.schedule.deadline:
                if self.step() is False:
                    break
        except threading.BrokenBarrierError:
            self.tally.failures.append(f"{self.name}: the others never started")
        except Exception as exc:  # noqa: BLE001  a client's own bug must fail the test, not vanish in a thread
            self.tally.failures.append(f"{self.name}: {type(exc).__name__}: {exc}")

    def step(self) -> bool | None:
        raise NotImplementedError


class Reporter(Client):
    """A unit's reporter: uploads a new version, saves the figures, sends the report; once it is sent
    (or accepted), records the unit's meeting with new minutes instead."""

    def __init__(self, *args, unit_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id = unit_id
        self.dossier = f"/units/{unit_id}/report"

    def step(self):
        page = self.get(self.dossier)
        if page is None:
            return None
        upload = form_to(page, r"/report/files")
        if upload is not None:
            pdf = unique_pdf(f"{self.username} report")
            status = self.post(upload["action"], upload["fields"],
                               files={"file": (f"bao-cao-{self.unit_id}.pdf", pdf, "application/pdf")})
            if status == 302:
                self.tally.counts["report_uploads"] += 1
            page = self.get(self.dossier)
            figures = form_to(page or "", r"/report/figures")
            if figures is not None:
                values = {name: str(self.rng.randint(0, 5000)) for name in figures["fields"]
                          if name.startswith("fig-") and name not in ("fig-csrf_token", "fig-version")}
                if self.post(figures["action"], {**figures["fields"], **values}) == 302:
                    self.tally.counts["figures_saved"] += 1
                page = self.get(self.dossier)
            send = form_to(page or "", r"/report/submit")
            if send is not None and self.post(send["action"], send["fields"]) == 302:
                self.tally.counts["reports_submitted"] += 1
            return None
        meeting = form_to(page, r"/report/meeting")
        if meeting is not None:
            day = f"{self.rng.randint(10, 26):02d}/06/2015"
            pdf = unique_pdf(f"{self.username} minutes")
            status = self.post(meeting["action"], {**meeting["fields"], "held_on": day},
                               files={"minutes": (f"bien-ban-{self.unit_id}.pdf", pdf, "application/pdf")})
            if status == 302:
                self.tally.counts["meetings_recorded"] += 1
        return None


class Coordinator(Client):
    """The coordinator reviewing: opens a unit's dossier and, when it awaits review, accepts or returns it."""

    def __init__(self, *args, unit_ids: list[int], first: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_ids = unit_ids
        self.first = list(first)  # the dossiers awaiting review when the run starts

    def step(self):
        unit_id = self.first.pop(0) if self.first else self.rng.choice(self.unit_ids)
        page = self.get(f"/units/{unit_id}/report")
        review = form_to(page or "", r"/report/review")
        if review is None:
            return None
        decision = "accept" if self.rng.random() < 0.2 else "return"
        status = self.post(review["action"], {**review["fields"], "decision": decision,
                                              "comment": "Đề nghị bổ sung số liệu (kiểm thử tải)."})
        if status == 302:
            self.tally.counts[f"reviews_{decision}"] += 1
            self.tally.reviewed.append((unit_id, decision))
        return None


class Member(Client):
    """A board member casting a sheet in every open session, once each (a second client of the same
    member races it: exactly one of the two may succeed)."""

    def __init__(self, *args, session_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.todo = list(session_ids)

    def step(self):
        if not self.todo:
            # Nothing left to vote on: follow the session page as members do while others vote.
            self.get("/home/member")
            return None
        session_id = self.todo.pop(0)
        response = self.request("GET", f"/sessions/{session_id}/ballot")
        if response is None or response.status_code != 200:
            return None  # 409: this member's other client has already voted here
        sheet = form_to(response.text, rf"/sessions/{session_id}/ballot")
        choices = {name: self.rng.choice(values) for name, values in sheet["radios"].items()}
        scores = {name: str(self.rng.randint(0, top)) for name, top in sheet["numbers"].items()}
        status = self.post(sheet["action"], {**sheet["fields"], **choices, **scores, "action": "cast"})
        if status == 302:
            self.tally.counts["sheets_cast"] += 1
            self.tally.casts.append((session_id, self.username, {int(k[1:]): v for k, v in choices.items()},
                                     len(scores)))
        return None


class Reader(Client):
    """Someone reading the busy pages meanwhile: the board and its filtered fragment, sessions, awards."""

    def __init__(self, *args, paths: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.paths = paths

    def step(self):
        path = self.rng.choice(self.paths)
        headers = {"HX-Request": "true"} if "state=" in path else None
        if self.get(path, headers=headers) is not None:
            self.tally.counts["pages_read"] += 1
        return None
