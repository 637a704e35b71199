"""The unit's summary report outline, a Word draft the unit completes and signs.

`report_outline_docx`: the unit's summary report (BÁO CÁO) as a DRAFT laid out per DOMAIN.md §8, with
the six content points of section II of plan 76/KH-UBND as its headings, each with an italic line of
what to write; the results section is pre-filled with the unit's figures and, for a commune, the
19-criteria table (met 2010 / met 2015 with the counts). The writer takes a plain dataclass;
`outline_from` builds it from loaded objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from ...documents import docx as word
from ...letterhead import Issuer, km, money
from ...org.models import COMMUNE_KINDS

MET = "✓"

OUTLINE_TYPE = "BÁO CÁO"
# Section II of plan 76/KH-UBND: (heading, what to write).
OUTLINE_SECTIONS = [
    ("Đánh giá công tác lãnh đạo, chỉ đạo, phát động, triển khai Phong trào thi đua của các cấp ủy Đảng, chính "
     "quyền; công tác tuyên truyền nâng cao nhận thức về chủ trương xây dựng nông thôn mới của Đảng và Nhà nước; "
     "công tác sơ kết, tổng kết Phong trào thi đua",
     "Nêu các văn bản chỉ đạo, hình thức phát động, tuyên truyền đã làm và các đợt sơ kết, tổng kết đã tổ chức."),
    ("Đánh giá kết quả những phong trào thi đua thiết thực trong thực hiện 19 tiêu chí về xây dựng nông thôn mới",
     "Nêu các mô hình mới, giải pháp hiệu quả, sáng kiến, đề xuất chính sách và kết quả huy động nguồn lực; "
     "số liệu dưới đây lấy từ hồ sơ của đơn vị, kiểm tra lại trước khi ký."),
    ("Đánh giá tác động cụ thể của Phong trào thi đua trong hoàn thành sớm, có chất lượng nhiệm vụ xây dựng "
     "nông thôn mới",
     "Nêu tác động đối với nhiệm vụ của đơn vị, gắn với việc “Học tập và làm theo tấm gương đạo đức Hồ Chí Minh” "
     "và các phong trào, cuộc vận động đang triển khai."),
    ("Đánh giá mặt được, tồn tại, hạn chế, nguyên nhân và bài học kinh nghiệm của việc thực hiện Phong trào thi đua",
     "Nêu ngắn gọn ưu điểm, tồn tại, hạn chế, nguyên nhân và bài học kinh nghiệm."),
    ("Đề ra các mục tiêu, nội dung, giải pháp và những kiến nghị, đề xuất tiếp tục đẩy mạnh Phong trào thi đua "
     "trong giai đoạn 2016 - 2020",
     "Nêu mục tiêu, giải pháp giai đoạn 2016 - 2020 và kiến nghị, đề xuất với cấp trên."),
    ("Xem xét, lựa chọn, biểu dương, tôn vinh, khen thưởng các tập thể, cá nhân điển hình trong Phong trào thi đua",
     "Liệt kê các tập thể, cá nhân, hộ gia đình điển hình đề nghị khen thưởng, kèm tóm tắt thành tích."),
]
ROMAN = ["I", "II", "III", "IV", "V", "VI"]
RESULTS_SECTION = 1  # the section pre-filled with the figures
FIGURE_HEADERS = ["STT", "Nội dung", "Đơn vị tính", "Số lượng"]
CRITERIA_HEADERS = ["STT", "Tiêu chí", "Đạt năm {start}", "Đạt năm {end}"]
CRITERIA_COUNT = "Số tiêu chí đạt"
RECIPIENTS_LABEL = "Nơi nhận:"

_C, _L, _R, _J = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT,
                  WD_ALIGN_PARAGRAPH.JUSTIFY)
TABLE_FONT = Pt(12)


# ---------------------------------------------------------------------------------------------
# The unit's summary report outline


@dataclass(frozen=True)
class CriterionRow:
    number: int
    name: str
    met_start: bool = False
    met_end: bool = False


@dataclass
class ReportOutline:
    unit_name: str
    commune: bool = False
    unit_code: str = ""
    period_start: int = 2011
    period_end: int = 2015
    issuer: Issuer | None = None   # the unit as the issuing body (letterhead.House.unit / .commune)
    money_state: int = 0
    money_people: int = 0
    money_other: int = 0
    labour_days: int = 0
    land_m2: int = 0
    trees: int = 0
    structures_moved: int = 0
    road_m: int = 0
    criteria: list[CriterionRow] = field(default_factory=list)
    district_committee: str = ""   # "UBND huyện Đakrông", the first recipient of an agency's report
    coordinator: str = ""          # the office the report goes to, in running text: "Phòng … huyện"
    secretary: str = ""            # the board's standing office, which receives the nominations

    @property
    def money_total(self) -> int:
        return self.money_state + self.money_people + self.money_other

    @property
    def number(self) -> str:
        return "Số: …/BC-UBND" if self.commune else "Số: …/BC-…"

    @property
    def date_line(self) -> str:
        return self.issuer.date_line(None)

    @property
    def subject(self) -> str:
        return ("Tổng kết phong trào thi đua “Chung sức xây dựng nông thôn mới” giai đoạn "
                f"{self.period_start}–{self.period_end}")

    @property
    def figure_rows(self) -> list[tuple[str, str, str, bool]]:
        """(label, unit, value, bold): money by source and its total, then the other contributions."""
        return [
            ("Vốn ngân sách nhà nước", "đồng", money(self.money_state), False),
            ("Nhân dân đóng góp", "đồng", money(self.money_people), False),
            ("Nguồn vốn khác: doanh nghiệp, tín dụng, tài trợ", "đồng", money(self.money_other), False),
            ("Tổng vốn huy động", "đồng", money(self.money_total), True),
            ("Ngày công lao động đóng góp", "ngày công", money(self.labour_days), False),
            ("Đất hiến", "m²", money(self.land_m2), False),
            ("Cây trồng hiến", "cây", money(self.trees), False),
            ("Giải phóng mặt bằng: công trình, vật kiến trúc di dời", "công trình", money(self.structures_moved),
             False),
            ("Đường giao thông làm mới, sửa chữa", "km", km(self.road_m), False),
        ]

    @property
    def count_start(self) -> int:
        return sum(1 for c in self.criteria if c.met_start)

    @property
    def count_end(self) -> int:
        return sum(1 for c in self.criteria if c.met_end)

    @property
    def recipients(self) -> list[str]:
        if self.commune:
            return [f"- {self.coordinator};", f"- {self.secretary} (Thường trực HĐTĐKT);", "- Lưu: VT."]
        return [f"- {self.district_committee};", f"- {self.coordinator};", f"- {self.secretary} (Thường trực HĐTĐKT);",
                "- Lưu: VT."]

    @property
    def signature(self) -> tuple[str, str]:
        if self.commune:
            return "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
        return "", "THỦ TRƯỞNG ĐƠN VỊ"


def outline_from(unit, campaign, submission, criteria, house, coordinator: str, secretary: str) -> ReportOutline:
    """The outline from loaded objects, no query: `criteria` are the campaign's criteria (empty for an
    agency), `submission` the unit's dossier or None (then every figure is 0 and no criterion met); `house`
    the campaign's letterhead.House, `coordinator` and `secretary` the names of the offices it goes to."""
    commune = unit.kind in COMMUNE_KINDS
    figures = {}
    results = {}
    if submission is not None:
        figures = {name: getattr(submission, name) or 0 for name in (
            "money_state", "money_people", "money_other", "labour_days", "land_m2", "trees", "structures_moved",
            "road_m")}
        results = {r.criterion_id: (r.met_start, r.met_end) for r in submission.criteria}
    rows = [CriterionRow(c.number, c.name, *results.get(c.id, (False, False))) for c in criteria] if commune else []
    issuer = house.commune(unit.name) if commune else house.unit(unit.name)
    return ReportOutline(unit_name=unit.name, commune=commune, unit_code=unit.code,
                         period_start=campaign.period_start, period_end=campaign.period_end, issuer=issuer,
                         criteria=rows, district_committee=house.committee_name,
                         coordinator=house.in_district(coordinator), secretary=house.in_district(secretary),
                         **figures)


