"""The board, loaded cold (no cache) by the coordinator, stays under 150 KB on the wire.

The bytes counted are what crossed the network for every request of the page: the response
headers and the body as sent (gzipped by the app, see ntm_intranet/compression.py), from
Playwright's `request.sizes()`. Uncompressed, Pico (83 KB) and htmx (52 KB) alone exceed the budget.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Request, expect

from ntm_intranet.demo import DEMO_PASSWORD

from .conftest import log_in

pytestmark = pytest.mark.e2e

BUDGET = 150 * 1024


def test_the_board_weighs_under_150_kb_on_a_cold_load(demo_reports, new_context, browser_log, done):
    # Log in with one context, then load the board in a fresh one that only shares the cookies.
    login_context = new_context()
    login_page = login_context.new_page()
    login_page.goto("/login")
    log_in(login_page, "nnptnt", DEMO_PASSWORD)
    expect(login_page).to_have_url(re.compile(r"/home/coordinator$"))
    cookies = login_context.cookies()
    login_context.close()

    context = new_context()
    context.add_cookies(cookies)
    page: Page = context.new_page()
    requests: list[Request] = []
    page.on("requestfinished", lambda request: requests.append(request))

    response = page.goto("/board")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")

    weights = []
    for request in requests:
        sizes = request.sizes()
        served = request.response()
        weights.append((sizes["responseHeadersSize"] + sizes["responseBodySize"], request.url,
                        served.headers.get("content-encoding", "-") if served else "?"))
    total = sum(w for w, _, _ in weights)
    report = "\n  ".join(f"{w:>7} B  {enc:<5} {url}" for w, url, enc in sorted(weights, reverse=True))
    print(f"/board cold load: {total} B ({total / 1024:.1f} KB) in {len(weights)} responses\n  {report}")
    assert any(url.endswith("/static/vendor/pico/pico.min.css") for _, url, _ in weights), "Pico not counted"
    assert any(url.endswith("/static/vendor/htmx/htmx.min.js") for _, url, _ in weights), "htmx not counted"
    assert total < BUDGET, f"/board weighs {total / 1024:.1f} KB on a cold load (budget 150 KB):\n  {report}"
    done(page, "board")
