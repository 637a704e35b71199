"""The campaign page read on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ntm_intranet.demo import DEMO_PASSWORD

from .conftest import log_in

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 3}


def test_campaign_page_with_its_milestones_on_a_phone(demo, new_context, done):
    page = new_context(**PHONE).new_page()
    page.goto("/login")
    log_in(page, "bc-19567", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Xã Triệu Nguyên")

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Kế hoạch").click()
    expect(page.get_by_role("heading", name="Kế hoạch tổng kết", level=1)).to_be_visible()
    page.get_by_role("link", name="76/KH-UBND").click()

    expect(page).to_have_url(re.compile(r"/campaigns/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chung sức xây dựng nông thôn mới")
    milestones = page.get_by_role("region", name="Các mốc thời gian")
    table = milestones.get_by_role("table")
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader", name="Hạn")).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(1 + 6)  # the header and the six milestones of the plan
    # On 25/06 the communes' reports are due, and the agencies' meetings. On a phone each cell carries
    # its column's name before the value (CSS generated content), so names are matched at their end.
    report = table.get_by_role("row").filter(has=page.get_by_role("cell", name=re.compile(r"25\/06\/2015$"))) \
        .filter(has=page.get_by_role("cell", name=re.compile(r"Nộp báo cáo tổng kết$")))
    expect(report.get_by_text("còn 3 ngày")).to_be_visible()
    late = table.get_by_role("row").filter(has=page.get_by_role("cell", name=re.compile(r"20\/06\/2015$")))
    expect(late.get_by_text("quá hạn 2 ngày")).to_be_visible()

    # Wide tables scroll inside their box; the page itself does not scroll sideways.
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390, f"the page is {page_width}px wide on a 390px screen"
    done(page, "phone-campaign")
