"""A nominee's achievement report (báo cáo thành tích) on national template no. 07 ("theo đợt thi đua hoặc
chuyên đề"), a Word draft pre-filled with the nomination's summary and contributions, for the nominating
unit to complete and sign. The writer takes a plain dataclass; `achievement_from` builds it.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from ..documents import docx as word
from ..letterhead import Issuer, house, money
from ..org.models import COMMUNE_KINDS

ACHIEVEMENT_TYPE = "BÁO CÁO THÀNH TÍCH"
ACHIEVEMENT_NOTE = "(Theo đợt thi đua hoặc chuyên đề)"
BIO = "I. SƠ LƯỢC LÝ LỊCH"
ACHIEVEMENTS = "II. THÀNH TÍCH ĐẠT ĐƯỢC"
PAST_AWARDS = "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG"
PAST_AWARD_HEADERS = ["STT", "Năm", "Hình thức khen thưởng", "Số, ngày, tháng, năm của quyết định; cơ quan ban hành"]
CONFIRMER = "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG"
REPORTER = "NGƯỜI BÁO CÁO THÀNH TÍCH"

_C, _J = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
TABLE_FONT = Pt(12)


@dataclass
class AchievementReport:
    kind: str                 # collective, individual, household
    name: str
    form_name: str
    unit_name: str = ""       # the nominating unit, issuing the report
    commune: bool = False     # a commune's people's committee is its own issuing body
    position: str = ""
    address: str = ""
    summary: str = ""
    money: int = 0
    labour_days: int = 0
    land_m2: int = 0
    trees: int = 0
    campaign_title: str = ""
    period: str = "2011–2015"
    issuer: Issuer | None = None   # the nominating unit (letterhead.House.unit / .commune)

    @property
    def proposal(self) -> str:
        return f"Đề nghị tặng (truy tặng) {self.form_name}"

    @property
    def bio(self) -> list[tuple[str, str]]:
        """(label, value) lines of "I. SƠ LƯỢC LÝ LỊCH" by kind of candidate; an empty value is a blank."""
        if self.kind == "individual":
            return [("Họ và tên", self.name), ("Chức vụ", self.position), ("Đơn vị công tác", self.address)]
        if self.kind == "household":
            return [("Chủ hộ", self.name), ("Địa chỉ", self.address)]
        return [("Tên tập thể", self.name), ("Địa chỉ", self.address)]

    @property
    def contributions(self) -> list[str]:
        lines = []
        if self.money:
            lines.append(f"Đóng góp tiền: {money(self.money)} đồng")
        if self.labour_days:
            lines.append(f"Ngày công lao động: {money(self.labour_days)} ngày công")
        if self.land_m2:
            lines.append(f"Hiến đất: {money(self.land_m2)} m²")
        if self.trees:
            lines.append(f"Hiến cây trồng: {money(self.trees)} cây")
        return lines

    @property
    def movement(self) -> str:
        return self.campaign_title or ("Phong trào thi đua “Chung sức xây dựng nông thôn mới” giai đoạn "
                                       f"{self.period}")


def achievement_from(nomination, campaign) -> AchievementReport:
    """The report from a loaded nomination (its unit and award forms are joined), no query."""
    form = nomination.form or nomination.proposed_form
    unit = nomination.unit
    commune = unit is not None and unit.kind in COMMUNE_KINDS
    district = house(campaign)
    issuer = district.committee() if unit is None else district.commune(unit.name) if commune \
        else district.unit(unit.name)
    return AchievementReport(kind=nomination.kind, name=nomination.name, form_name=form.name if form else "…",
                             unit_name=unit.name if unit else "", commune=commune, issuer=issuer,
                             position=nomination.position or "", address=nomination.address or "",
                             summary=nomination.summary or "", money=nomination.money or 0,
                             labour_days=nomination.labour_days or 0, land_m2=nomination.land_m2 or 0,
                             trees=nomination.trees or 0, campaign_title=campaign.title,
                             period=f"{campaign.period_start}–{campaign.period_end}")


def achievement_report_docx(data: AchievementReport) -> bytes:
    doc = word.new_document(draft=True)
    word.header_table(doc, data.issuer.lines, "", data.issuer.date_line(None), (Mm(72), Mm(98)), indent=Mm(-5))
    word.add_paragraph(doc, ACHIEVEMENT_TYPE, bold=True, size=Pt(14), align=_C, before=Pt(18))
    word.add_paragraph(doc, data.proposal, bold=True, align=_C)
    word.add_paragraph(doc, ACHIEVEMENT_NOTE, italic=True, align=_C).paragraph_format.space_after = Pt(12)

    word.add_paragraph(doc, BIO, bold=True, before=Pt(6))
    for label, value in data.bio:
        line = word.add_paragraph(doc, f"- {label}: ", align=_J)
        line.add_run(value or "…")
        line.paragraph_format.first_line_indent = Mm(10)

    word.add_paragraph(doc, ACHIEVEMENTS, bold=True, before=Pt(12))
    intro = word.add_paragraph(doc, f"Trong {data.movement}:", align=_J)
    intro.paragraph_format.first_line_indent = Mm(10)
    if data.summary:
        line = word.add_paragraph(doc, data.summary, align=_J)
        line.paragraph_format.first_line_indent = Mm(10)
    for text in data.contributions:
        line = word.add_paragraph(doc, f"- {text}.", align=_J)
        line.paragraph_format.first_line_indent = Mm(10)
    guidance = word.add_paragraph(doc, "Nêu cụ thể việc làm, cách làm, hiệu quả và tác động đối với phong trào.",
                          italic=True, align=_J)
    guidance.paragraph_format.first_line_indent = Mm(10)

    word.add_paragraph(doc, PAST_AWARDS, bold=True, before=Pt(12)).paragraph_format.space_after = Pt(6)
    widths = [Mm(12), Mm(20), Mm(58), Mm(75)]
    table = word.new_table(doc, 1, widths)
    word.fill_row(table.rows[0], PAST_AWARD_HEADERS, widths, TABLE_FONT, bold=True)
    word.repeat_as_header(table.rows[0])
    for _ in range(3):
        word.fill_row(table.add_row(), ["", "", "", ""], widths, TABLE_FONT)

    left, right = word.two_columns(doc, (word.USABLE_PORTRAIT // 2, word.USABLE_PORTRAIT // 2))
    word.add_paragraph(left, CONFIRMER, bold=True, align=_C, before=Pt(18), first=True)
    word.add_paragraph(left, "(Ký, đóng dấu)", italic=True, align=_C)
    word.add_paragraph(right, REPORTER, bold=True, align=_C, before=Pt(18), first=True)
    word.add_paragraph(right, "(Ký, ghi rõ họ và tên)" if data.kind != "collective" else "(Ký, đóng dấu)", italic=True,
               align=_C)
    return word.to_bytes(doc)