def report_outline_docx(data: ReportOutline) -> bytes:
    doc = word.new_document(draft=True)
    word.header_table(doc, data.issuer.lines, data.number, data.date_line, (Mm(72), Mm(98)), indent=Mm(-5))
    word.add_paragraph(doc, OUTLINE_TYPE, bold=True, size=Pt(14), align=_C, before=Pt(18))
    word.add_paragraph(doc, data.subject, bold=True, align=_C).paragraph_format.space_after = Pt(12)
    for index, (heading, guidance) in enumerate(OUTLINE_SECTIONS):
        word.add_paragraph(doc, f"{ROMAN[index]}. {heading}", bold=True, align=_J, before=Pt(6))
        line = word.add_paragraph(doc, guidance, italic=True, align=_J)
        line.paragraph_format.first_line_indent = Mm(10)
        line.paragraph_format.space_after = Pt(6)
        if index == RESULTS_SECTION:
            _figures(doc, data)
            if data.commune:
                _criteria(doc, data)
    _closing(doc, data)
    return word.to_bytes(doc)


def _figures(doc, data: ReportOutline) -> None:
    word.add_paragraph(doc, "1. Nguồn lực huy động", bold=True, italic=True).paragraph_format.space_after = Pt(6)
    widths = [Mm(12), Mm(93), Mm(25), Mm(35)]
    table = word.new_table(doc, 1, widths)
    word.fill_row(table.rows[0], FIGURE_HEADERS, widths, TABLE_FONT, bold=True)
    word.repeat_as_header(table.rows[0])
    for number, (label, unit, value, bold) in enumerate(data.figure_rows, 1):
        word.fill_row(table.add_row(), [number, label, unit, value], widths, TABLE_FONT, bold=bold,
                      aligns=[_C, _L, _C, _R])


