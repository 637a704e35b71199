"""The admin pages: units, accounts (temporary passwords, sessions, self-protection) and the audit log."""

from __future__ import annotations

import re

import pytest

from ntm_intranet.auth.models import User
from ntm_intranet.extensions import db
from ntm_intranet.org.models import Unit

from .. import factories
from ..conftest import login, post

SELF_LOCK = "Bạn không thể tự khoá tài khoản của mình hay bỏ vai trò quản trị của chính mình."


@pytest.fixture
def admin(app):
    factories.user("quantri", roles=("admin",), full_name="Lê Thị Quản Trị")
    client = app.test_client()
    assert login(client, "quantri").status_code == 302
    return client


def account(username: str) -> User:
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one()


def unit(code: str) -> Unit | None:
    return db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one_or_none()


def role_keys(user: User) -> set[str]:
    return {r.value for r in user.roles}


def shown_password(page: str) -> str:
    match = re.search(r'<p class="secret"><code>([^<]+)</code></p>', page)
    assert match, "no temporary password on the page"
    return match.group(1)


def unit_form(**fields) -> dict:
    return {"code": "", "name": "", "kind": "commune", "parent_id": "0", "sort_order": "0", "active": "y",
            **fields}


def user_form(**fields) -> dict:
    return {"username": "", "full_name": "", "position": "", "email": "", "roles": [], "unit_id": "0",
            "active": "y", **fields}


def edit_user(admin, user: User, **changes):
    current = {"full_name": user.full_name, "roles": sorted(role_keys(user)), "unit_id": str(user.unit_id or 0)}
    fields = user_form(**{**current, **changes})
    if fields["active"] is None:
        del fields["active"]  # an unticked checkbox is not sent
    return post(admin, f"/admin/users/{user.id}/edit", fields)


# Units ------------------------------------------------------------------------------------------


def test_admin_creates_a_unit_under_a_parent_and_sees_it_listed(app, admin):
    district = factories.unit("DAKRONG", "UBND huyện Đakrông", kind="district")
    response = post(admin, "/admin/units/new", unit_form(code="19570", name="Xã Ba Lòng", kind="commune",
                                                         parent_id=str(district.id)))
    assert response.status_code == 302 and response.location.endswith("/admin/units")

    page = admin.get("/admin/units").get_data(as_text=True)
    assert "Đã lưu đơn vị “Xã Ba Lòng”." in page
    assert "Xã Ba Lòng" in page and "UBND huyện Đakrông" in page
    assert unit("19570").parent.code == "DAKRONG"


def test_a_unit_code_already_in_use_is_refused_and_nothing_is_saved(app, admin):
    factories.unit("19570", "Xã Ba Lòng")
    before = factories.count(Unit)
    response = post(admin, "/admin/units/new", unit_form(code="19570", name="Xã Ba Lòng mới"))
    assert response.status_code == 200
    assert "Mã này đã dùng cho đơn vị “Xã Ba Lòng”." in response.get_data(as_text=True)
    assert factories.count(Unit) == before


def test_a_unit_without_a_name_shows_a_vietnamese_message_and_saves_nothing(app, admin):
    response = post(admin, "/admin/units/new", unit_form(code="19570"))
    assert response.status_code == 200
    assert "Vui lòng nhập tên đơn vị." in response.get_data(as_text=True)
    assert factories.count(Unit) == 0


def test_editing_a_unit_moves_it_under_another_parent_and_the_log_shows_the_move(app, admin):
    district = factories.unit("DAKRONG", "UBND huyện Đakrông", kind="district")
    province = factories.unit("QTRI", "UBND tỉnh Quảng Trị", kind="province")
    agency = factories.unit("NV", "Phòng Nội vụ", kind="agency", parent=district)

    response = post(admin, f"/admin/units/{agency.id}/edit",
                    unit_form(code="NV", name="Phòng Nội vụ", kind="agency", parent_id=str(province.id)))
    assert response.status_code == 302
    assert unit("NV").parent.code == "QTRI"

    audit = admin.get("/admin/audit?action=unit_updated").get_data(as_text=True)
    assert "<dt>parent</dt><dd><del>DAKRONG</del> → <ins>QTRI</ins></dd>" in audit


