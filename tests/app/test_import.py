"""Importing units and accounts from the office's sheet (.xlsx or CSV), on the admin pages and by the CLI.

All or nothing: a file with one bad row is reported line by line and none of its rows is saved.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

import pytest
from openpyxl import Workbook

from ntm_intranet.auth.models import User
from ntm_intranet.extensions import db
from ntm_intranet.org.models import Unit

from .. import factories
from ..conftest import login, post

UNIT_HEADER = ("Mã đơn vị", "Tên đơn vị", "Loại", "Đơn vị cấp trên")
USER_HEADER = ("Tên đăng nhập", "Họ và tên", "Vai trò", "Mã đơn vị", "Chức vụ")
NOTHING_SAVED = "Không có dòng nào được lưu."


# Helpers ----------------------------------------------------------------------------------------


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(lines, delimiter=",", encoding="utf-8") -> bytes:
    text = "\r\n".join(delimiter.join(cells) for cells in lines) + "\r\n"
    return text.encode(encoding)


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Text as Excel on a Vietnamese Windows saves it: base letters precomposed, tone marks combining."""
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
            tones = "".join(c for c in parts if c in _TONE_MARKS)
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def upload(client, kind: str, data: bytes, filename: str):
    return post(client, f"/admin/{kind}/import", {"file": (io.BytesIO(data), filename)})


def unit(code: str) -> Unit | None:
    return db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one_or_none()


def account(username: str) -> User | None:
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none()


def parent_code(code: str) -> str | None:
    parent = unit(code).parent
    return parent.code if parent else None


def error_line(line: int, message: str) -> str:
    """How the import page shows one bad row."""
    return f"<strong>Dòng {line}:</strong> {message}"


def shown_passwords(page: str) -> dict[str, str]:
    return dict(re.findall(r"<tr><td>([^<]+)</td><td>[^<]*</td><td><code>([^<]+)</code></td></tr>", page))


def run_cli(app, tmp_path, command: str, filename: str, data: bytes):
    path = tmp_path / filename
    path.write_bytes(data)
    return app.test_cli_runner().invoke(args=["ntm", command, str(path)])


@pytest.fixture
def admin(app):
    factories.user("quantri", roles=("admin",), full_name="Lê Thị Quản Trị")
    client = app.test_client()
    assert login(client, "quantri").status_code == 302
    return client


GOOD_UNITS = [
    UNIT_HEADER,
    ("19561", "Xã Hướng Hiệp", "Xã", "DAKRONG"),  # its parent comes further down
    ("19555", "Thị trấn Krông Klang", "Thị trấn", "DAKRONG"),
    ("NV", "Phòng Nội vụ", "Cơ quan", "DAKRONG"),
    ("DAKRONG", "UBND huyện Đakrông", "Huyện", "QTRI"),
    ("QTRI", "UBND tỉnh Quảng Trị", "Tỉnh", ""),
]


# Units ------------------------------------------------------------------------------------------


def test_units_sheet_creates_every_unit_under_its_parent_even_one_defined_further_down(app, admin):
    response = upload(admin, "units", xlsx(GOOD_UNITS), "don-vi.xlsx")
    assert response.status_code == 302 and response.location.endswith("/admin/units")

    page = admin.get("/admin/units").get_data(as_text=True)
    assert "Đã nhập xong: 5 mới, 0 cập nhật." in page
    assert "Xã Hướng Hiệp" in page and "Thị trấn Krông Klang" in page
    assert factories.count(Unit) == 5
    assert parent_code("19561") == parent_code("19555") == parent_code("NV") == "DAKRONG"
    assert parent_code("DAKRONG") == "QTRI" and parent_code("QTRI") is None
    assert (unit("19561").kind, unit("19555").kind, unit("NV").kind, unit("DAKRONG").kind) == \
        ("commune", "town", "agency", "district")

    audit = admin.get("/admin/audit").get_data(as_text=True)
    assert "<code>units_imported</code>" in audit and "don-vi.xlsx: 5 created, 0 updated" in audit
    assert audit.count("<code>unit_created</code>") == 5


