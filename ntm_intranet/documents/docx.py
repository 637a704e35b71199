"""Word layout pieces for official documents (DOMAIN.md §8): the toolkit every room's papers use.

A4 pages and margins, Times New Roman for every script, the two-column header (issuing body / national
name and motto from letterhead.py, place and date), tables with a repeated header row, paragraphs, the
"DỰ THẢO" mark, document properties. Plain values in, python-docx objects out: this module knows no
room, no model and no database; each room's `documents.py` turns its data into these calls.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell

from ..letterhead import MOTTO, NATION

FONT = "Times New Roman"
DRAFT = "DỰ THẢO"

A4_SHORT, A4_LONG = Mm(210), Mm(297)
MARGIN_TOP = MARGIN_BOTTOM = Mm(20)
MARGIN_LEFT, MARGIN_RIGHT = Mm(30), Mm(15)
USABLE_PORTRAIT = A4_SHORT - MARGIN_LEFT - MARGIN_RIGHT    # 165 mm
USABLE_LANDSCAPE = A4_LONG - MARGIN_LEFT - MARGIN_RIGHT    # 252 mm

_TBL_BORDERS_SUCCESSORS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")
_PBDR_SUCCESSORS = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_TRPR_SUCCESSORS = ("w:ins", "w:del", "w:trPrChange")  # the row properties before these come in any order


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
    run(header, DRAFT, bold=True, size=Pt(12))


def properties(doc, title: str, author: str, day: date) -> None:
    props = doc.core_properties
    props.title = title
    props.author = author
    props.language = "vi-VN"
    props.created = props.modified = datetime.combine(day, time(8, 0))
    props.last_modified_by = props.author
    props.revision = 1


def new_document(landscape: bool = False, draft: bool = False, title: str = "", author: str = "",
                 day: date | None = None):
    """A blank official paper: A4 (landscape for an annex table) with the margins and the Times New Roman
    of DOMAIN.md §8, "DỰ THẢO" on every page of a draft, and the file's properties once its date is known."""
    doc = Document()
    section = doc.sections[0]
    page(section, landscape=landscape)
    base_styles(doc)
    if draft:
        draft_header(section)
    if day is not None:
        properties(doc, title, author, day)
    return doc


def to_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def run(paragraph, text: str, bold=False, italic=False, size=None):
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
        run(paragraph, text, bold=bold, italic=italic, size=size)
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


def header_table(doc, left_lines, number: str, date_text: str, widths: tuple, indent=None, left_rule=Mm(25),
                 right_rule=Mm(64)) -> Table:
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
    add_paragraph(right, MOTTO, bold=True, size=Pt(13), align=center)
    _short_rule(right, right_rule)
    add_paragraph(table.cell(1, 0), number, size=Pt(13), align=center, first=True)
    date_line = add_paragraph(table.cell(1, 1), date_text, italic=True, size=Pt(13), align=center, first=True)
    date_line.paragraph_format.space_before = Pt(6)
    return table


def two_columns(doc, widths):
    """A borderless table of one row and two cells (Nơi nhận / signature, or two signatures)."""
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    borderless(table)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    return table.cell(0, 0), table.cell(0, 1)


def span_row(table, widths, cells: list[tuple[int, str]], size, bold=False, italic=False, aligns=None) -> None:
    """A row of merged cells: `cells` is [(columns spanned, text)], covering the whole width."""
    row = table.add_row()
    tr = row._tr
    tcs = list(tr.tc_lst)
    column = 0
    kept = []
    for span, _text in cells:
        first = tcs[column]
        for tc in tcs[column + 1:column + span]:
            tr.remove(tc)
        if span > 1:
            first.grid_span = span
        kept.append((first, sum(widths[column:column + span], Mm(0))))
        column += span
    for index, ((tc, width), (_span, text)) in enumerate(zip(kept, cells, strict=True)):
        cell = _Cell(tc, table)
        cell.width = width
        align = aligns[index] if aligns else WD_ALIGN_PARAGRAPH.LEFT
        add_paragraph(cell, text, bold=bold, italic=italic, size=size, align=align, first=True)


def signature_pair(doc, width, left: list[tuple[str | None, bool, bool]], right: list[tuple[str | None, bool, bool]],
                   before=Pt(12)) -> None:
    """Two borderless columns of (text, bold, italic) lines, centred; a line of None text leaves the four
    empty lines of a signature (the name, when known, comes after them)."""
    for cell, lines in zip(two_columns(doc, (width // 2, width // 2)), (left, right), strict=True):
        for index, (text, bold, italic) in enumerate(lines):
            if text is None:
                for _ in range(4):
                    add_paragraph(cell)
                continue
            add_paragraph(cell, text, bold=bold, italic=italic, align=WD_ALIGN_PARAGRAPH.CENTER,
                          before=before if index == 0 else None, first=index == 0)
