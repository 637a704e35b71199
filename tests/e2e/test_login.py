"""Logging in and out: the reporter of a commune, and a mistyped password."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ntm_intranet.demo import DEMO_PASSWORD

from .conftest import log_in

pytestmark = pytest.mark.e2e



def test_reporter_logs_in_sees_the_report_deadline_and_logs_out(demo, page: Page, done):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)$"))
    log_in(page, "bc-19567", DEMO_PASSWORD)

    expect(page).to_have_url(re.compile(r"/home/reporter$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Xã Triệu Nguyên")
    expect(page.get_by_role("note")).to_contain_text("22/06/2015")  # the demo's frozen "today"
    deadlines = page.get_by_role("region", name="Việc cần làm theo Kế hoạch 76/KH-UBND")
    report = deadlines.get_by_role("row").filter(has=page.get_by_role("cell", name="25/06/2015", exact=True))
    expect(report).to_contain_text("Gửi báo cáo tổng kết về Phòng Nông nghiệp và PTNT")
    expect(report.get_by_text("còn 3 ngày")).to_be_visible()
    meeting = deadlines.get_by_role("row").filter(has=page.get_by_role("cell", name="30/06/2015", exact=True))
    expect(meeting).to_contain_text("còn 8 ngày")
    # The agencies' deadline of 20/06 is not a commune's business.
    expect(deadlines.get_by_role("cell", name="20/06/2015")).to_have_count(0)

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", name="Đăng nhập", level=1)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Bạn đã đăng xuất.")).to_be_visible()
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
    done(page, "logged-out")


def test_wrong_password_says_so_and_keeps_the_username(demo, page: Page, done):
    page.goto("/login")
    log_in(page, "bc-19567", "sai-mat-khau-1")

    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("bc-19567")
    expect(page.get_by_label("Mật khẩu", exact=True)).to_have_value("")
    expect(page.get_by_role("heading", name="Đăng nhập", level=1)).to_be_visible()
    done(page, "wrong-password")


def test_logging_in_and_out_works_without_javascript(demo, new_context, done):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)$"))

    log_in(page, "bc-19567", "sai-mat-khau-1")
    expect(page.get_by_role("alert")).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("bc-19567")
    done(page, "wrong-password")

    page.get_by_label("Mật khẩu", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/home/reporter$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Xã Triệu Nguyên")
    expect(page.get_by_role("region", name="Việc cần làm theo Kế hoạch 76/KH-UBND")).to_contain_text("còn 3 ngày")
    done(page, "home")

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status").filter(has_text="Bạn đã đăng xuất.")).to_be_visible()
