"""The demo's nominations and board: catalogue, criteria, eleven members, a prepared session.

A newcomer logs in as `noivu` (the secretary), records attendance, opens the session, and the
members (`chutich`, `thanhvien1`…`thanhvien9`, `noivu`) vote at once. Award coefficients are those
of Decree 91/2017 (the 2015 ones could not be confirmed: DOMAIN.md §7), kept as editable data.

Everything goes through the services the admin's, the reporters' and the secretary's clicks call, on
the days they would click: the board set up on 15/06, nominations drafted on 24/06, sent on 25/06,
screened on 26/06, the session of 08/07 prepared on 27/06 (not opened).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_login import current_user

from ..nominations import services
from ..nominations.models import AwardForm, Nomination, ScoringCriterion
from ..voting import services as voting
from .steps import docx_upload, on_day
from .world import people, reporter_username, the_campaign, units_by_code

FORMS = [
    # code, name, level, kinds, threshold %, strict, quota, coefficient, household minimum, basis
    ("GK_HUYEN", "Giấy khen của Chủ tịch UBND huyện", "Huyện", "collective,individual,household", 50, True, None,
     "0.3", None, "Luật Thi đua, Khen thưởng; Nghị định 91/2017/NĐ-CP, Điều 72 (hệ số 0,3)"),
    ("BK_TINH", "Bằng khen của Chủ tịch UBND tỉnh (đề nghị)", "Tỉnh", "collective,individual,household", 50, True, 5,
     "1.0", 100_000_000, "Nghị định 91/2017/NĐ-CP, Điều 71 (hệ số 1,0); Hướng dẫn 471/HD-BTĐKT"),
    ("CO_TINH", "Cờ thi đua của UBND tỉnh (đề nghị)", "Tỉnh", "collective", 90, False, 1, "1.5", None,
     "Quy chế Hội đồng TĐKT huyện: danh hiệu thi đua cần ≥ 90 % (Nghị định 91/2017, Điều 45)"),
    ("BK_TTG", "Bằng khen của Thủ tướng Chính phủ (đề nghị)", "Trung ương", "collective,individual,household", 50,
     True, 1, "3.5", 500_000_000, "QĐ 1620/QĐ-TTg; HD 2378/HD-BTĐKT; Nghị định 65/2014/NĐ-CP (hộ ≥ 500 triệu)"),
]
CRITERIA = [
    ("Mức độ đóng góp cho phong trào", "Công, của, đất, tiền đóng góp so với điều kiện thực tế", 10, 3),
    ("Tính tiêu biểu, lan tỏa", "Được cộng đồng ghi nhận, có sức lan tỏa", 10, 2),
    ("Người trực tiếp lao động, sản xuất", "Ưu tiên theo Nghị định 65/2014/NĐ-CP", 10, 1),
]
MEMBERS = ["chutich", "noivu", "thanhvien1", "thanhvien2", "thanhvien3", "thanhvien4", "thanhvien5", "thanhvien6",
           "thanhvien7", "thanhvien8", "thanhvien9"]
# unit code, kind, name, position, address, summary, money, labour days, land, trees, form, status, candidate user
NOMINATIONS = [
    ("NNPTNT", "collective", "UBND xã Triệu Nguyên", "", "Xã Triệu Nguyên, huyện Đakrông",
     "Xã đầu tiên của huyện đạt 10/19 tiêu chí nông thôn mới", 0, 0, 0, 0, "BK_TINH", "eligible", None),
    ("19567", "collective", "Thôn Ba Lòng", "", "Xã Triệu Nguyên",
     "Nhân dân góp 1.200 ngày công, hiến 4.500 m² đất làm đường thôn", 0, 1200, 4500, 0, "GK_HUYEN", "eligible", None),
    ("19555", "collective", "Khóm 2, thị trấn Krông Klang", "", "Thị trấn Krông Klang",
     "Hoàn thành sớm bê tông hóa đường khóm, giữ vững an ninh trật tự", 0, 800, 1200, 150, "GK_HUYEN", "eligible",
     None),
    ("HLHPN", "collective", "Chi hội Phụ nữ thôn A Sóc", "", "Xã Hướng Hiệp",
     "Vận động 100 % hội viên tham gia vệ sinh môi trường, trồng 2.000 cây xanh", 0, 300, 0, 2000, "CO_TINH",
     "eligible", None),
    ("NNPTNT", "individual", "Nguyễn Văn Sơn", "Trưởng phòng Nông nghiệp và PTNT", "Phòng Nông nghiệp và PTNT",
     "Tham mưu hiệu quả Chương trình MTQG xây dựng nông thôn mới giai đoạn 2011–2015", 0, 0, 0, 0, "BK_TINH",
     "eligible", "thanhvien3"),
    ("19567", "individual", "Hồ Văn Lâm", "Trưởng thôn", "Thôn Ba Lòng, xã Triệu Nguyên",
     "Vận động nhân dân hiến 3.000 m² đất, trực tiếp góp 60 ngày công", 5_000_000, 60, 300, 0, "GK_HUYEN",
     "eligible", None),
    ("19588", "individual", "Pả Hồ Thị Xuân", "Chi hội trưởng phụ nữ", "Thôn Tà Rụt 1, xã Tà Rụt",
     "Xây dựng mô hình nuôi bò nhốt chuồng, giúp 12 hộ thoát nghèo", 0, 90, 0, 0, "GK_HUYEN", "eligible", None),
    ("19564", "individual", "Lê Văn Dũng", "Công chức Địa chính – Xây dựng", "UBND xã Đakrông",
     "Hoàn thành quy hoạch chung xã nông thôn mới đúng hạn", 0, 0, 0, 0, "GK_HUYEN", "eligible", None),
    ("19567", "household", "Hộ ông Lê Văn Bình", "", "Thôn An Hưng, xã Triệu Nguyên",
     "Hiến 350 m² đất, 120 ngày công làm đường liên thôn", 35_000_000, 120, 350, 20, "GK_HUYEN", "eligible", None),
    ("19555", "household", "Hộ bà Hồ Thị Na", "", "Khóm 3, thị trấn Krông Klang",
     "Hiến 210 m² đất, dỡ tường rào 30 m mở rộng đường", 28_000_000, 45, 210, 0, "GK_HUYEN", "eligible", None),
    ("19570", "household", "Hộ ông Nguyễn Văn Tư", "", "Thôn Ba Lòng, xã Ba Lòng",
     "Đóng góp 80 triệu đồng và 200 ngày công xây nhà văn hóa thôn", 80_000_000, 200, 0, 0, "BK_TINH", "submitted",
     None),
    ("19558", "individual", "Hồ Văn Ka", "Bí thư chi bộ thôn", "Thôn Mò Ó, xã Mò Ó",
     "Vận động đồng bào Vân Kiều định canh, làm đường nội đồng", 0, 150, 500, 0, "GK_HUYEN", "submitted", None),
    ("19573", "household", "Hộ ông Trần Văn Hòa", "", "Thôn Khe Lấp, xã Hải Phúc",
     "Hiến 150 m² đất vườn", 0, 20, 150, 0, "BK_TTG", "returned", None),
    ("19567", "individual", "Lê Thị Hồng", "Hội viên Hội Nông dân", "Thôn An Hưng, xã Triệu Nguyên",
     "", 0, 30, 0, 0, "GK_HUYEN", "draft", None),
]


CONFIG_DAY = date(2015, 6, 15)  # the secretary sets the board up
NOMINATED_ON = date(2015, 6, 24)  # the units draw up their nominations and attach the papers
SUBMITTED_ON = date(2015, 6, 25)  # ... and send them with their reports
SCREENED_ON = date(2015, 6, 26)  # Phòng Nội vụ screens them
PREPARED_ON = date(2015, 6, 27)  # and prepares the board's session of 08/07/2015
RETURN_NOTE = ("Hình thức Bằng khen của Thủ tướng yêu cầu hộ đóng góp từ 500 triệu đồng; đề nghị xem xét hình thức "
               "Giấy khen của Chủ tịch UBND huyện.")


def _configure(campaign, users) -> dict[str, AwardForm]:
    """Base salary, award forms, scoring criteria and the eleven members, as the admin and secretary set them."""
    if services.base_salary_on(date(2015, 7, 8)) is None:
        services.add_base_salary(date(2013, 7, 1), 1_150_000, "Nghị định 66/2013/NĐ-CP")
    forms = {}
    for order, (code, name, level, kinds, pct, strict, quota, coef, minimum, basis) in enumerate(FORMS):
        forms[code] = services.save_award_form(AwardForm(campaign_id=campaign.id), {
            "code": code, "name": name, "level": level, "recipient_kinds": kinds, "threshold_percent": pct,
            "threshold_strict": strict, "quota": quota, "coefficient": Decimal(coef),
            "min_household_contribution": minimum, "legal_basis": basis, "sort_order": order})
    for order, (name, description, maximum, weight) in enumerate(CRITERIA):
        services.save_criterion(ScoringCriterion(campaign_id=campaign.id, sort_order=order), {
            "name": name, "description": description, "max_points": maximum, "weight": weight})
    members = [users[name].id for name in MEMBERS if name in users]
    roles_in_board = {"chutich": "Chủ tịch Hội đồng", "noivu": "Phó Chủ tịch thường trực"}
    services.set_board(campaign, members, {users[name].id: roles_in_board.get(name, "Ủy viên")
                                           for name in MEMBERS if name in users})
    return forms


def _nominate(campaign, unit, forms, row, index: int) -> Nomination:
    """A unit's reporter drafts a nomination and attaches its two papers (a draft gets none yet)."""
    kind, name, position, address, summary, money, days, land, trees, form, status, _candidate = row
    nomination = services.save_nomination(Nomination(campaign_id=campaign.id, unit_id=unit.id), {
        "kind": kind, "name": name, "position": position, "address": address, "summary": summary, "money": money,
        "labour_days": days, "land_m2": land, "trees": trees, "proposed_form_id": forms[form].id}, current_user)
    if status != "draft":
        for file_kind, title in (("to_trinh", "Tờ trình đề nghị khen thưởng"), ("thanh_tich", "Báo cáo thành tích")):
            services.add_file(nomination, file_kind, docx_upload(f"{title} – {name}.docx", title,
                                                                 [f"{name} — {summary} ({index})"]), current_user)
    return nomination


