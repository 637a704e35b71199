"""Every main page photographed on a desktop (1366×768) and a phone (390×844) screen at every browser-test run,
for people to look at: tests/e2e/screenshots/<page>-desktop.png and <page>-phone.png (git-ignored).

The pages are those of the accessibility test, each for the role that uses it, plus the ballot, the results
and the approved award list. The demo is shown on 27/06/2015, then on the day of its board session,
08/07/2015: the session opened with three sheets cast, closed, and its list approved, all arranged through
the app's routes (tests/e2e/arrange.py). `make screenshots` copies a few into docs/screenshots/ for the README.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ntm_intranet.demo import DEMO_PASSWORD

from ..app.test_voting import BOARD_DAY
from .arrange import approve_award_list, cast_sheet, close_demo_session, demo_ids, opened_demo_session
from .conftest import SCREENSHOTS, log_in

pytestmark = pytest.mark.e2e

SCREENS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXPECTED = ["login", "home-admin", "admin-units", "admin-users", "admin-audit", "home-coordinator", "board", "totals",
            "campaign", "notifications", "districts", "conference", "conference-estimate",
            "conference-invitations", "conference-programme", "home-reporter", "unit-report", "home-finance",
            "home-secretary",
            "nominations", "nomination", "board-config", "sessions", "home-chair", "home-member",
            "session", "ballot", "results", "award-list"]


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) of a PNG file, from its IHDR chunk; fails on anything else."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


class Photographer:
    """One signed-in page per person (opened on first use), each page shot on both screens."""

    def __init__(self, new_context):
        self._new_context = new_context
        self._pages: dict[str, Page] = {}
        self.taken: list[str] = []

    def page_of(self, username: str | None) -> Page:
        if username not in self._pages:
            page = self._new_context(viewport=SCREENS["desktop"]).new_page()
            page.goto("/login")
            if username is not None:
                log_in(page, username, DEMO_PASSWORD)
                expect(page).not_to_have_url(re.compile(r"/login"))
            self._pages[username] = page
        return self._pages[username]

    def shoot(self, name: str, username: str | None, path: str | None = None) -> None:
        """Open `path` (None: the page the login led to) as `username` and photograph it on both screens."""
        page = self.page_of(username)
        if path is not None:
            response = page.goto(path)
            assert response is not None and response.status == 200, f"{path} as {username}: {response}"
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.wait_for_load_state("load")
        for screen, size in SCREENS.items():
            page.set_viewport_size(size)
            file = SCREENSHOTS / f"{name}-{screen}.png"
            file.unlink(missing_ok=True)  # what is checked below is this run's
            page.screenshot(path=str(file), scale="css", animations="disabled", caret="hide")
        page.set_viewport_size(SCREENS["desktop"])
        self.taken.append(name)


def test_every_main_page_is_photographed_on_a_desktop_and_a_phone(demo_reports, new_context, as_user, done):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ids = demo_ids()
    camera = Photographer(new_context)

    # 27/06/2015, two days after the communes' report deadline.
    camera.shoot("login", None)
    for name, username, path in [
        ("home-admin", "admin", None), ("admin-units", "admin", "/admin/units"),
        ("admin-users", "admin", "/admin/users"), ("admin-audit", "admin", "/admin/audit"),
        ("home-coordinator", "nnptnt", None), ("board", "nnptnt", "/board"), ("totals", "nnptnt", "/totals"),
        ("campaign", "nnptnt", f"/campaigns/{ids['campaign']}"), ("notifications", "nnptnt", "/notifications"),
        ("districts", "nnptnt", "/board/districts"), ("conference", "nnptnt", "/conference"),
        ("conference-estimate", "tckh", "/conference/estimate"),
        ("conference-invitations", "nnptnt", "/conference/invitations"),
        ("conference-programme", "nnptnt", "/conference/programme"),
        ("home-reporter", "bc-19567", None), ("unit-report", "bc-19567", f"/units/{ids['unit']}/report"),
        ("home-finance", "tckh", None),
        ("home-secretary", "noivu", None), ("nominations", "noivu", "/nominations"),
        ("nomination", "noivu", f"/nominations/{ids['nomination']}"), ("board-config", "noivu", "/board-config"),
        ("sessions", "noivu", "/sessions"),
        ("home-chair", "chutich", None), ("home-member", "thanhvien1", None),
    ]:
        camera.shoot(name, username, path)

    # 08/07/2015: the session is open and three members have voted; thanhvien1 has his sheet before him.
    demo_reports.config["NTM_TODAY"] = BOARD_DAY
    session = opened_demo_session(as_user)
    for username in ("chutich", "noivu", "thanhvien2"):
        cast_sheet(as_user, username, session, against={"Lê Văn Dũng"})
    camera.shoot("session", "noivu", f"/sessions/{session.id}")
    expect(camera.page_of("noivu").get_by_text("Đã bỏ phiếu: 3 / 10 thành viên có mặt")).to_be_visible()
    camera.shoot("ballot", "thanhvien1", f"/sessions/{session.id}/ballot")

    # Closed: the results; then the list the chair approved.
    close_demo_session(as_user, session)
    camera.shoot("results", "noivu", f"/sessions/{session.id}/results")
    approve_award_list(as_user)
    camera.shoot("award-list", "chutich", "/awards")
    expect(camera.page_of("chutich").get_by_role("region", name="Kèm theo Quyết định số 1234/QĐ-UBND")) \
        .to_be_visible()

    written = []
    for name in camera.taken:
        for screen, size in SCREENS.items():
            file = SCREENSHOTS / f"{name}-{screen}.png"
            assert file.is_file(), f"{file.name} was not written"
            assert file.stat().st_size > 5_000, f"{file.name} is nearly empty"
            assert png_size(file) == (size["width"], size["height"]), f"{file.name}: {png_size(file)}"
            written.append(file.name)
    assert camera.taken == EXPECTED, camera.taken
    done(camera.page_of("chutich"), "award-list")
