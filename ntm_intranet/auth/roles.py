"""The roles of the district and what each is called on screen."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..text import fold


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    FINANCE = "finance"
    SECRETARY = "secretary"
    MEMBER = "member"
    CHAIR = "chair"
    REPORTER = "reporter"


ROLE_LABELS = {
    Role.ADMIN: _l("Quản trị hệ thống"),
    Role.COORDINATOR: _l("Điều phối (Phòng NN&PTNT)"),
    Role.FINANCE: _l("Tài chính (Phòng TC&KH)"),
    Role.SECRETARY: _l("Thư ký Hội đồng (Phòng Nội vụ)"),
    Role.MEMBER: _l("Thành viên Hội đồng TĐKT"),
    Role.CHAIR: _l("Chủ tịch UBND huyện"),
    Role.REPORTER: _l("Cán bộ báo cáo của đơn vị"),
}

# When a person holds several roles, "/" lands on the home of the first one in this order.
HOME_PRIORITY = [Role.ADMIN, Role.COORDINATOR, Role.SECRETARY, Role.CHAIR, Role.FINANCE,
                 Role.MEMBER, Role.REPORTER]

ALL_ROLES = frozenset(Role)


def parse_role(value: str) -> Role | None:
    """A role from its key ("reporter") or its Vietnamese label, lenient on case and accents."""
    key = fold(value)
    with force_locale("vi"):  # a sheet is written in Vietnamese whatever the reader's language
        labels = {role: fold(str(ROLE_LABELS[role])) for role in Role}
    for role in Role:
        if key in (role.value, labels[role]):
            return role
    aliases = {"dieu phoi": Role.COORDINATOR, "tai chinh": Role.FINANCE, "thu ky": Role.SECRETARY,
               "thanh vien": Role.MEMBER, "chu tich": Role.CHAIR, "bao cao": Role.REPORTER,
               "quan tri": Role.ADMIN}
    return aliases.get(key)