def test_a_unit_cannot_be_placed_under_its_own_descendant(app, admin):
    district = factories.unit("DAKRONG", "UBND huyện Đakrông", kind="district")
    factories.unit("NV", "Phòng Nội vụ", kind="agency", parent=district)
    response = post(admin, f"/admin/units/{district.id}/edit",
                    unit_form(code="DAKRONG", name="UBND huyện Đakrông", kind="district",
                              parent_id=str(unit("NV").id)))
    assert response.status_code == 200
    assert "Không thể chọn đơn vị cấp dưới của chính đơn vị này làm cấp trên." in response.get_data(as_text=True)
    assert unit("DAKRONG").parent is None


# Accounts ---------------------------------------------------------------------------------------


def test_creating_an_account_shows_its_temporary_password_once_and_it_must_be_changed(app, admin):
    xa = factories.unit("19570", "Xã Ba Lòng")
    response = post(admin, "/admin/users/new", user_form(username="BC-19570", full_name="Hồ Văn Báo",
                                                         roles=["reporter"], unit_id=str(xa.id)))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đã tạo tài khoản bc-19570" in page
    password = shown_password(page)
    created = account("bc-19570")
    assert created.unit.code == "19570" and role_keys(created) == {"reporter"}
    assert created.must_change_password

    edit_page = admin.get(f"/admin/users/{created.id}/edit").get_data(as_text=True)
    assert password not in edit_page and password not in admin.get("/admin/users").get_data(as_text=True)

    newcomer = app.test_client()
    assert login(newcomer, "bc-19570", password).status_code == 302
    assert newcomer.get("/", follow_redirects=True).request.path == "/password"


def test_a_username_already_taken_is_refused(app, admin):
    factories.user("lan", roles=("member",))
    before = factories.count(User)
    response = post(admin, "/admin/users/new", user_form(username="Lan", full_name="Trần Thị Lan khác",
                                                         roles=["member"]))
    assert "Tên đăng nhập này đã có người dùng." in response.get_data(as_text=True)
    assert factories.count(User) == before


def test_a_reporter_without_a_unit_is_refused(app, admin):
    before = factories.count(User)
    response = post(admin, "/admin/users/new", user_form(username="bc-moi", full_name="Nguyễn Văn Mới",
                                                         roles=["reporter"]))
    page = response.get_data(as_text=True)
    assert "Cán bộ báo cáo phải thuộc một đơn vị." in page
    assert "Đã tạo tài khoản" not in page
    assert factories.count(User) == before


def test_an_account_without_a_name_or_a_role_gets_vietnamese_messages(app, admin):
    response = post(admin, "/admin/users/new", user_form(username="moi"))
    page = response.get_data(as_text=True)
    assert "Vui lòng nhập họ và tên." in page and "Chọn ít nhất một vai trò." in page
    assert factories.count(User) == 1  # the admin alone


def test_editing_roles_changes_what_the_account_may_open(app, admin):
    lan = factories.user("lan", roles=("member",))
    staff = app.test_client()
    login(staff, "lan")
    assert staff.get("/admin/units").status_code == 403

    response = edit_user(admin, lan, roles=["member", "admin"])
    assert response.status_code == 302
    assert "Đã lưu tài khoản “lan”." in admin.get("/admin/users").get_data(as_text=True)
    assert role_keys(account("lan")) == {"member", "admin"}
    assert staff.get("/admin/units").status_code == 200


def test_resetting_a_password_ends_the_users_sessions_and_forces_a_change(app, admin):
    lan = factories.user("lan", roles=("member",))
    phone = app.test_client()
    login(phone, "lan")
    assert phone.get("/campaigns").status_code == 200

    response = post(admin, f"/admin/users/{lan.id}/reset-password")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Đã cấp lại mật khẩu cho lan" in page
    password = shown_password(page)

    kicked_out = phone.get("/campaigns")
    assert kicked_out.status_code == 302 and "/login" in kicked_out.location
    assert account("lan").must_change_password
    assert login(app.test_client(), "lan").status_code == 200  # the old password no longer works
    again = app.test_client()
    assert login(again, "lan", password).status_code == 302
    assert again.get("/", follow_redirects=True).request.path == "/password"


