"""The demo's ground floor: plan 76/KH-UBND of Đakrông district (2015), its units, criteria and accounts.

`build_world()` is idempotent: what exists (matched by code, number or username) is left as it is, what
is missing is added. The demo accounts share one published password and are exempt from the forced
password change, so a real installation must never load them.
"""

from __future__ import annotations

from datetime import date

from ..auth.models import User, hash_password
from ..auth.roles import Role
from ..campaigns import services as campaigns
from ..campaigns.models import Campaign, Milestone
from ..extensions import db
from ..org import services as org
from ..org.models import Unit, UnitKind

DEMO_PASSWORD = "dakrong2015"  # noqa: S105  published in the README on purpose

DISTRICT = ("DAKRONG", "UBND huyện Đakrông")

# DOMAIN.md §4: the town and communes with their official statistics codes (19555..19594 step 3).
COMMUNES = [
    ("19555", "Thị trấn Krông Klang", UnitKind.TOWN),
    ("19558", "Xã Mò Ó", UnitKind.COMMUNE),
    ("19561", "Xã Hướng Hiệp", UnitKind.COMMUNE),
    ("19564", "Xã Đakrông", UnitKind.COMMUNE),
    ("19567", "Xã Triệu Nguyên", UnitKind.COMMUNE),
    ("19570", "Xã Ba Lòng", UnitKind.COMMUNE),
    ("19573", "Xã Hải Phúc", UnitKind.COMMUNE),
    ("19576", "Xã Ba Nang", UnitKind.COMMUNE),
    ("19579", "Xã Tà Long", UnitKind.COMMUNE),
    ("19582", "Xã Húc Nghì", UnitKind.COMMUNE),
    ("19585", "Xã A Vao", UnitKind.COMMUNE),
    ("19588", "Xã Tà Rụt", UnitKind.COMMUNE),
    ("19591", "Xã A Bung", UnitKind.COMMUNE),
    ("19594", "Xã A Ngo", UnitKind.COMMUNE),
]

AGENCIES = [
    ("VP", "Văn phòng HĐND và UBND huyện"),
    ("NV", "Phòng Nội vụ"),
    ("TP", "Phòng Tư pháp"),
    ("TCKH", "Phòng Tài chính – Kế hoạch"),
    ("TNMT", "Phòng Tài nguyên và Môi trường"),
    ("LDTBXH", "Phòng Lao động – Thương binh và Xã hội"),
    ("VHTT", "Phòng Văn hóa và Thông tin"),
    ("GDDT", "Phòng Giáo dục và Đào tạo"),
    ("YT", "Phòng Y tế"),
    ("TTR", "Thanh tra huyện"),
    ("NNPTNT", "Phòng Nông nghiệp và PTNT"),
    ("KTHT", "Phòng Kinh tế và Hạ tầng"),
    ("DT", "Phòng Dân tộc"),
    ("MTTQ", "Ủy ban MTTQ Việt Nam huyện"),
    ("HDOAN", "Huyện đoàn"),
    ("HLHPN", "Hội Liên hiệp Phụ nữ huyện"),
    ("HND", "Hội Nông dân huyện"),
    ("HCCB", "Hội Cựu chiến binh huyện"),
    ("LDLD", "Liên đoàn Lao động huyện"),
]

# Decision 491/QĐ-TTg (2009), amended by 342/QĐ-TTg (2013) for nos. 7, 10, 12, 14, 15.
CRITERIA_SET = "491/2009"
CRITERIA_GROUPS = {
    "I": "Quy hoạch",
    "II": "Hạ tầng kinh tế – xã hội",
    "III": "Kinh tế và tổ chức sản xuất",
    "IV": "Văn hóa – xã hội – môi trường",
    "V": "Hệ thống chính trị",
}
CRITERIA = [
    (1, "I", "Quy hoạch và thực hiện quy hoạch"),
    (2, "II", "Giao thông"), (3, "II", "Thủy lợi"), (4, "II", "Điện"), (5, "II", "Trường học"),
    (6, "II", "Cơ sở vật chất văn hóa"), (7, "II", "Chợ nông thôn"), (8, "II", "Bưu điện"),
    (9, "II", "Nhà ở dân cư"),
    (10, "III", "Thu nhập"), (11, "III", "Hộ nghèo"), (12, "III", "Cơ cấu lao động"),
    (13, "III", "Hình thức tổ chức sản xuất"),
    (14, "IV", "Giáo dục"), (15, "IV", "Y tế"), (16, "IV", "Văn hóa"), (17, "IV", "Môi trường"),
    (18, "V", "Hệ thống tổ chức chính trị – xã hội vững mạnh"),
    (19, "V", "An ninh, trật tự xã hội được giữ vững"),
]

