"""A Word draft of the district summary report's tables, laid out as a Vietnamese official document.

Layout of DOMAIN.md §8 (Decree 30/2020): A4, margins 20/20/30/15 mm, Times New Roman, the two-column
header (issuing body / national motto), place and date, document type and subject; the 19-criteria
table is an annex-like landscape section. Every page is marked "DỰ THẢO" (draft) in its page header.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from flask_babel import force_locale

from ..templating import money
from .cells import any_counted, commune_status, counted, figure_rows
from .texts import dmy, document_date
from .xlsx import AVERAGE_LABEL, MET, MET_COUNT_LABEL, criterion_numbers, units_line

FONT = "Times New Roman"
PARENT_BODY = "UBND HUYỆN ĐAKRÔNG"
ISSUING_BODY = "PHÒNG NÔNG NGHIỆP VÀ PTNT"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PLACE = "Đakrông"
DRAFT = "DỰ THẢO"
DOC_TYPE = "BÁO CÁO"
SECTION_RESOURCES = "I. Nguồn lực huy động"
SECTION_CRITERIA = "II. Kết quả thực hiện 19 tiêu chí"

A4_SHORT, A4_LONG = Mm(210), Mm(297)
MARGIN_TOP = MARGIN_BOTTOM = Mm(20)
MARGIN_LEFT, MARGIN_RIGHT = Mm(30), Mm(15)
TABLE_FONT = Pt(10)
CRITERIA_FONT = Pt(9)

_TBL_BORDERS_SUCCESSORS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
_PBDR_SUCCESSORS = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_TRPR_SUCCESSORS = ("w:ins", "w:del", "w:trPrChange")  # the row properties before these come in any order


def totals_docx(totals, campaign, today: date) -> bytes:
    """The district totals as a Word draft (.docx): resources mobilised, then the 19 criteria by commune."""
    with force_locale("vi"):
        doc = Document()
        _setup(doc, campaign, today)
        _heading_block(doc, campaign, today)
        _units_paragraph(doc, totals, today)
        _resources(doc, totals)
        _criteria(doc, totals, campaign)
        return to_bytes(doc)


# ---------------------------------------------------------------------------------------------
# Page, fonts, draft mark


def _set_fonts(r_pr) -> None:
    """Times New Roman for every script (Latin, East Asian, complex), without theme fonts overriding it."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def page(section, landscape: bool = False) -> None:
    """A4 (portrait, or landscape for an annex table) with the margins of Decree 30/2020."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT


def base_styles(doc) -> None:
    """Times New Roman 13 for every script, Vietnamese language, no spacing around paragraphs."""
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    r_pr = normal.element.get_or_add_rPr()
    _set_fonts(r_pr)
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), "vi-VN")
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        default_r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if default_r_pr is not None:
            _set_fonts(default_r_pr)


def draft_header(section) -> None:
    """"DỰ THẢO" at the top right of every page of the section."""
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(header, DRAFT, bold=True, size=Pt(12))


def properties(doc, title: str, author: str, day: date) -> None:
    props = doc.core_properties
    props.title = title
    props.author = author
    props.language = "vi-VN"
    props.created = props.modified = datetime.combine(day, time(8, 0))
    props.last_modified_by = props.author
    props.revision = 1


def to_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _setup(doc, campaign, today: date) -> None:
    section = doc.sections[0]
    page(section)
    base_styles(doc)
    draft_header(section)
    properties(doc, f"Dự thảo báo cáo tổng hợp – {campaign.title}", "Phòng Nông nghiệp và PTNT huyện Đakrông",
               today)


def _run(paragraph, text: str, bold=False, italic=False, size=None):
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = size
    return run


def add_paragraph(container, text: str = "", bold=False, italic=False, size=None, align=None, before=None,
               first=False):
    """A paragraph in the document or a cell; `first` reuses the cell's empty first paragraph."""
    paragraph = container.paragraphs[0] if first else container.add_paragraph()
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size)
    if align is not None:
        paragraph.alignment = align
    if before is not None:
        paragraph.paragraph_format.space_before = before
    return paragraph