def test_deactivating_an_account_ends_its_sessions_at_once(app, admin):
    lan = factories.user("lan", roles=("member",))
    phone = app.test_client()
    login(phone, "lan")
    assert phone.get("/campaigns").status_code == 200

    assert edit_user(admin, lan, active=None).status_code == 302
    assert account("lan").active is False
    kicked_out = phone.get("/campaigns")
    assert kicked_out.status_code == 302 and "/login" in kicked_out.location
    assert "ngừng hoạt động" in login(app.test_client(), "lan").get_data(as_text=True)
    assert "đã khoá" in admin.get("/admin/users").get_data(as_text=True)


def test_an_admin_cannot_deactivate_himself(app, admin):
    me = account("quantri")
    response = edit_user(admin, me, active=None)
    assert SELF_LOCK in response.get_data(as_text=True)
    assert account("quantri").active is True
    assert admin.get("/admin/users").status_code == 200


def test_an_admin_cannot_remove_his_own_admin_role(app, admin):
    me = account("quantri")
    response = edit_user(admin, me, roles=["coordinator"])
    assert SELF_LOCK in response.get_data(as_text=True)
    assert role_keys(account("quantri")) == {"admin"}
    assert admin.get("/admin/users").status_code == 200


@pytest.mark.parametrize("url", ["/admin/units", "/admin/units/new", "/admin/users", "/admin/users/new"])
def test_a_coordinator_is_refused_every_admin_page(demo, as_user, url):
    assert as_user("nnptnt").get(url).status_code == 403


def test_a_coordinator_cannot_reset_someone_elses_password(demo, as_user):
    victim = account("tckh")
    hash_before = victim.password_hash
    assert post(as_user("nnptnt"), f"/admin/users/{victim.id}/reset-password").status_code == 403
    db.session.expire_all()
    assert account("tckh").password_hash == hash_before


# Audit log ----------------------------------------------------------------------------------------


def test_every_admin_change_leaves_an_event_in_the_audit_log_dated_dd_mm_yyyy(app, admin):
    district = factories.unit("DAKRONG", "UBND huyện Đakrông", kind="district")
    post(admin, "/admin/units/new", unit_form(code="19570", name="Xã Ba Lòng", parent_id=str(district.id)))
    post(admin, f"/admin/units/{unit('19570').id}/edit",
         unit_form(code="19570", name="Xã Ba Lòng (sửa)", parent_id=str(district.id)))
    post(admin, "/admin/users/new", user_form(username="lan", full_name="Trần Thị Lan", roles=["member"]))
    lan = account("lan")
    edit_user(admin, lan, roles=["member", "secretary"])
    post(admin, f"/admin/users/{lan.id}/reset-password")
    edit_user(admin, account("lan"), active=None)

    page = admin.get("/admin/audit").get_data(as_text=True)
    actions = re.findall(r"<td><code>([a-z_]+)</code></td>", page)
    for action in ("unit_created", "unit_updated", "user_created", "user_updated", "password_reset"):
        assert action in actions, f"{action} missing from the audit log"
    assert actions.count("user_updated") == 2  # roles, then deactivation
    assert "<td>quantri</td>" in page
    assert "Xã Ba Lòng (sửa)" in page
    assert re.search(r'<td class="nowrap">22/06/2015 \d\d:\d\d</td>', page)
    assert not re.search(r"2015-06-22", page)

    only_resets = admin.get("/admin/audit?action=password_reset").get_data(as_text=True)
    assert re.findall(r"<td><code>([a-z_]+)</code></td>", only_resets) == ["password_reset"]


def test_the_coordinator_reads_the_reports_part_of_the_audit_log_only(demo, as_user):
    from ..conftest import post

    coordinator = as_user("nnptnt")
    post(coordinator, "/board/remind", {"which": "report"})
    post(as_user("admin"), "/admin/units/new", {"code": "X1", "name": "Đơn vị thử", "kind": "agency",
                                                "parent_id": "0", "sort_order": "1", "active": "y"})
    page = coordinator.get("/admin/audit").get_data(as_text=True)
    assert "reminder_sent" in page
    assert "unit_created" not in page and "login" not in page.split("<tbody>")[1]
