"""The cells and sheets every Excel writer is made of: one look, one formula guard, bounded memory.

openpyxl in write-only mode: rows stream to the file as they are appended, so a sheet of any size is
written in bounded memory. Everything a sheet needs before its first row (column widths, frozen
panes) is therefore decided from the data first. Every cell goes through `cell()`, where text that
would be read as a formula is neutralised (`cells.cell_value`).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from copy import copy
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .cells import cell_value, safe_text

DATE_FORMAT = "dd/mm/yyyy"
INTEGER_FORMAT = "#,##0"

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
# Times New Roman in every cell, as in the Word papers (Calibri, Excel's own default, is what an office
# sends back): a cell without a font of its own gets BODY.
FONT_NAME = "Times New Roman"
BODY = Font(name=FONT_NAME, size=12)
BOLD = Font(name=FONT_NAME, size=12, bold=True)
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14)
ITALIC = Font(name=FONT_NAME, size=12, italic=True)
WRAP = Alignment(vertical="top", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)
HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)

ACROSS = Alignment(horizontal="centerContinuous", vertical="center")
NO_WRAP = Alignment(vertical="top")
RED_BOLD = Font(name=FONT_NAME, bold=True, size=14, color="C00000")
BOLD_ITALIC = Font(name=FONT_NAME, size=12, bold=True, italic=True)


def cell(ws, value, font=None, alignment=None, number_format=None, border=True, fill=None) -> Cell:
    cell = WriteOnlyCell(ws, value=cell_value(value))  # never a formula unless one of our totals
    font = font if font is not None else BODY
    number_format = number_format if value is not None else None
    # Setting a style looks it up (by hash) in the workbook's style tables: five lookups a cell made a
    # board of 10,000 rows take seconds. A combination is looked up once per workbook, then copied.
    key = (id(font), id(alignment), number_format, border, id(fill))
    known = _styles(ws).get(key)
    if known is not None:
        cell._style = copy(known[0])
        return cell
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    if border:
        cell.border = BORDER
    if fill is not None:
        cell.fill = fill
    _styles(ws)[key] = (copy(cell._style), font, alignment, fill)  # the objects kept: their ids stay theirs
    return cell


def _styles(ws) -> dict:
    """The style combinations already placed in this worksheet's workbook."""
    return ws.parent.__dict__.setdefault("_ntm_styles", {})


def text(ws, value, **style) -> Cell:
    """A cell of text typed by a user: never read as a formula."""
    return cell(ws, safe_text(value), alignment=style.pop("alignment", WRAP), **style)


def date_cell(ws, value: date | None) -> Cell:
    return cell(ws, value, alignment=CENTER, number_format=DATE_FORMAT)


def number(ws, value, number_format=INTEGER_FORMAT, **style) -> Cell:
    return cell(ws, value, number_format=number_format, **style)


def line(ws, value, font=None) -> list[Cell]:
    """A title line: one borderless cell whose text runs across the empty cells beside it."""
    return [cell(ws, safe_text(value), font=font, border=False)]


def header(ws, labels: Iterable) -> list[Cell]:
    return [cell(ws, label, font=BOLD, alignment=HEADER_ALIGN, fill=HEADER_FILL) for label in labels]


def fit(texts: Iterable[str], minimum: float, maximum: float) -> float:
    """A column width (in characters) for the longest text, within bounds; longer texts wrap."""
    longest = max((len(t) for t in texts if t), default=0)
    return max(minimum, min(maximum, longest * 1.1 + 2))


class Sheet:
    """A write-only sheet that knows its column widths and row number.

    A row whose wrapped text needs more than one line gets its height written with it (neither Excel
    nor LibreOffice grows a row of a generated file by itself); the height is forgotten once the row
    is written, so memory stays bounded however many rows follow.
    """

    LINE_HEIGHT = 15.0  # points per line of 11 pt text

    def __init__(self, wb: Workbook, title: str, widths: list[float], freeze: str):
        self.ws = wb.create_sheet(title)
        self.widths = widths
        self.row = 0
        for index, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.ws.freeze_panes = freeze  # before the first row: the sheet's top is written with it

    def _lines(self, cells) -> int:
        lines = 1
        wraps, bolds = self.ws.parent._alignments, self.ws.parent._fonts
        for index, cell in enumerate(cells):
            if not isinstance(cell, Cell) or not isinstance(cell.value, str) or index >= len(self.widths):
                continue
            style = cell._style  # None: no style at all, so no wrapping
            if style is None or not wraps[style.alignmentId].wrap_text:  # the workbook's tables, as Excel reads them
                continue
            per_line = max(self.widths[index] - 1, 1)
            factor = 1.1 if bolds[style.fontId].bold else 1.0
            lines = max(lines, math.ceil(len(cell.value) * factor / per_line))
        return lines

    def append(self, cells: list, height: float | None = None) -> int:
        """Write one row; returns its number."""
        self.row += 1
        lines = self._lines(cells)
        if height is None and lines > 1:
            height = lines * self.LINE_HEIGHT
        if height is not None:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append([c if isinstance(c, Cell) else cell_value(c) for c in cells])
        self.ws.row_dimensions.pop(self.row, None)
        return self.row

    def title_lines(self, *lines: tuple[str, Font | None]) -> None:
        for text, font in lines:
            self.append(line(self.ws, text, font), height=20 if font is TITLE_FONT else None)


def print_setup(ws, header_row: int) -> None:
    """A4 landscape, as wide as the page, the header row repeated on every page, page numbers."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.center.text = "Trang &P/&N"


def save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def across(ws, text, font, first: int, last: int) -> list:
    """Cells A.. with `text` centred across columns first..last (1-based), without merging."""
    cells = [None] * (first - 1)
    cells.append(cell(ws, safe_text(text), font=font, alignment=ACROSS, border=False))
    cells += [cell(ws, None, alignment=ACROSS, border=False) for _ in range(last - first)]
    return cells