def _short_rule(cell, width) -> None:
    """The short line under the issuing body and under the motto: a bottom border on an indented line."""
    paragraph = cell.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(3)
    margin = max((cell.width - width) // 2, 0)
    fmt.left_indent = fmt.right_indent = margin
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(border, *_PBDR_SUCCESSORS)


# ---------------------------------------------------------------------------------------------
# Tables


def borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(borders, *_TBL_BORDERS_SUCCESSORS)


def _indent(table, length) -> None:
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(length.twips))
    indent.set(qn("w:type"), "dxa")
    table._tbl.tblPr.insert_element_before(indent, "w:tblBorders", *_TBL_BORDERS_SUCCESSORS)


def _cell_margins(table, length) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(length.twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def repeat_as_header(row) -> None:
    """The row is repeated at the top of every page the table runs onto."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().insert_element_before(marker, *_TRPR_SUCCESSORS)


def new_table(doc, rows: int, widths: list) -> Table:
    table = doc.add_table(rows=rows, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    return table


def fill_row(row, values, widths, size, bold=False, aligns=None) -> None:
    for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
        cell.width = widths[index]
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        align = aligns[index] if aligns else WD_ALIGN_PARAGRAPH.CENTER
        add_paragraph(cell, str(value) if value is not None else "", bold=bold, size=size, align=align, first=True)


# ---------------------------------------------------------------------------------------------
# Content


def header_table(doc, left_lines: list[tuple[str, bool]], number: str, date_text: str, widths: tuple,
                 indent=None, motto: str = MOTTO, left_rule=Mm(25), right_rule=Mm(64)) -> Table:
    """The two-column header of Decree 30: issuing body (lines of (text, bold), short rule) and number on
    the left; the national name and motto (short rule) and the italic place and date on the right."""
    left_width, right_width = widths
    table = doc.add_table(rows=2, cols=2)
    table.autofit = False
    if indent is not None:
        _indent(table, indent)
    borderless(table)
    _cell_margins(table, Mm(1))
    for column, width in zip(table.columns, (left_width, right_width), strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    left, right = table.cell(0, 0), table.cell(0, 1)
    center = WD_ALIGN_PARAGRAPH.CENTER
    for index, (text, bold) in enumerate(left_lines):
        add_paragraph(left, text, bold=bold, size=Pt(13), align=center, first=index == 0)
    _short_rule(left, left_rule)
    add_paragraph(right, NATION, bold=True, size=Pt(12), align=center, first=True)
    add_paragraph(right, motto, bold=True, size=Pt(13), align=center)
    _short_rule(right, right_rule)
    add_paragraph(table.cell(1, 0), number, size=Pt(13), align=center, first=True)
    date_line = add_paragraph(table.cell(1, 1), date_text, italic=True, size=Pt(13), align=center, first=True)
    date_line.paragraph_format.space_before = Pt(6)
    return table


def _heading_block(doc, campaign, today: date) -> None:
    # "PHÒNG NÔNG NGHIỆP VÀ PTNT" (bold 13) and the national name (bold 12) each on one line need 172 mm,
    # so the header reaches 7 mm into the 30 mm left margin, as the model documents of Decree 30 do.
    header_table(doc, [(PARENT_BODY, False), (ISSUING_BODY, True)], "Số:        /BC", document_date(PLACE, today),
                 (Mm(78), Mm(94)), indent=Mm(-7))
    center = WD_ALIGN_PARAGRAPH.CENTER

    add_paragraph(doc, DOC_TYPE, bold=True, size=Pt(14), align=center, before=Pt(18))
    subject = f"{campaign.title} (số liệu tổng hợp – dự thảo)"
    add_paragraph(doc, subject, bold=True, size=Pt(14), align=center)


def _units_paragraph(doc, totals, today: date) -> None:
    paragraph = add_paragraph(doc, f"{units_line(totals)} Số liệu tính đến ngày {dmy(today)}.", italic=True,
                           align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=Pt(12))
    paragraph.paragraph_format.first_line_indent = Mm(10)


def _number_text(value, decimals: int = 0) -> str:
    """1150000 -> "1.150.000"; 12.5 with 3 decimals -> "12,500" (Vietnamese separators)."""
    if decimals:
        whole, _dot, fraction = f"{value:,.{decimals}f}".partition(".")
        return f"{whole.replace(',', '.')},{fraction}"
    return money(value)


def _resources(doc, totals) -> None:
    add_paragraph(doc, SECTION_RESOURCES, bold=True, before=Pt(12)).paragraph_format.space_after = Pt(6)
    widths = [Mm(95), Mm(35), Mm(35)]
    figures = figure_rows(totals)
    table = new_table(doc, 1, widths)
    fill_row(table.rows[0], ["Nội dung", "Đã duyệt", "Kể cả chờ duyệt"], widths, TABLE_FONT, bold=True)
    repeat_as_header(table.rows[0])
    aligns = [WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.RIGHT]
    for figure in figures:
        fill_row(table.add_row(), [figure.label, _number_text(figure.accepted, figure.decimals),
                                _number_text(figure.with_submitted, figure.decimals)],
              widths, TABLE_FONT, bold=figure.name == "money_total", aligns=aligns)
    fill_row(table.add_row(), ["Số báo cáo được tính", str(totals.accepted_units),
                            str(totals.accepted_units + totals.submitted_units)], widths, TABLE_FONT, aligns=aligns)


def _average_text(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _criteria(doc, totals, campaign) -> None:
    page(doc.add_section(WD_SECTION.NEW_PAGE), landscape=True)

    numbers = criterion_numbers(totals)
    start_year, end_year = campaign.period_start - 1, campaign.period_end
    title = SECTION_CRITERIA if len(numbers) == 19 else f"II. Kết quả thực hiện {len(numbers)} tiêu chí"
    add_paragraph(doc, title, bold=True)
    add_paragraph(doc, f"(“{MET}”: xã đạt tiêu chí năm {end_year}; chỉ tính các báo cáo đã duyệt hoặc đang chờ duyệt)",
               italic=True, size=Pt(11)).paragraph_format.space_after = Pt(6)

    usable = A4_LONG - MARGIN_LEFT - MARGIN_RIGHT
    fixed = [Mm(10), Mm(38)]
    tail = [Mm(15), Mm(15), Mm(19)]
    criterion_width = int((usable - sum(fixed) - sum(tail)) / max(len(numbers), 1))
    widths = fixed + [criterion_width] * len(numbers) + tail
    left = [WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT] + [WD_ALIGN_PARAGRAPH.CENTER] * (len(widths) - 2)

    table = new_table(doc, 1, widths)
    header = (["STT", "Xã/thị trấn"] + [str(n) for n in numbers]
              + [f"Số TC đạt {start_year}", f"Số TC đạt {end_year}", "Tình trạng báo cáo"])
    fill_row(table.rows[0], header, widths, CRITERIA_FONT, bold=True)
    repeat_as_header(table.rows[0])
    for index, commune in enumerate(totals.communes, 1):
        reported = counted(commune.status)
        values = ([index, commune.name] + [MET if n in commune.met_end else "" for n in numbers]
                  + [commune.count_start if reported else "", commune.count_end if reported else "",
                     commune_status(commune.status)])
        fill_row(table.add_row(), values, widths, CRITERIA_FONT, aligns=left)
    met = [totals.met_per_criterion.get(n, 0) for n in numbers]
    fill_row(table.add_row(), ["", MET_COUNT_LABEL] + met + ["", "", ""], widths, CRITERIA_FONT, bold=True, aligns=left)
    averages = [_average_text(totals.average_start), _average_text(totals.average_end)] if any_counted(totals) \
        else ["", ""]
    fill_row(table.add_row(), ["", AVERAGE_LABEL] + [""] * len(numbers) + averages + [""],
          widths, CRITERIA_FONT, bold=True, aligns=left)

    if totals.criteria:
        legend = add_paragraph(doc, "Tên các tiêu chí: ", bold=True, size=TABLE_FONT, before=Pt(6))
        _run(legend, "; ".join(f"{c.number}. {c.name}" for c in totals.criteria) + ".", size=TABLE_FONT)
        legend.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