CAMPAIGN = {
    "doc_number": "76/KH-UBND",
    "title": "Tổng kết phong trào thi đua “Chung sức xây dựng nông thôn mới” huyện Đakrông giai đoạn 2011–2015",
    "doc_date": date(2015, 5, 19),
    "issuer": "Ủy ban nhân dân huyện Đakrông",
    "signer": "Phạm Văn Hùng",
    "legal_bases": "\n".join([
        "Hướng dẫn số 260/HD-BTĐKT ngày 27/02/2015 của Ban Thi đua – Khen thưởng Trung ương về tổng kết "
        "phong trào thi đua “Cả nước chung sức xây dựng nông thôn mới” giai đoạn 2011–2015",
        "Kế hoạch số 1405/KH-UBND ngày 22/4/2015 của UBND tỉnh Quảng Trị về tổng kết phong trào thi đua "
        "“Quảng Trị chung sức xây dựng nông thôn mới” giai đoạn 2011–2015",
        "Hướng dẫn số 471/HD-BTĐKT ngày 03/4/2014 của Ban Thi đua – Khen thưởng Trung ương về khen thưởng "
        "trong phong trào thi đua “Cả nước chung sức xây dựng nông thôn mới”",
    ]),
    "period_start": 2011,
    "period_end": 2015,
    "criteria_set": CRITERIA_SET,
    "active": True,
}

# DOMAIN.md §2.
MILESTONES = [
    ("report", "Gửi báo cáo tổng kết về Phòng Nông nghiệp và PTNT", "agency", date(2015, 6, 20)),
    ("meeting", "Tổ chức hội nghị tổng kết của cơ quan, đơn vị", "agency", date(2015, 6, 25)),
    ("report", "Gửi báo cáo tổng kết về Phòng Nông nghiệp và PTNT", "commune,town", date(2015, 6, 25)),
    ("meeting", "Tổ chức hội nghị tổng kết cấp xã", "commune,town", date(2015, 6, 30)),
    ("district_report", "Hoàn thành báo cáo tổng kết phong trào của huyện", "district", date(2015, 7, 10)),
    ("conference", "Hội nghị tổng kết cấp huyện và khen thưởng", "district", date(2015, 7, 31)),
]

# username, full name, position, roles, unit code
DEMO_STAFF = [
    ("admin", "Lê Thị Quản Trị", "Chuyên viên Văn phòng HĐND và UBND", [Role.ADMIN], "VP"),
    ("nnptnt", "Hồ Văn Điều Phối", "Chuyên viên Phòng Nông nghiệp và PTNT", [Role.COORDINATOR], "NNPTNT"),
    ("tckh", "Nguyễn Thị Tài Chính", "Chuyên viên Phòng Tài chính – Kế hoạch", [Role.FINANCE], "TCKH"),
    ("noivu", "Trần Văn Thư Ký", "Trưởng phòng Nội vụ", [Role.SECRETARY, Role.MEMBER], "NV"),
    ("chutich", "Phạm Văn Hùng", "Chủ tịch UBND huyện", [Role.CHAIR, Role.MEMBER], "DAKRONG"),
    ("thanhvien1", "Hồ Thị Hoa", "Phó Chủ tịch UBND huyện", [Role.MEMBER], "DAKRONG"),
    ("thanhvien2", "Lê Văn Minh", "Chủ tịch Ủy ban MTTQ huyện", [Role.MEMBER], "MTTQ"),
    ("thanhvien3", "Nguyễn Văn Sơn", "Trưởng phòng Nông nghiệp và PTNT", [Role.MEMBER], "NNPTNT"),
    ("thanhvien4", "Trần Thị Lan", "Chủ tịch Hội Liên hiệp Phụ nữ huyện", [Role.MEMBER], "HLHPN"),
    ("thanhvien5", "Hồ Văn Tâm", "Chủ tịch Hội Nông dân huyện", [Role.MEMBER], "HND"),
    ("thanhvien6", "Phan Văn Đức", "Bí thư Huyện đoàn", [Role.MEMBER], "HDOAN"),
    ("thanhvien7", "Võ Thị Hương", "Trưởng phòng Tài chính – Kế hoạch", [Role.MEMBER], "TCKH"),
    ("thanhvien8", "Lê Quang Vinh", "Chủ tịch Liên đoàn Lao động huyện", [Role.MEMBER], "LDLD"),
    ("thanhvien9", "Hoàng Văn Nam", "Chánh Văn phòng HĐND và UBND huyện", [Role.MEMBER], "VP"),
]


