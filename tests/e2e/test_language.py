"""The language switch in the footer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_language_switch_turns_the_login_page_to_english_and_back(app, page: Page, done):
    page.goto("/login")
    html = page.locator("html")
    footer = page.get_by_role("contentinfo")
    expect(html).to_have_attribute("lang", "vi")
    expect(footer.get_by_role("button", name="Tiếng Việt")).to_have_attribute("aria-pressed", "true")
    expect(footer.get_by_role("button", name="English")).not_to_have_attribute("aria-pressed", "true")

    footer.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/login$"))  # back on the page it was switched on
    expect(footer.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    expect(footer.get_by_role("button", name="Tiếng Việt")).not_to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    done(page, "english")

    footer.get_by_role("button", name="Tiếng Việt").click()
    expect(html).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Đăng nhập", level=1)).to_be_visible()
