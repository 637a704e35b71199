"""Every main page, for the role that uses it, has no serious or critical axe-core violation.

axe-core is vendored for the tests only (tests/e2e/vendor/axe-core/, see its README); the app never
serves it. Playwright's `add_script_tag(path=...)` inlines the file into a <script> element, which
the app's strict CSP (`script-src 'self'`, no inline script) rightly blocks, so the contexts of this
test alone are made with `bypass_csp=True`. The CSP itself is covered by the other browser tests.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from ntm_intranet.demo import DEMO_PASSWORD
from ntm_intranet.extensions import db

from .conftest import log_in

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

# Rules left out of the check, each with the design decision it waits for. Empty: none needed.
EXCLUDED_RULES: dict[str, str] = {}


def _axe_violations(page: Page) -> list[dict]:
    page.wait_for_load_state("networkidle")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    options = {"rules": {rule: {"enabled": False} for rule in EXCLUDED_RULES}}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def _describe(path: str, violations: list[dict]) -> list[str]:
    lines = []
    for v in violations:
        targets = ", ".join(" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                            for node in v["nodes"][:8])
        more = f" (+{len(v['nodes']) - 8} more)" if len(v["nodes"]) > 8 else ""
        lines.append(f"{path}: [{v['impact']}] {v['id']}: {v['help']} -> {targets}{more}")
    return lines


def _ids() -> dict[str, int]:
    from ntm_intranet.auth.models import User
    from ntm_intranet.campaigns.models import Campaign
    from ntm_intranet.nominations.models import Nomination
    from ntm_intranet.voting.models import BoardSession

    reporter = db.session.execute(db.select(User).filter_by(username="bc-19567")).scalar_one()
    return {
        "unit": reporter.unit_id,
        "nomination": db.session.execute(db.select(Nomination.id).order_by(Nomination.id)).scalars().first(),
        "session": db.session.execute(db.select(BoardSession.id).order_by(BoardSession.id)).scalars().first(),
        "campaign": db.session.execute(db.select(Campaign.id).order_by(Campaign.id)).scalars().first(),
    }


def test_main_pages_have_no_serious_accessibility_violation(demo_reports, new_context, browser_log):
    ids = _ids()
    assert all(ids.values()), ids
    # Who looks at what: each user's home (where the login leads), then the pages of that role.
    visits: dict[str, list[str]] = {
        "admin": ["/admin/units", "/admin/users", "/admin/audit"],
        "nnptnt": ["/board", "/board/districts", "/totals", f"/campaigns/{ids['campaign']}", "/awards",
                   "/notifications", "/conference", "/conference/estimate", "/conference/invitations",
                   "/conference/programme"],
        "noivu": ["/nominations", f"/nominations/{ids['nomination']}", "/board-config", "/sessions",
                  f"/sessions/{ids['session']}"],
        "chutich": [],
        "thanhvien1": [],
        "bc-19567": [f"/units/{ids['unit']}/report"],
        "tckh": ["/conference/estimate"],
    }
    problems: list[str] = []
    checked: list[str] = []

    def check(page: Page, label: str) -> None:
        checked.append(label)
        problems.extend(_describe(label, _axe_violations(page)))

    first = True
    for username, paths in visits.items():
        context: BrowserContext = new_context(bypass_csp=True)
        page = context.new_page()
        page.goto("/login")
        if first:
            check(page, "/login")
            first = False
        log_in(page, username, DEMO_PASSWORD)
        expect(page).not_to_have_url(re.compile(r"/login"))
        check(page, f"{urlsplit(page.url).path} ({username})")  # the home of the role
        for path in paths:
            response = page.goto(path)
            status = response.status if response is not None else None
            assert status == 200, f"{path} as {username}: {status}"
            check(page, f"{path} ({username})")
        context.close()

    print("Checked:", ", ".join(checked))
    assert not problems, "Serious or critical accessibility violations:\n  " + "\n  ".join(problems)
    browser_log.assert_clean()