def reporter_username(code: str) -> str:
    return f"bc-{code.lower()}"


def build_world() -> dict[str, int]:
    """Add what is missing of the units, criteria, campaign and accounts; returns how many of each were added.

    Everything goes through the services an administrator's clicks call (each audited); what exists,
    matched by code, number or username, is left as it is, even when an administrator changed it.
    """
    added = {"units": 0, "criteria": 0, "campaigns": 0, "milestones": 0, "users": 0}
    units = {u.code: u for u in db.session.execute(db.select(Unit)).scalars()}

    def unit(code, name, kind, parent, order):
        if code not in units:
            units[code] = org.save_unit(Unit(), {"code": code, "name": name, "kind": kind.value, "parent": parent,
                                                 "sort_order": order, "active": True})
            added["units"] += 1
        return units[code]

    district = unit(*DISTRICT, UnitKind.DISTRICT, None, 0)
    for order, (code, name) in enumerate(AGENCIES, start=1):
        unit(code, name, UnitKind.AGENCY, district, order)
    for order, (code, name, kind) in enumerate(COMMUNES, start=1):
        unit(code, name, kind, district, order)

    added["criteria"] = campaigns.add_criteria(CRITERIA_SET, [(number, group, CRITERIA_GROUPS[group], name)
                                                              for number, group, name in CRITERIA])

    campaign = db.session.execute(db.select(Campaign).filter_by(doc_number=CAMPAIGN["doc_number"])) \
        .scalar_one_or_none()
    if campaign is None:
        campaign = campaigns.save_campaign(Campaign(), CAMPAIGN)
        added["campaigns"] += 1
        for kind, title, kinds, due in MILESTONES:
            campaigns.save_milestone(Milestone(campaign_id=campaign.id),
                                     {"kind": kind, "title": title, "unit_kinds": kinds, "due_date": due})
            added["milestones"] += 1

    usernames = set(db.session.execute(db.select(User.username)).scalars())
    # One hash for the one published password: scrypt is slow on purpose, 47 times would be felt.
    demo_hash = hash_password(DEMO_PASSWORD)

    def account(username, full_name, position, roles, unit_code):
        if username in usernames:
            return
        org.create_user(username=username, full_name=full_name, position=position, roles=roles,
                        unit=units.get(unit_code), password_hash=demo_hash, must_change_password=False,
                        is_demo=True, commit=False)
        usernames.add(username)
        added["users"] += 1

    for username, full_name, position, roles, unit_code in DEMO_STAFF:
        account(username, full_name, position, roles, unit_code)
    for code, name in AGENCIES:
        account(reporter_username(code), f"Cán bộ báo cáo – {name}", "Cán bộ phụ trách báo cáo", [Role.REPORTER],
                code)
    for code, name, _kind in COMMUNES:
        account(reporter_username(code), f"Cán bộ báo cáo – {name}", "Công chức phụ trách NTM", [Role.REPORTER],
                code)
    db.session.commit()
    return added


def the_campaign() -> Campaign:
    return db.session.execute(db.select(Campaign).filter_by(doc_number=CAMPAIGN["doc_number"])).scalar_one()


def people() -> dict[str, User]:
    """The accounts by username."""
    return {u.username: u for u in db.session.execute(db.select(User)).scalars()}


def units_by_code() -> dict[str, Unit]:
    return {u.code: u for u in db.session.execute(db.select(Unit)).scalars()}
