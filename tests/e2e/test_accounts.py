"""The administrator creates an account; its owner logs in with the temporary password and must change it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ntm_intranet.demo import DEMO_PASSWORD

from .conftest import log_in

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Nuixanh2015lang"  # 15 characters, letters and digits, not the username


def test_admin_adds_a_reporter_who_must_change_the_temporary_password(demo, page: Page, new_context, done):
    # The administrator adds the account through the form.
    page.goto("/login")
    log_in(page, "admin", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/admin$"))
    expect(page.get_by_role("heading", name="Quản trị hệ thống", level=1)).to_be_visible()

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Tài khoản").click()
    expect(page.get_by_role("heading", name="Tài khoản", level=1)).to_be_visible()
    page.get_by_role("button", name="Thêm tài khoản").click()
    expect(page.get_by_role("heading", name="Thêm tài khoản", level=1)).to_be_visible()

    page.get_by_label("Tên đăng nhập").fill("hoangthimai")
    page.get_by_label("Họ và tên").fill("Hoàng Thị Mai")
    page.get_by_label("Chức vụ").fill("Công chức Văn phòng – Thống kê")
    page.get_by_label("Thư điện tử").fill("mai.ht@dakrong.quangtri.gov.vn")
    page.get_by_role("checkbox", name="Cán bộ báo cáo của đơn vị").check()
    page.get_by_label("Đơn vị", exact=True).select_option(label="Xã Ba Lòng (19570)")
    expect(page.get_by_role("switch", name="Đang hoạt động")).to_be_checked()
    page.get_by_role("button", name="Lưu").click()

    # The temporary password is shown once.
    expect(page.get_by_role("heading", name="Đã tạo tài khoản hoangthimai", level=1)).to_be_visible()
    expect(page.get_by_text("chỉ hiển thị một lần")).to_be_visible()
    secret = page.get_by_role("code")
    expect(secret).to_have_text(re.compile(r"^\S{10,}$"))
    temporary = secret.inner_text().strip()

    page.get_by_role("button", name="Về danh sách tài khoản").click()
    expect(page.get_by_role("heading", name="Tài khoản", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name="hoangthimai", exact=True))
    expect(row).to_contain_text("Hoàng Thị Mai")
    expect(row).to_contain_text("Xã Ba Lòng")
    expect(row.get_by_text("chờ đổi mật khẩu")).to_be_visible()
    expect(page.get_by_text(temporary)).to_have_count(0)
    done(page, "admin-users")

    # The new reporter, in a browser of their own, logs in and is made to choose a password.
    theirs = new_context().new_page()
    theirs.goto("/")
    log_in(theirs, "hoangthimai", temporary)
    expect(theirs).to_have_url(re.compile(r"/password$"))
    expect(theirs.get_by_role("heading", name="Đổi mật khẩu", level=1)).to_be_visible()
    expect(theirs.get_by_role("status")).to_contain_text("Vui lòng đặt mật khẩu mới trước khi tiếp tục.")
    navigation = theirs.get_by_role("navigation", name="Điều hướng chính")
    expect(navigation.get_by_role("link", name="Trang chủ")).to_have_count(0)

    theirs.goto("/campaigns")  # nothing else opens before the password is changed
    expect(theirs).to_have_url(re.compile(r"/password$"))

    theirs.get_by_label("Mật khẩu hiện tại").fill(temporary)
    theirs.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    theirs.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    theirs.get_by_role("button", name="Lưu mật khẩu mới").click()

    expect(theirs).to_have_url(re.compile(r"/home/reporter$"))
    expect(theirs.get_by_role("status").filter(has_text="Đã đổi mật khẩu.")).to_be_visible()
    expect(theirs.get_by_role("heading", level=1)).to_have_text("Xã Ba Lòng")
    expect(navigation.get_by_role("link", name="Trang chủ")).to_be_visible()
    done(theirs, "new-user-home")