def _criteria(doc, data: ReportOutline) -> None:
    word.add_paragraph(doc, f"2. Kết quả thực hiện {len(data.criteria)} tiêu chí", bold=True, italic=True,
               before=Pt(6)).paragraph_format.space_after = Pt(6)
    widths = [Mm(12), Mm(103), Mm(25), Mm(25)]
    headers = [h.format(start=data.period_start - 1, end=data.period_end) for h in CRITERIA_HEADERS]
    table = word.new_table(doc, 1, widths)
    word.fill_row(table.rows[0], headers, widths, TABLE_FONT, bold=True)
    word.repeat_as_header(table.rows[0])
    for c in data.criteria:
        word.fill_row(table.add_row(), [c.number, c.name, MET if c.met_start else "", MET if c.met_end else ""], widths,
              TABLE_FONT, aligns=[_C, _L, _C, _C])
    word.fill_row(table.add_row(), ["", CRITERIA_COUNT, data.count_start, data.count_end], widths, TABLE_FONT,
                  bold=True, aligns=[_C, _L, _C, _C])


def _closing(doc, data: ReportOutline) -> None:
    left, right = word.two_columns(doc, (Mm(80), word.USABLE_PORTRAIT - Mm(80)))
    word.add_paragraph(left, RECIPIENTS_LABEL, bold=True, italic=True, size=Pt(12), before=Pt(12), first=True)
    for entry in data.recipients:
        word.add_paragraph(left, entry, size=Pt(11))
    on_behalf, title = data.signature
    if on_behalf:
        word.add_paragraph(right, on_behalf, bold=True, align=_C, before=Pt(12), first=True)
        word.add_paragraph(right, title, bold=True, align=_C)
    else:
        word.add_paragraph(right, title, bold=True, align=_C, before=Pt(12), first=True)
    word.add_paragraph(right, "(Ký, đóng dấu)", italic=True, align=_C)