def test_importing_the_sheet_again_updates_the_units_without_duplicates(app, admin):
    upload(admin, "units", xlsx(GOOD_UNITS), "don-vi.xlsx")
    renamed = [row if row[0] != "NV" else ("NV", "Phòng Nội vụ huyện Đakrông", "Cơ quan", "DAKRONG")
               for row in GOOD_UNITS]
    response = upload(admin, "units", xlsx(renamed + [("19564", "Xã Đakrông", "Xã", "DAKRONG")]), "lan-2.xlsx")
    assert response.status_code == 302

    assert "Đã nhập xong: 1 mới, 5 cập nhật." in admin.get("/admin/units").get_data(as_text=True)
    assert factories.count(Unit) == 6
    assert unit("NV").name == "Phòng Nội vụ huyện Đakrông"
    assert parent_code("19564") == "DAKRONG"
    assert "<code>unit_updated</code>" in admin.get("/admin/audit").get_data(as_text=True)


def test_csv_with_unaccented_headers_and_semicolons_is_imported(app, admin):
    data = csv_bytes([("Ma don vi", "Ten don vi", "Loai", "Don vi cap tren"),
                      ("DAKRONG", "UBND huyện Đakrông", "huyen", ""),
                      ("19570", "Xã Ba Lòng", "xa", "DAKRONG")], delimiter=";", encoding="utf-8-sig")
    assert upload(admin, "units", data, "don-vi.csv").status_code == 302
    assert unit("19570").name == "Xã Ba Lòng"
    assert parent_code("19570") == "DAKRONG"


def test_csv_saved_by_excel_on_vietnamese_windows_keeps_its_diacritics(app, admin):
    text = "\r\n".join([",".join(UNIT_HEADER),
                        "DAKRONG,UBND huyện Đakrông,Huyện,",
                        "19561,Xã Hướng Hiệp,Xã,DAKRONG",
                        "TNMT,Phòng Tài nguyên và Môi trường,Cơ quan,DAKRONG"]) + "\r\n"
    data = cp1258(text)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really a Windows-1258 file, not UTF-8 in disguise

    assert upload(admin, "units", data, "don-vi.csv").status_code == 302
    assert unit("19561").name == "Xã Hướng Hiệp"
    assert unit("TNMT").name == "Phòng Tài nguyên và Môi trường"
    assert unit("DAKRONG").kind == "district"