def load_demo_board() -> int:
    """Set the board up and live through the nominations once; returns how many were created (0 when already
    there)."""
    campaign = the_campaign()
    if services.award_forms(campaign):
        return 0
    users, units = people(), units_by_code()
    admin, secretary = users.get("admin"), users.get("noivu")
    with on_day(CONFIG_DAY, secretary or admin):
        forms = _configure(campaign, users)
    made = []
    for index, (code, *row) in enumerate(NOMINATIONS):
        with on_day(NOMINATED_ON, users.get(reporter_username(code))):
            made.append((_nominate(campaign, units[code], forms, row, index), row[-2], row[-1]))
    for nomination, status, _candidate in made:
        if status != "draft":
            with on_day(SUBMITTED_ON, nomination_reporter(nomination, users)):
                services.submit(nomination, current_user)
    with on_day(SCREENED_ON, secretary):
        for nomination, status, candidate in made:
            if status in ("eligible", "returned"):
                services.screen(nomination, status, RETURN_NOTE if status == "returned" else "", None, current_user,
                                candidate_user_id=users[candidate].id if candidate else None)
    eligible = sorted((n for n, status, _c in made if status == "eligible"),
                      key=lambda n: (n.form.sort_order, n.kind, n.id))
    with on_day(PREPARED_ON, secretary):
        _prepare_session(campaign, users, [n.id for n in eligible])
    return len(NOMINATIONS)


def nomination_reporter(nomination: Nomination, users):
    return users.get(reporter_username(nomination.unit.code))


def _prepare_session(campaign, users, nomination_ids: list[int]):
    """The one place the demo prepares a board session (the voting room's service decides what that takes)."""
    return voting.create_session(campaign, {
        "title": "Phiên họp Hội đồng Thi đua – Khen thưởng huyện xét khen thưởng phong trào “Chung sức xây dựng "
                 "nông thôn mới” 2011–2015", "held_on": date(2015, 7, 8), "time_text": "14 giờ 00",
        "place": "Hội trường UBND huyện Đakrông", "chair_id": users["chutich"].id if "chutich" in users else None,
        "secretary_id": users["noivu"].id if "noivu" in users else None, "paper": False}, nomination_ids)
