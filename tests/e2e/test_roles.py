"""Each role sees the navigation it may use; a page beyond it, or one that does not exist, says so."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ntm_intranet.demo import DEMO_PASSWORD

from .conftest import log_in

pytestmark = pytest.mark.e2e



def test_coordinator_sees_only_its_menu_and_is_refused_the_accounts_page(demo, page: Page, browser_log, done):
    page.goto("/login")
    log_in(page, "nnptnt", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/coordinator$"))
    expect(page.get_by_role("heading", name="Điều phối tổng kết phong trào", level=1)).to_be_visible()

    navigation = page.get_by_role("navigation", name="Điều hướng chính")
    expect(navigation.get_by_role("link", name="Trang chủ", exact=True)).to_be_visible()
    for allowed in ("Kế hoạch", "Tiến độ báo cáo", "Tổng hợp", "Nhật ký"):
        expect(navigation.get_by_role("link", name=allowed, exact=True)).to_be_visible()
    for refused in ("Tài khoản", "Đơn vị"):
        expect(navigation.get_by_role("link", name=refused, exact=True)).to_have_count(0)

    browser_log.allow_http_error(403)
    response = page.goto("/admin/users")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Không có quyền truy cập", level=1)).to_be_visible()
    expect(page.get_by_text("Mã lỗi: 403")).to_be_visible()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()  # still logged in
    done(page, "forbidden")

    page.get_by_role("button", name="Về trang chủ").click()
    expect(page).to_have_url(re.compile(r"/home/coordinator$"))


def test_a_page_that_does_not_exist_gets_the_vietnamese_404_page(app, page: Page, browser_log, done):
    browser_log.allow_http_error(404)
    response = page.goto("/khong-co-trang-nay")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Không tìm thấy trang", level=1)).to_be_visible()
    expect(page.get_by_text("Mã lỗi: 404")).to_be_visible()
    done(page, "not-found")

    page.get_by_role("button", name="Về trang chủ").click()  # not logged in: the login page
    expect(page.get_by_role("heading", name="Đăng nhập", level=1)).to_be_visible()
