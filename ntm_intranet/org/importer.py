"""Import units and accounts from the sheet an office already has (Excel .xlsx or CSV).

All or nothing: every row is checked first; one bad row means the file is reported line by line
and nothing of it is written. Column headings are matched leniently (Vietnamese with or without
accents, or English), so "Mã đơn vị", "ma don vi" and "code" all work.

One module of about 400 lines on purpose: reading the file, matching the headings, checking and writing
the rows are one all-or-nothing pass that the units and the accounts share.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from flask_babel import gettext as _

from .. import audit
from ..auth.models import User
from ..auth.roles import parse_role
from ..auth.rules import password_problems
from ..extensions import db
from ..text import clean, fold
from . import services
from .models import Unit, UnitKind

MAX_ROWS = 20_000
MAX_UNZIPPED = 50 * 1024 * 1024


class SheetError(Exception):
    """The file as a whole cannot be read (wrong type, no header, too big)."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    passwords: list[tuple[str, str, str]] = field(default_factory=list)  # username, name, password

    @property
    def ok(self) -> bool:
        return not self.errors


# ---------------------------------------------------------------------------------------------
# Reading a sheet


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value)) or ""


def read_rows(filename: str, data: bytes) -> list[tuple[int, list[str]]]:
    """(line number, cells) for every non-empty row of the first sheet of an .xlsx or a .csv."""
    if not data:
        raise SheetError(_("Tệp rỗng."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SheetError(_("Tệp .xls (Excel 97–2003) không được hỗ trợ: hãy mở bằng Excel và lưu thành .xlsx "
                           "hoặc .csv rồi nhập lại."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if b"\x00" in data[:4096]:
        raise SheetError(_("Tệp không phải bảng tính Excel (.xlsx) hoặc CSV."))
    return _read_csv(data)


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise SheetError(_("Tệp Excel giải nén quá lớn."))
            if "xl/workbook.xml" not in archive.namelist():
                raise SheetError(_("Tệp không phải bảng tính Excel (.xlsx)."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except SheetError:
        raise
    except Exception as exc:  # noqa: BLE001  a damaged file of any kind gets one clear message
        raise SheetError(_("Không đọc được tệp Excel (tệp hỏng hoặc không đúng định dạng .xlsx).")) from exc
    sheet = workbook.worksheets[0]
    rows = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS:
            raise SheetError(_("Tệp có quá nhiều dòng (tối đa %(n)d).", n=MAX_ROWS))
        cells = [_cell(v) for v in row]
        if any(cells):
            rows.append((number, cells))
    workbook.close()
    return rows


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1258", errors="replace")  # Excel's "CSV" on a Vietnamese Windows
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    if "\t" in sample and sample.count("\t") > sample.count(delimiter):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    try:
        for cells in reader:
            if reader.line_num > MAX_ROWS:
                raise SheetError(_("Tệp có quá nhiều dòng (tối đa %(n)d).", n=MAX_ROWS))
            cells = [_cell(c) for c in cells]
            if any(cells):
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise SheetError(_("Không đọc được tệp CSV: %(e)s", e=str(exc))) from exc
    return rows


HEADER_SEARCH_ROWS = 10

# How a missing column is named in the message: as an office would write it.
COLUMN_TITLES = {
    "code": "Mã đơn vị", "name": "Tên đơn vị", "kind": "Loại", "username": "Tên đăng nhập",
    "full_name": "Họ và tên", "roles": "Vai trò",
}


def _header_index(header: list[str], columns: dict[str, tuple[str, ...]]) -> dict[str, int]:
    index = {}
    for position, title in enumerate(header):
        key = " ".join(re.sub(r"[^a-z0-9 ]", " ", fold(title)).split())
        for name, aliases in columns.items():
            if key in aliases and name not in index:
                index[name] = position
    return index


def _find_header(rows, columns, required):
    for position, (line, header) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        index = _header_index(header, columns)
        if all(name in index for name in required):
            return position, line, index
    return None


def _records(rows, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]):
    """Find the header row (offices often put a title above it), then yield (line, {name: value})."""
    if not rows:
        raise SheetError(_("Tệp không có dữ liệu."))
    found = _find_header(rows, columns, required)
    if found is None:
        index = _header_index(rows[0][1], columns)
        missing = [name for name in required if name not in index]
        raise SheetError(_("Không tìm thấy dòng tiêu đề có đủ các cột bắt buộc (thiếu: %(cols)s). Dòng tiêu đề "
                           "phải nằm trong %(n)d dòng đầu của tệp.",
                           cols=", ".join(COLUMN_TITLES.get(name, name) for name in missing), n=HEADER_SEARCH_ROWS))
    position, header_line, index = found
    data = rows[position + 1:]
    if not data:
        raise SheetError(_("Tệp chỉ có dòng tiêu đề (dòng %(line)d), không có dòng dữ liệu nào.", line=header_line))
    for line, cells in data:
        yield line, {name: (cells[pos] if pos < len(cells) else "") for name, pos in index.items()}


_TRUE = {"", "co", "x", "1", "true", "yes", "hoat dong", "dang hoat dong", "active"}
_FALSE = {"khong", "0", "false", "no", "ngung", "ngung hoat dong", "inactive"}


def _active(value: str) -> bool | None:
    key = fold(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return None


# ---------------------------------------------------------------------------------------------
# Units

UNIT_COLUMNS = {
    "code": ("ma don vi", "ma", "code", "ma dvhc", "ma so", "unit code"),
    "name": ("ten don vi", "ten", "name", "don vi", "unit name", "unit"),
    "kind": ("loai don vi", "loai", "kind", "cap", "type", "unit type"),
    "parent": ("don vi cap tren", "ma don vi cap tren", "cap tren", "parent", "parent unit", "parent code",
               "parent unit code"),
    "sort_order": ("thu tu", "stt", "order", "sort order", "display order"),
    "active": ("hoat dong", "dang hoat dong", "trang thai", "active", "status"),
}

_KIND_ALIASES = {
    "xa": UnitKind.COMMUNE, "commune": UnitKind.COMMUNE, "ubnd xa": UnitKind.COMMUNE,
    "thi tran": UnitKind.TOWN, "town": UnitKind.TOWN,
    "co quan": UnitKind.AGENCY, "agency": UnitKind.AGENCY, "phong": UnitKind.AGENCY, "ban nganh": UnitKind.AGENCY,
    "doan the": UnitKind.AGENCY, "co quan ban nganh doan the cap huyen": UnitKind.AGENCY,
    "huyen": UnitKind.DISTRICT, "district": UnitKind.DISTRICT, "cap huyen": UnitKind.DISTRICT,
    "cap huyen ubnd huyen": UnitKind.DISTRICT, "ubnd huyen": UnitKind.DISTRICT,
    "tinh": UnitKind.PROVINCE, "province": UnitKind.PROVINCE, "cap tinh": UnitKind.PROVINCE,
}
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,20}$")


def _kind(value: str) -> UnitKind | None:
    key = " ".join(re.sub(r"[^a-z0-9 ]", " ", fold(value)).split())
    return _KIND_ALIASES.get(key)


def import_units(filename: str, data: bytes) -> ImportResult:
    result = ImportResult()
    rows = read_rows(filename, data)
    existing = {u.code: u for u in db.session.execute(db.select(Unit)).scalars()}
    parsed = []
    seen: dict[str, int] = {}
    for line, rec in _records(rows, UNIT_COLUMNS, ("code", "name", "kind")):
        errors = []
        code, name = rec.get("code", ""), rec.get("name", "")
        if not code:
            errors.append(_("thiếu mã đơn vị"))
        elif not _CODE.match(code):
            errors.append(_("mã “%(c)s” không hợp lệ (chỉ chữ không dấu, số, . _ -; tối đa 20 ký tự)", c=code))
        elif code in seen:
            errors.append(_("mã “%(c)s” trùng với dòng %(l)d", c=code, l=seen[code]))
        if not name:
            errors.append(_("thiếu tên đơn vị"))
        elif len(name) > 160:
            errors.append(_("tên đơn vị dài quá 160 ký tự"))
        kind = _kind(rec.get("kind", ""))
        if kind is None:
            errors.append(_("loại đơn vị “%(k)s” không rõ (xã, thị trấn, cơ quan, huyện, tỉnh)", k=rec.get("kind", "")))
        active = _active(rec.get("active", ""))
        if active is None:
            errors.append(_("cột hoạt động phải là “có” hoặc “không”"))
        sort_text = rec.get("sort_order", "")
        sort_ok = sort_text.isdecimal() and int(sort_text) <= 1_000_000
        if sort_text and not sort_ok:
            errors.append(_("thứ tự phải là số từ 0 đến 1.000.000"))
        if code and code not in seen:
            seen[code] = line
        if errors:
            result.errors.append((line, "; ".join(errors)))
        parsed.append((line, code, name, kind, rec.get("parent", ""), active, int(sort_text) if sort_ok else 0))

    all_codes = set(existing) | set(seen)
    for line, code, _name, _k, parent, *_rest in parsed:
        if parent and parent not in all_codes:
            result.errors.append((line, _("đơn vị cấp trên “%(p)s” không có trong hệ thống hay trong tệp", p=parent)))
        elif parent and parent == code:
            result.errors.append((line, _("đơn vị không thể là cấp trên của chính nó")))
    if not result.errors:
        result.errors.extend(_cycles(parsed, existing))
    result.errors.sort()
    if result.errors:
        return result

    try:
        units = dict(existing)
        for _line, code, name, kind, _parent, active, sort_order in parsed:
            unit = units.get(code)
            before = unit.as_dict() if unit else None
            if unit is None:
                unit = Unit(code=code)
                db.session.add(unit)
                units[code] = unit
                result.created += 1
            else:
                result.updated += 1
            unit.name, unit.kind, unit.active, unit.sort_order = name, kind.value, active, sort_order
            unit._import_before = before
        db.session.flush()
        for _line, code, *_mid, parent, _a, _sort in parsed:
            units[code].parent = units[parent] if parent else None
        db.session.flush()
        for _line, code, *_rest in parsed:
            unit = units[code]
            audit.record("unit_updated" if unit._import_before else "unit_created", unit,
                         before=unit._import_before, after=unit.as_dict(), summary=f"{code} (import)")
        audit.record("units_imported", object_type="import", summary=f"{filename}: "
                     f"{result.created} created, {result.updated} updated")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def _cycles(parsed, existing) -> list[tuple[int, str]]:
    parent_of = {code: (u.parent.code if u.parent else None) for code, u in existing.items()}
    line_of = {}
    for line, code, _n, _k, parent, *_r in parsed:
        parent_of[code] = parent or None
        line_of[code] = line
    errors = []
    for code, line in line_of.items():
        seen, current = {code}, parent_of.get(code)
        while current:
            if current in seen:
                errors.append((line, _("quan hệ cấp trên tạo thành vòng lặp")))
                break
            seen.add(current)
            current = parent_of.get(current)
    return errors


# ---------------------------------------------------------------------------------------------
# Accounts

USER_COLUMNS = {
    "username": ("ten dang nhap", "username", "tai khoan", "login", "user name"),
    "full_name": ("ho va ten", "ho ten", "full name", "name", "ten"),
    "email": ("thu dien tu", "email", "e mail"),
    "position": ("chuc vu", "position"),
    "roles": ("vai tro", "roles", "role", "quyen"),
    "unit": ("ma don vi", "don vi", "unit", "unit code", "units"),
    "active": ("hoat dong", "dang hoat dong", "trang thai", "active", "status"),
    "password": ("mat khau", "password", "mat khau tam", "temporary password"),
}
_USERNAME = re.compile(r"^[a-z0-9_.-]{1,80}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def import_users(filename: str, data: bytes) -> ImportResult:
    result = ImportResult()
    rows = read_rows(filename, data)
    units = list(db.session.execute(db.select(Unit)).scalars())
    by_code = {u.code.lower(): u for u in units}
    by_name: dict[str, list[Unit]] = {}
    for u in units:
        by_name.setdefault(fold(u.name), []).append(u)
    existing = {u.username: u for u in db.session.execute(db.select(User)).scalars()}
    parsed, seen = [], {}
    for line, rec in _records(rows, USER_COLUMNS, ("username", "full_name", "roles")):
        errors = []
        username = rec.get("username", "").lower()
        if not _USERNAME.match(username):
            errors.append(_("tên đăng nhập “%(u)s” không hợp lệ (chữ thường không dấu, số, . _ -)", u=username))
        elif username in seen:
            errors.append(_("tên đăng nhập “%(u)s” trùng với dòng %(l)d", u=username, l=seen[username]))
        else:
            seen[username] = line
        full_name = rec.get("full_name", "")
        if not full_name:
            errors.append(_("thiếu họ và tên"))
        roles, unknown_roles = [], []
        for part in re.split(r"[,;/+\n]", rec.get("roles", "")):
            if not part.strip():
                continue
            role = parse_role(part)
            if role is None:
                unknown_roles.append(part.strip())
            else:
                roles.append(role)
        errors.extend(_("vai trò “%(r)s” không rõ", r=name) for name in unknown_roles)
        if not roles and not unknown_roles:
            errors.append(_("thiếu vai trò"))
        unit = None
        unit_text = rec.get("unit", "")
        if unit_text:
            unit = by_code.get(unit_text.lower())
            if unit is None:
                matches = by_name.get(fold(unit_text), [])
                unit = matches[0] if len(matches) == 1 else None
            if unit is None:
                errors.append(_("không tìm thấy đơn vị “%(u)s”", u=unit_text))
        elif "reporter" in roles:
            errors.append(_("cán bộ báo cáo phải có mã đơn vị"))
        email = rec.get("email", "")
        if email and not _EMAIL.match(email):
            errors.append(_("thư điện tử “%(e)s” không hợp lệ", e=email))
        active = _active(rec.get("active", ""))
        if active is None:
            errors.append(_("cột hoạt động phải là “có” hoặc “không”"))
        password = rec.get("password", "")
        if password:
            errors.extend(p.rstrip(".").lower() for p in password_problems(password, username))
        if errors:
            result.errors.append((line, "; ".join(errors)))
        parsed.append((username, full_name, email, rec.get("position", ""), roles, unit, active, password))
    if result.errors:
        return result

    try:
        for username, full_name, email, position, roles, unit, active, password in parsed:
            user = existing.get(username)
            if user is None:
                _user, pw = services.create_user(username=username, full_name=full_name, roles=roles, unit=unit,
                                                 email=email, position=position, password=password or None,
                                                 active=active, commit=False)
                result.created += 1
                if not password:
                    result.passwords.append((username, full_name, pw))
            else:
                services.update_user(user, full_name=full_name, roles=roles, unit=unit, email=email,
                                     position=position, active=active, commit=False)
                if password:
                    user.set_password(password)
                    user.must_change_password = True
                    user.rotate_session()
                result.updated += 1
        audit.record("users_imported", object_type="import",
                     summary=f"{filename}: {result.created} created, {result.updated} updated")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result