def test_a_sheet_with_bad_rows_lists_each_error_by_line_and_saves_nothing(app, admin):
    factories.unit("DAKRONG", "UBND huyện Đakrông", kind="district")
    before = factories.count(Unit)
    rows = [UNIT_HEADER,
            ("19558", "Xã Mò Ó", "Xã", "DAKRONG"),             # line 2: good
            ("19561", "", "Xã", "DAKRONG"),                    # line 3: no name
            ("19564", "Xã Đakrông", "Làng", "DAKRONG"),        # line 4: unknown kind
            ("19558", "Xã Mò Ó (lần hai)", "Xã", "DAKRONG"),   # line 5: same code as line 2
            ("19567", "Xã Triệu Nguyên", "Xã", "QTRI"),        # line 6: unknown parent
            ("19570", "Xã Ba Lòng", "Xã", "DAKRONG")]          # line 7: good

    response = upload(admin, "units", xlsx(rows), "loi.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Chưa nhập gì: tệp có 4 dòng lỗi" in page and NOTHING_SAVED in page
    assert error_line(3, "thiếu tên đơn vị") in page
    assert error_line(4, "loại đơn vị “Làng” không rõ") in page
    assert error_line(5, "mã “19558” trùng với dòng 2") in page
    assert error_line(6, "đơn vị cấp trên “QTRI” không có trong hệ thống hay trong tệp") in page
    assert "Dòng 2:" not in page and "Dòng 7:" not in page

    assert factories.count(Unit) == before
    assert unit("19558") is None and unit("19570") is None
    assert "units_imported" not in admin.get("/admin/audit").get_data(as_text=True)


def test_a_sheet_without_a_required_column_names_the_missing_column(app, admin):
    rows = [("Mã đơn vị", "Tên đơn vị", "Đơn vị cấp trên"), ("19558", "Xã Mò Ó", "")]
    page = upload(admin, "units", xlsx(rows), "thieu-cot.xlsx").get_data(as_text=True)
    assert "thiếu: Loại" in page
    assert factories.count(Unit) == 0


def test_a_title_row_above_the_header_is_skipped_as_offices_write_it(app, admin):
    rows = [("DANH SÁCH ĐƠN VỊ HUYỆN ĐAKRÔNG",), (), UNIT_HEADER, ("19558", "Xã Mò Ó", "xã", "")]
    response = upload(admin, "units", xlsx(rows), "co-tieu-de.xlsx")
    assert response.status_code == 302
    assert unit("19558").name == "Xã Mò Ó"


def test_a_sheet_with_only_its_header_is_refused_not_reported_as_a_success(app, admin):
    page = upload(admin, "units", xlsx([UNIT_HEADER]), "chi-tieu-de.xlsx").get_data(as_text=True)
    assert "không có dòng dữ liệu nào" in page
    assert "units_imported" not in admin.get("/admin/audit").get_data(as_text=True)


def test_an_old_xls_file_is_refused_with_the_advice_to_save_it_as_xlsx(app, admin):
    old_excel = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    page = upload(admin, "units", old_excel, "don-vi.xls").get_data(as_text=True)
    assert "Tệp .xls (Excel 97–2003) không được hỗ trợ" in page
    assert "lưu thành .xlsx" in page
    assert factories.count(Unit) == 0


@pytest.mark.parametrize(("data", "message"), [
    (b"", "Tệp rỗng."),
    (xlsx([]), "Tệp không có dữ liệu."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "Tệp không phải bảng tính Excel (.xlsx) hoặc CSV."),
], ids=["empty-file", "empty-sheet", "png-image"])
def test_a_file_without_rows_or_that_is_no_spreadsheet_gets_a_clear_message(app, admin, data, message):
    response = upload(admin, "units", data, "tep.xlsx")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert factories.count(Unit) == 0


def test_a_zip_that_is_not_a_workbook_is_refused(app, admin):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    page = upload(admin, "units", buffer.getvalue(), "bao-cao.xlsx").get_data(as_text=True)
    assert "Tệp không phải bảng tính Excel (.xlsx)." in page


def test_units_that_would_be_each_others_parent_are_refused(app, admin):
    rows = [UNIT_HEADER, ("A", "Phòng A", "Cơ quan", "B"), ("B", "Phòng B", "Cơ quan", "A")]
    page = upload(admin, "units", xlsx(rows), "vong.xlsx").get_data(as_text=True)
    assert error_line(2, "quan hệ cấp trên tạo thành vòng lặp") in page
    assert error_line(3, "quan hệ cấp trên tạo thành vòng lặp") in page
    assert factories.count(Unit) == 0


def test_a_cycle_through_units_already_in_the_database_is_refused(app, admin):
    district = factories.unit("DAKRONG", kind="district")
    factories.unit("NV", kind="agency", parent=district)
    page = upload(admin, "units", xlsx([UNIT_HEADER, ("DAKRONG", "UBND huyện", "Huyện", "NV")]),
                  "vong.xlsx").get_data(as_text=True)
    assert error_line(2, "quan hệ cấp trên tạo thành vòng lặp") in page
    assert parent_code("DAKRONG") is None


def test_a_non_numeric_display_order_is_reported_not_a_server_error(app, admin):
    rows = [(*UNIT_HEADER, "Thứ tự"), ("DAKRONG", "UBND huyện Đakrông", "Huyện", "", "một")]
    response = upload(admin, "units", xlsx(rows), "thu-tu.xlsx")
    assert response.status_code == 200
    assert error_line(2, "thứ tự phải là số") in response.get_data(as_text=True)
    assert factories.count(Unit) == 0


def test_cli_imports_units_from_a_sheet(app, tmp_path):
    result = run_cli(app, tmp_path, "import-units", "don-vi.xlsx", xlsx(GOOD_UNITS))
    assert result.exit_code == 0, result.output
    assert "Imported: 5 created, 0 updated." in result.output
    assert parent_code("19561") == "DAKRONG"


def test_cli_refuses_a_bad_units_sheet_line_by_line(app, tmp_path):
    rows = [UNIT_HEADER, ("19558", "Xã Mò Ó", "Xã", ""), ("19561", "", "Xã", "")]
    result = run_cli(app, tmp_path, "import-units", "loi.xlsx", xlsx(rows))
    assert result.exit_code != 0
    assert "line 3: thiếu tên đơn vị" in result.output
    assert "nothing imported" in result.output
    assert factories.count(Unit) == 0


def test_cli_refuses_an_old_xls_file(app, tmp_path):
    result = run_cli(app, tmp_path, "import-units", "don-vi.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 60)
    assert result.exit_code != 0
    assert "lưu thành .xlsx" in result.output


# Accounts ---------------------------------------------------------------------------------------


@pytest.fixture
def units(app):
    district = factories.unit("DAKRONG", "UBND huyện Đakrông", kind="district")
    factories.unit("19570", "Xã Ba Lòng", parent=district)
    factories.unit("NV", "Phòng Nội vụ", kind="agency", parent=district)


GOOD_USERS = [
    USER_HEADER,
    ("bc-19570", "Hồ Văn Báo", "Cán bộ báo cáo của đơn vị", "19570", "Công chức phụ trách NTM"),
    ("tv-lan", "Trần Thị Lan", "thành viên", "NV", "Trưởng phòng"),
    ("dp-minh", "Lê Văn Minh", "coordinator, member", "", ""),
]


def test_accounts_sheet_creates_users_with_roles_by_key_or_label_and_units_by_code(app, admin, units):
    before = factories.count(User)
    response = upload(admin, "users", xlsx(GOOD_USERS), "tai-khoan.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Mật khẩu tạm của các tài khoản mới" in page

    assert factories.count(User) == before + 3
    reporter, member, coordinator = account("bc-19570"), account("tv-lan"), account("dp-minh")
    assert {r.value for r in reporter.roles} == {"reporter"} and reporter.unit.code == "19570"
    assert {r.value for r in member.roles} == {"member"} and member.unit.code == "NV"
    assert {r.value for r in coordinator.roles} == {"coordinator", "member"} and coordinator.unit is None
    assert reporter.position == "Công chức phụ trách NTM"
    assert all(u.must_change_password for u in (reporter, member, coordinator))
    assert "<code>users_imported</code>" in admin.get("/admin/audit").get_data(as_text=True)


def test_each_new_account_gets_a_temporary_password_shown_exactly_once(app, admin, units):
    page = upload(admin, "users", xlsx(GOOD_USERS), "tai-khoan.xlsx").get_data(as_text=True)
    passwords = shown_passwords(page)
    assert set(passwords) == {"bc-19570", "tv-lan", "dp-minh"}
    assert len(set(passwords.values())) == 3
    for password in passwords.values():
        assert page.count(password) == 1

    elsewhere = "".join(admin.get(url).get_data(as_text=True)
                        for url in ("/admin/users/import", "/admin/users", "/admin/audit"))
    assert not any(password in elsewhere for password in passwords.values())


def test_an_imported_account_must_change_its_password_at_first_login(app, admin, units):
    page = upload(admin, "users", xlsx(GOOD_USERS), "tai-khoan.xlsx").get_data(as_text=True)
    password = shown_passwords(page)["bc-19570"]

    reporter = app.test_client()
    assert login(reporter, "bc-19570", password).status_code == 302
    landing = reporter.get("/", follow_redirects=True)
    assert landing.request.path == "/password"
    assert "Vui lòng đặt mật khẩu mới" in landing.get_data(as_text=True)


def test_reporter_without_unit_and_unknown_role_are_refused_line_by_line(app, admin, units):
    before = factories.count(User)
    rows = [USER_HEADER,
            ("tv-lan", "Trần Thị Lan", "member", "NV", ""),          # line 2: good
            ("bc-moi", "Nguyễn Văn Mới", "reporter", "", ""),         # line 3: reporter without unit
            ("gd-an", "Phạm Văn An", "giám đốc", "NV", ""),           # line 4: unknown role
            ("bc-xa", "Hồ Thị Xa", "reporter", "99999", "")]          # line 5: unknown unit
    response = upload(admin, "users", xlsx(rows), "loi.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Chưa nhập gì: tệp có 3 dòng lỗi" in page and NOTHING_SAVED in page
    assert error_line(3, "cán bộ báo cáo phải có mã đơn vị") in page
    assert error_line(4, "vai trò “giám đốc” không rõ") in page
    assert error_line(5, "không tìm thấy đơn vị “99999”") in page
    assert "Mật khẩu tạm" not in page
    assert factories.count(User) == before
    assert account("tv-lan") is None


def test_reimporting_accounts_updates_them_without_new_passwords(app, admin, units):
    upload(admin, "users", xlsx(GOOD_USERS), "tai-khoan.xlsx")
    before = factories.count(User)
    rows = [USER_HEADER, ("tv-lan", "Trần Thị Lan", "member, secretary", "NV", "Phó trưởng phòng")]
    response = upload(admin, "users", xlsx(rows), "cap-nhat.xlsx")
    assert response.status_code == 302
    assert "Đã nhập xong: 0 mới, 1 cập nhật." in admin.get("/admin/users").get_data(as_text=True)
    assert factories.count(User) == before
    assert {r.value for r in account("tv-lan").roles} == {"member", "secretary"}


def test_cli_imports_accounts_and_prints_their_temporary_passwords(app, tmp_path, units):
    result = run_cli(app, tmp_path, "import-users", "tai-khoan.xlsx", xlsx(GOOD_USERS))
    assert result.exit_code == 0, result.output
    assert "Imported: 3 created, 0 updated." in result.output
    printed = dict(re.findall(r"^(\S+)\t[^\t]+\t(\S+)$", result.output, flags=re.MULTILINE))
    assert set(printed) == {"bc-19570", "tv-lan", "dp-minh"}
    assert account("tv-lan").check_password(printed["tv-lan"])


def test_cli_prints_each_bad_account_line_and_exits_non_zero_with_nothing_imported(app, tmp_path, units):
    before = factories.count(User)
    rows = [USER_HEADER,
            ("tv-lan", "Trần Thị Lan", "member", "NV", ""),
            ("bc-moi", "Nguyễn Văn Mới", "reporter", "", ""),
            ("gd-an", "Phạm Văn An", "giám đốc", "NV", "")]
    result = run_cli(app, tmp_path, "import-users", "loi.csv", csv_bytes(rows))
    assert result.exit_code != 0
    assert "line 3: cán bộ báo cáo phải có mã đơn vị" in result.output
    assert "line 4: vai trò “giám đốc” không rõ" in result.output
    assert "2 row(s) with errors: nothing imported." in result.output
    assert factories.count(User) == before


# Who may import -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["units", "users"])
def test_a_coordinator_can_neither_open_nor_post_the_import_pages(demo, as_user, kind):
    coordinator = as_user("nnptnt")
    assert coordinator.get(f"/admin/{kind}/import").status_code == 403

    units_before, users_before = factories.count(Unit), factories.count(User)
    data = xlsx([UNIT_HEADER, ("X1", "Xã Lạ", "Xã", "")] if kind == "units"
                else [USER_HEADER, ("la", "Người Lạ", "admin", "", "")])
    assert upload(coordinator, kind, data, "lau.xlsx").status_code == 403
    assert (factories.count(Unit), factories.count(User)) == (units_before, users_before)
    assert unit("X1") is None and account("la") is None
