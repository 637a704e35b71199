"""Each role lands on its own home page and sees only the navigation it may use."""

from __future__ import annotations

import re
from html import unescape

import pytest

from .. import factories
from ..conftest import login

NAV = re.compile(r'<ul class="main-nav">(.*?)</ul>', re.S)

HOMES = [
    ("admin", "/home/admin", "Quản trị hệ thống", {"Trang chủ", "Tiến độ báo cáo", "Tổng hợp", "Đề nghị khen thưởng",
                                                   "Phiên họp", "Danh sách khen thưởng", "Kế hoạch", "Đơn vị",
                                                   "Tài khoản", "Nhật ký", "Hội nghị tổng kết"}),
    ("nnptnt", "/home/coordinator", "Điều phối tổng kết phong trào", {"Trang chủ", "Tiến độ báo cáo", "Tổng hợp",
                                                                      "Danh sách khen thưởng", "Kế hoạch", "Nhật ký",
                                                                      "Hội nghị tổng kết"}),
    ("tckh", "/home/finance", "Tài chính (Phòng TC&KH)", {"Trang chủ", "Danh sách khen thưởng", "Kế hoạch",
                                                          "Hội nghị tổng kết"}),
    ("noivu", "/home/secretary", "Thư ký Hội đồng (Phòng Nội vụ)", {"Trang chủ", "Đề nghị khen thưởng",
                                                                     "Cấu hình Hội đồng", "Phiên họp",
                                                                     "Danh sách khen thưởng", "Kế hoạch",
                                                                     "Hội nghị tổng kết"}),
    ("chutich", "/home/chair", "Chủ tịch UBND huyện", {"Trang chủ", "Tiến độ báo cáo", "Tổng hợp",
                                                       "Đề nghị khen thưởng", "Phiên họp", "Danh sách khen thưởng",
                                                       "Kế hoạch", "Hội nghị tổng kết"}),
    ("thanhvien1", "/home/member", "Thành viên Hội đồng TĐKT", {"Trang chủ", "Phiên họp", "Danh sách khen thưởng",
                                                                 "Kế hoạch"}),
    ("bc-19567", "/home/reporter", "Xã Triệu Nguyên", {"Trang chủ", "Đề nghị khen thưởng", "Danh sách khen thưởng",
                                                       "Kế hoạch"}),
]
ALL_NAV = {"Trang chủ", "Tiến độ báo cáo", "Tổng hợp", "Đề nghị khen thưởng", "Cấu hình Hội đồng", "Phiên họp",
           "Danh sách khen thưởng", "Kế hoạch", "Đơn vị", "Tài khoản", "Nhật ký", "Hội nghị tổng kết"}


@pytest.mark.parametrize(("username", "home", "heading", "nav"), HOMES, ids=[h[0] for h in HOMES])
def test_each_role_lands_on_its_home_with_its_navigation(demo, as_user, username, home, heading, nav):
    client = as_user(username)
    page = client.get("/", follow_redirects=True)
    assert page.request.path == home
    html = unescape(page.get_data(as_text=True))
    assert f"<h1>{heading}</h1>" in html
    menu = NAV.search(html).group(1)
    for label in nav:
        assert f">{label}</a>" in menu
    for label in ALL_NAV - nav:
        assert f">{label}</a>" not in menu


def test_reporter_home_shows_days_left_for_the_units_own_deadlines(demo, as_user):
    html = as_user("bc-19567").get("/home/reporter").get_data(as_text=True)  # today: 22/06/2015
    assert "25/06/2015" in html and "còn 3 ngày" in html   # commune report due
    assert "30/06/2015" in html and "còn 8 ngày" in html   # commune meeting due
    assert "20/06/2015" not in html                        # the agencies' deadline is not the commune's


def test_agency_reporter_sees_its_deadline_passed(demo, as_user):
    html = as_user("bc-tp").get("/home/reporter").get_data(as_text=True)
    assert "20/06/2015" in html and "quá hạn 2 ngày" in html


@pytest.mark.config(NTM_TODAY=None)
def test_without_a_frozen_day_there_is_no_demo_banner(demo, as_user):
    html = as_user("bc-19567").get("/home/reporter").get_data(as_text=True)
    assert "Chế độ trình diễn" not in html


def test_the_frozen_day_is_announced_on_every_page(demo, as_user):
    assert "22/06/2015 làm ngày hôm nay" in as_user("nnptnt").get("/campaigns").get_data(as_text=True)


def test_a_reporter_without_unit_is_told_to_ask_the_admin(app, client):
    factories.user("lac", roles=("reporter",), unit=None)
    login(client, "lac")
    html = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "chưa được gắn với đơn vị nào" in html


def test_a_user_with_several_roles_lands_on_the_first_and_sees_both_menus(demo, app, client):
    factories.user("kiem", roles=("member", "admin"))
    login(client, "kiem")
    page = client.get("/", follow_redirects=True)
    assert page.request.path == "/home/admin"
    assert client.get("/home/member").status_code == 200


def test_board_home_lists_the_board_members(demo, as_user):
    html = as_user("thanhvien1").get("/home/member").get_data(as_text=True)
    assert "11 thành viên" in html
    assert "Phạm Văn Hùng" in html
