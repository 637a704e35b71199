"""The award list, annex to the chair's decision: Word, Excel and PDF.

Layout of DOMAIN.md §8: A4 landscape, margins 20/20/30/15 mm, Times New Roman (13 body, 12 table), the
two-column header, place and date, "DANH SÁCH", the subject, the italic line tying the annex to its
decision, the table by kind (I. Tập thể, II. Cá nhân, III. Hộ gia đình) and award form with subtotals,
section totals and the grand total, then the signature block. A list not yet approved carries
"DỰ THẢO" in every format.

The three writers take a plain `AwardListDoc`, built by `from_award_list` from loaded objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from flask_babel import force_locale
from openpyxl import Workbook

from ..documents import docx as word
from ..documents import sheet as xl
from ..documents.cells import safe_text
from ..documents.pdf import render_pdf
from ..letterhead import MOTTO, NATION, Issuer, date_words, house, money
from ..nominations.models import KIND_LABELS, Kind
from .models import AwardStatus
from .services import grouped

TITLE = "DANH SÁCH"
ON_BEHALF = "TM. ỦY BAN NHÂN DÂN"
SIGNER_TITLE = "CHỦ TỊCH"
HEADERS = ["STT", "Tên tập thể / Họ và tên", "Chức vụ, đơn vị (hoặc thôn, xã)", "Tóm tắt thành tích",
           "Hình thức khen thưởng", "Số tiền (đồng)"]
FORM_TOTAL = "Cộng"
GRAND_TOTAL = "Tổng cộng"
ROMAN = ["I", "II", "III", "IV", "V", "VI"]


@dataclass(frozen=True)
class AwardRow:
    stt: int
    name: str
    position_unit: str
    summary: str
    form_name: str
    amount: int


class FormGroup(NamedTuple):
    form_name: str
    rows: list[AwardRow]
    subtotal: int


class AwardSection(NamedTuple):
    kind_label: str
    forms: list[FormGroup]
    total: int


@dataclass
class AwardListDoc:
    decision_number: str = ""
    decision_date: date | None = None
    approved: bool = False
    signer_name: str = ""
    sections: list[AwardSection] = field(default_factory=list)
    grand_total: int = 0
    period: str = "2011–2015"
    issuer: Issuer | None = None   # the People's Committee (letterhead.House.committee)
    decided_by: str = ""           # "Chủ tịch UBND huyện Đakrông", who signs the decision
    signer_title: str = SIGNER_TITLE

    @property
    def subtitle(self) -> str:
        return ("Các tập thể, cá nhân, hộ gia đình được khen thưởng trong phong trào thi đua "
                f"“Chung sức xây dựng nông thôn mới” giai đoạn {self.period}")

    @property
    def decision_line(self) -> str:
        number = self.decision_number.strip()
        if not number:
            number = "…/QĐ-UBND"
        elif "/" not in number:
            number = f"{number}/QĐ-UBND"
        return (f"(Kèm theo Quyết định số {number} {date_words(self.decision_date)} "
                f"của {self.decided_by})")

    @property
    def date_line(self) -> str:
        return self.issuer.date_line(self.decision_date)

    @property
    def numbered_sections(self) -> list[tuple[str, AwardSection]]:
        """("I. Tập thể", section), ... in the order of the list."""
        return [(f"{ROMAN[index]}. {section.kind_label}", section) for index, section in enumerate(self.sections)]


def from_award_list(award_list, campaign, signer_name: str) -> AwardListDoc:
    """The printable list from a loaded AwardList (entries, their nominations and forms): no query."""
    with force_locale("vi"):
        groups, grand = grouped(award_list)
        sections = []
        for group in groups:
            forms = []
            number = 0
            for form, entries, subtotal in group.forms:
                rows = []
                for entry in entries:
                    number += 1
                    nomination = entry.nomination
                    where = ", ".join(part for part in (nomination.position, nomination.address) if part)
                    rows.append(AwardRow(number, nomination.name, where, nomination.summary, form.name,
                                         entry.amount or 0))
                forms.append(FormGroup(form.name, rows, subtotal))
            sections.append(AwardSection(str(KIND_LABELS[Kind(group.kind)]), forms, group.total))
    return AwardListDoc(decision_number=award_list.decision_number or "", decision_date=award_list.decision_date,
                        approved=award_list.status == AwardStatus.APPROVED, signer_name=signer_name, sections=sections,
                        grand_total=grand, period=f"{campaign.period_start}–{campaign.period_end}",
                        issuer=house(campaign).committee(), decided_by=house(campaign).chairman_name)


# ---------------------------------------------------------------------------------------------
# Word


TABLE_FONT = Pt(12)
_WIDTHS = [Mm(12), Mm(50), Mm(50), Mm(75), Mm(40), Mm(25)]  # 252 mm: A4 landscape less 30 + 15 mm
_LEFT, _RIGHT, _CENTER = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.CENTER
_ROW_ALIGNS = [_CENTER, _LEFT, _LEFT, _LEFT, _LEFT, _RIGHT]


def award_list_docx(data: AwardListDoc) -> bytes:
    doc = word.new_document(landscape=True, draft=not data.approved,
                            title=f"Danh sách khen thưởng – {data.decision_line.strip('()')}",
                            author=data.issuer.author, day=data.decision_date)
    if not data.decision_date:
        doc.core_properties.title = "Dự thảo danh sách khen thưởng"
        doc.core_properties.language = "vi-VN"

    word.header_table(doc, data.issuer.lines, "", data.date_line, (Mm(95), Mm(157)))
    word.add_paragraph(doc, TITLE, bold=True, size=Pt(14), align=_CENTER, before=Pt(12))
    word.add_paragraph(doc, data.subtitle, bold=True, align=_CENTER)
    word.add_paragraph(doc, data.decision_line, italic=True, align=_CENTER).paragraph_format.space_after = Pt(6)

    table = word.new_table(doc, 1, _WIDTHS)
    word.fill_row(table.rows[0], HEADERS, _WIDTHS, TABLE_FONT, bold=True)
    word.repeat_as_header(table.rows[0])
    for label, section_data in data.numbered_sections:
        _span_row(table, label, None, bold=True)
        for group in section_data.forms:
            _span_row(table, group.form_name, None, bold=True, italic=True)
            for row in group.rows:
                word.fill_row(table.add_row(), [row.stt, row.name, row.position_unit, row.summary, row.form_name,
                                        money(row.amount)], _WIDTHS, TABLE_FONT, aligns=_ROW_ALIGNS)
            _span_row(table, FORM_TOTAL, group.subtotal, italic=True)
        _span_row(table, f"{FORM_TOTAL} {label}", section_data.total, bold=True)
    _span_row(table, GRAND_TOTAL, data.grand_total, bold=True)

    _signature(doc, data)
    return word.to_bytes(doc)


def _span_row(table, label: str, amount: int | None, bold=False, italic=False) -> None:
    """A row whose label spans the table (a heading), or every column but the amount (a total)."""
    if amount is None:
        word.span_row(table, _WIDTHS, [(len(_WIDTHS), label)], TABLE_FONT, bold=bold, italic=italic)
    else:
        word.span_row(table, _WIDTHS, [(len(_WIDTHS) - 1, label), (1, money(amount))], TABLE_FONT, bold=bold,
                 italic=italic, aligns=[_RIGHT, _RIGHT])


def _signature(doc, data: AwardListDoc) -> None:
    _left, cell = word.two_columns(doc, (word.USABLE_LANDSCAPE - Mm(110), Mm(110)))
    word.add_paragraph(cell, ON_BEHALF, bold=True, align=_CENTER, before=Pt(12), first=True)
    word.add_paragraph(cell, data.signer_title, bold=True, align=_CENTER)
    for _ in range(4):
        word.add_paragraph(cell)
    word.add_paragraph(cell, data.signer_name, bold=True, align=_CENTER)


# ---------------------------------------------------------------------------------------------
# Excel


def award_list_xlsx(data: AwardListDoc) -> bytes:
    rows = [row for section in data.sections for group in section.forms for row in group.rows]
    forms = [group.form_name for section in data.sections for group in section.forms]
    widths = [6, xl.fit([r.name for r in rows], 22, 34), xl.fit([r.position_unit for r in rows], 22, 34),
              xl.fit([r.summary for r in rows], 26, 48), xl.fit(forms, 20, 32), 16]
    columns = len(HEADERS)

    wb = Workbook(write_only=True)
    wb.calculation.fullCalcOnLoad = True  # the totals show their value as soon as the file opens
    titles: list[list] = []
    header_rows = 9 if data.approved else 10  # the title lines below, then the table header
    sheet = xl.Sheet(wb, "Danh sách khen thưởng", widths, freeze=f"A{header_rows + 1}")
    ws = sheet.ws
    xl.print_setup(ws, header_rows)
    if not data.approved:
        ws.oddHeader.right.text = word.DRAFT
        titles.append([xl.cell(ws, word.DRAFT, font=xl.RED_BOLD, border=False)])
    titles += [
        xl.across(ws, data.issuer.lines[0][0], xl.BOLD, 1, 2) + xl.across(ws, NATION, xl.BOLD, 4, columns)[2:],
        xl.across(ws, MOTTO, xl.BOLD, 4, columns),
        xl.across(ws, data.date_line, xl.ITALIC, 4, columns),
        [],
        xl.across(ws, TITLE, xl.TITLE_FONT, 1, columns),
        xl.across(ws, data.subtitle, xl.BOLD, 1, columns),
        xl.across(ws, data.decision_line, xl.ITALIC, 1, columns),
        [],
    ]
    for cells in titles:
        sheet.append(cells)
    assert sheet.row + 1 == header_rows
    sheet.append(xl.header(ws, HEADERS))

    total = {"fill": xl.TOTAL_FILL}
    section_rows = []
    for label, section_data in data.numbered_sections:
        sheet.append([xl.cell(ws, safe_text(label), font=xl.BOLD, alignment=xl.NO_WRAP)]
                     + [xl.cell(ws, None) for _ in range(columns - 1)])
        form_rows = []
        for group in section_data.forms:
            sheet.append([xl.cell(ws, None),
                          xl.cell(ws, safe_text(group.form_name), font=xl.BOLD_ITALIC, alignment=xl.NO_WRAP)]
                         + [xl.cell(ws, None) for _ in range(columns - 2)])
            first = sheet.row + 1
            for row in group.rows:
                sheet.append([xl.number(ws, row.stt, alignment=xl.HEADER_ALIGN), xl.text(ws, row.name),
                              xl.text(ws, row.position_unit), xl.text(ws, row.summary), xl.text(ws, row.form_name),
                              xl.number(ws, row.amount)])
            last = max(sheet.row, first)
            form_rows.append(sheet.append(
                [xl.cell(ws, None, **total), xl.cell(ws, FORM_TOTAL, font=xl.ITALIC, alignment=xl.NO_WRAP, **total)]
                + [xl.cell(ws, None, **total) for _ in range(columns - 3)]
                + [xl.number(ws, f"=SUM(F{first}:F{last})", font=xl.ITALIC, **total)]))
        section_rows.append(sheet.append(
            [xl.cell(ws, None, **total),
             xl.cell(ws, safe_text(f"{FORM_TOTAL} {label}"), font=xl.BOLD, alignment=xl.NO_WRAP, **total)]
            + [xl.cell(ws, None, **total) for _ in range(columns - 3)]
            + [xl.number(ws, _sum_of(form_rows), font=xl.BOLD, **total)]))
    sheet.append([xl.cell(ws, None, **total), xl.cell(ws, GRAND_TOTAL, font=xl.BOLD, alignment=xl.NO_WRAP, **total)]
                 + [xl.cell(ws, None, **total) for _ in range(columns - 3)]
                 + [xl.number(ws, _sum_of(section_rows), font=xl.BOLD, **total)])

    sheet.append([])
    for text in (ON_BEHALF, data.signer_title, "", "", "", data.signer_name):
        sheet.append(xl.across(ws, text, xl.BOLD, 5, columns) if text else [])
    return xl.save(wb)


def _sum_of(rows: list[int]) -> str | int:
    """=SUM(F12,F30,...) over the total rows (0 for none)."""
    if not rows:
        return 0
    return "=SUM(" + ",".join(f"F{r}" for r in rows) + ")"


# ---------------------------------------------------------------------------------------------
# PDF


def award_list_pdf(data: AwardListDoc) -> bytes:
    return render_pdf("exports/award_list.html", doc=data, money=money, headers=HEADERS,
                      left_lines=data.issuer.lines, left_width="95mm", number="", date_line=data.date_line,
                      title=TITLE, on_behalf=ON_BEHALF, draft=None if data.approved else word.DRAFT,
                      form_total=FORM_TOTAL, grand_total=GRAND_TOTAL)


__all__ = ["AwardListDoc", "AwardRow", "AwardSection", "FormGroup", "award_list_docx",
           "award_list_pdf", "award_list_xlsx", "from_award_list"]
