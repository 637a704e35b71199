"""The district summary report's figures as a Word draft (BÁO CÁO, DỰ THẢO) of the coordinating office.

Layout of DOMAIN.md §8: the two-column header, place and date, document type and subject; the
resources table; the 19-criteria table by commune as a landscape section. Every page is marked
"DỰ THẢO" (draft) in its page header.
"""

from __future__ import annotations

from datetime import date

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from flask_babel import force_locale

from ...documents import docx as word
from ...letterhead import Issuer, decimal, dmy, money
from .figures import any_counted, commune_status, counted, figure_rows
from .sheets import AVERAGE_LABEL, MET, MET_COUNT_LABEL, criterion_numbers, units_line

DOC_TYPE = "BÁO CÁO"
SECTION_RESOURCES = "I. Nguồn lực huy động"
SECTION_CRITERIA = "II. Kết quả thực hiện 19 tiêu chí"
TABLE_FONT = Pt(10)
CRITERIA_FONT = Pt(9)


def totals_docx(totals, campaign, today: date, issuer: Issuer) -> bytes:
    """The district totals as a Word draft (.docx): resources mobilised, then the 19 criteria by commune.

    `issuer` is the coordinating office (Phòng Nông nghiệp và PTNT), from letterhead.House.office.
    """
    with force_locale("vi"):
        doc = word.new_document(draft=True, title=f"Dự thảo báo cáo tổng hợp – {campaign.title}",
                                author=issuer.author, day=today)
        _heading_block(doc, campaign, today, issuer)
        _units_paragraph(doc, totals, today)
        _resources(doc, totals)
        _criteria(doc, totals, campaign)
        return word.to_bytes(doc)


def _heading_block(doc, campaign, today: date, issuer: Issuer) -> None:
    # "PHÒNG NÔNG NGHIỆP VÀ PTNT" (bold 13) and the national name (bold 12) each on one line need 172 mm,
    # so the header reaches 7 mm into the 30 mm left margin, as the model documents of Decree 30 do.
    word.header_table(doc, issuer.lines, "Số:        /BC", issuer.date_line(today),
                 (Mm(78), Mm(94)), indent=Mm(-7))
    center = WD_ALIGN_PARAGRAPH.CENTER

    word.add_paragraph(doc, DOC_TYPE, bold=True, size=Pt(14), align=center, before=Pt(18))
    subject = f"{campaign.title} (số liệu tổng hợp – dự thảo)"
    word.add_paragraph(doc, subject, bold=True, size=Pt(14), align=center)


def _units_paragraph(doc, totals, today: date) -> None:
    paragraph = word.add_paragraph(doc, f"{units_line(totals)} Số liệu tính đến ngày {dmy(today)}.", italic=True,
                           align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=Pt(12))
    paragraph.paragraph_format.first_line_indent = Mm(10)


def _number_text(value, decimals: int = 0) -> str:
    """1150000 -> "1.150.000"; 12.5 with 3 decimals -> "12,500" (Vietnamese separators)."""
    return decimal(value, decimals, trim=False) if decimals else money(value)


def _resources(doc, totals) -> None:
    word.add_paragraph(doc, SECTION_RESOURCES, bold=True, before=Pt(12)).paragraph_format.space_after = Pt(6)
    widths = [Mm(95), Mm(35), Mm(35)]
    figures = figure_rows(totals)
    table = word.new_table(doc, 1, widths)
    word.fill_row(table.rows[0], ["Nội dung", "Đã duyệt", "Kể cả chờ duyệt"], widths, TABLE_FONT, bold=True)
    word.repeat_as_header(table.rows[0])
    aligns = [WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.RIGHT]
    for figure in figures:
        word.fill_row(table.add_row(), [figure.label, _number_text(figure.accepted, figure.decimals),
                                _number_text(figure.with_submitted, figure.decimals)],
              widths, TABLE_FONT, bold=figure.name == "money_total", aligns=aligns)
    word.fill_row(table.add_row(), ["Số báo cáo được tính", str(totals.accepted_units),
                            str(totals.accepted_units + totals.submitted_units)], widths, TABLE_FONT, aligns=aligns)


def _average_text(value: float) -> str:
    return decimal(value, 1, trim=False)


def _criteria(doc, totals, campaign) -> None:
    word.page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=True)

    numbers = criterion_numbers(totals)
    start_year, end_year = campaign.period_start - 1, campaign.period_end
    title = SECTION_CRITERIA if len(numbers) == 19 else f"II. Kết quả thực hiện {len(numbers)} tiêu chí"
    word.add_paragraph(doc, title, bold=True)
    legend = f"(“{MET}”: xã đạt tiêu chí năm {end_year}; chỉ tính các báo cáo đã duyệt hoặc đang chờ duyệt)"
    word.add_paragraph(doc, legend, italic=True, size=Pt(11)).paragraph_format.space_after = Pt(6)

    usable = word.A4_LONG - word.MARGIN_LEFT - word.MARGIN_RIGHT
    fixed = [Mm(10), Mm(38)]
    tail = [Mm(15), Mm(15), Mm(19)]
    criterion_width = int((usable - sum(fixed) - sum(tail)) / max(len(numbers), 1))
    widths = fixed + [criterion_width] * len(numbers) + tail
    left = [WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT] + [WD_ALIGN_PARAGRAPH.CENTER] * (len(widths) - 2)

    table = word.new_table(doc, 1, widths)
    header = (["STT", "Xã/thị trấn"] + [str(n) for n in numbers]
              + [f"Số TC đạt {start_year}", f"Số TC đạt {end_year}", "Tình trạng báo cáo"])
    word.fill_row(table.rows[0], header, widths, CRITERIA_FONT, bold=True)
    word.repeat_as_header(table.rows[0])
    for index, commune in enumerate(totals.communes, 1):
        reported = counted(commune.status)
        values = ([index, commune.name] + [MET if n in commune.met_end else "" for n in numbers]
                  + [commune.count_start if reported else "", commune.count_end if reported else "",
                     commune_status(commune.status)])
        word.fill_row(table.add_row(), values, widths, CRITERIA_FONT, aligns=left)
    met = [totals.met_per_criterion.get(n, 0) for n in numbers]
    word.fill_row(table.add_row(), ["", MET_COUNT_LABEL] + met + ["", "", ""], widths, CRITERIA_FONT, bold=True,
                  aligns=left)
    averages = [_average_text(totals.average_start), _average_text(totals.average_end)] if any_counted(totals) \
        else ["", ""]
    word.fill_row(table.add_row(), ["", AVERAGE_LABEL] + [""] * len(numbers) + averages + [""],
          widths, CRITERIA_FONT, bold=True, aligns=left)

    if totals.criteria:
        legend = word.add_paragraph(doc, "Tên các tiêu chí: ", bold=True, size=TABLE_FONT, before=Pt(6))
        word.run(legend, "; ".join(f"{c.number}. {c.name}" for c in totals.criteria) + ".", size=TABLE_FONT)
        legend.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
