"""Excel workbooks of the deadline board and the district totals.

openpyxl in write-only mode: rows stream to the file as they are appended, so a board of any size is
written in bounded memory. Everything the sheet needs before its first row (column widths, frozen
panes) is therefore decided from the data first. Each function returns the finished file as bytes.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Iterable
from copy import copy
from datetime import date

from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..org.models import UNIT_KIND_LABELS
from ..reports import rules
from ..reports.models import STATUS_LABELS, Status
from .cells import MONEY_FIELDS, any_counted, cell_value, commune_status, counted, figure_rows, safe_text
from .texts import dmy, state_text

DISTRICT = "UBND HUYỆN ĐAKRÔNG"
DATE_FORMAT = "dd/mm/yyyy"
INTEGER_FORMAT = "#,##0"
KM_FORMAT = "#,##0.000"
AVERAGE_FORMAT = "0.0"
NO_DOSSIER = "Chưa có hồ sơ"
MET = "x"

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_ITALIC = Font(italic=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)

# The board's filters, said in the title so a filtered export is never read as the whole district.
_STATE_FILTER_LABELS = {
    rules.OVERDUE: "quá hạn", rules.RETURNED: "cần bổ sung", rules.PENDING: "chưa nộp, còn hạn",
    rules.EXTENDED: "được gia hạn", rules.LATE: "nộp muộn", rules.ON_TIME: "nộp đúng hạn",
    rules.ACCEPTED: "đã duyệt",
}
_WHICH_LABELS = {"report": "báo cáo", "meeting": "hội nghị"}


# ---------------------------------------------------------------------------------------------
# Cells and sheets


def _cell(ws, value, font=None, alignment=None, number_format=None, border=True, fill=None) -> Cell:
    cell = WriteOnlyCell(ws, value=cell_value(value))  # never a formula unless one of our totals
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
        cell.border = _BORDER
    if fill is not None:
        cell.fill = fill
    _styles(ws)[key] = (copy(cell._style), font, alignment, fill)  # the objects kept: their ids stay theirs
    return cell


def _styles(ws) -> dict:
    """The style combinations already placed in this worksheet's workbook."""
    return ws.parent.__dict__.setdefault("_ntm_styles", {})


def _text(ws, value, **style) -> Cell:
    """A cell of text typed by a user: never read as a formula."""
    return _cell(ws, safe_text(value), alignment=style.pop("alignment", _WRAP), **style)


def _date(ws, value: date | None) -> Cell:
    return _cell(ws, value, alignment=_CENTER, number_format=DATE_FORMAT)


def _number(ws, value, number_format=INTEGER_FORMAT, **style) -> Cell:
    return _cell(ws, value, number_format=number_format, **style)


def _line(ws, value, font=None) -> list[Cell]:
    """A title line: one borderless cell whose text runs across the empty cells beside it."""
    return [_cell(ws, safe_text(value), font=font, border=False)]


def _header(ws, labels: Iterable) -> list[Cell]:
    return [_cell(ws, label, font=_BOLD, alignment=_HEADER_ALIGN, fill=_HEADER_FILL) for label in labels]


def _fit(texts: Iterable[str], minimum: float, maximum: float) -> float:
    """A column width (in characters) for the longest text, within bounds; longer texts wrap."""
    longest = max((len(t) for t in texts if t), default=0)
    return max(minimum, min(maximum, longest * 1.1 + 2))


class _Sheet:
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
            self.append(_line(self.ws, text, font), height=20 if font is _TITLE else None)


def _print_setup(ws, header_row: int) -> None:
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


def _campaign_line(campaign) -> str:
    return f"{campaign.title} (văn bản số {campaign.doc_number} ngày {dmy(campaign.doc_date)})"


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# The deadline board


BOARD_HEADERS = ["STT", "Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Báo cáo: hạn", "Báo cáo: tình trạng",
                 "Hội nghị: hạn", "Hội nghị: tình trạng", "Trạng thái hồ sơ", "Nhắc gần nhất"]


def _dossier_label(status: str | None) -> str:
    if status is None:
        return NO_DOSSIER
    try:
        return str(STATUS_LABELS[Status(status)])
    except ValueError:
        return status


def _kind_label(kind: str) -> str:
    return str(UNIT_KIND_LABELS.get(kind, kind))


def _filter_line(board) -> str | None:
    filters = board.filters or {}
    parts = []
    if filters.get("kind"):
        parts.append(f"loại đơn vị: {_kind_label(filters['kind'])}")
    if filters.get("state") in _STATE_FILTER_LABELS:
        which = _WHICH_LABELS.get(filters.get("which") or "report", "báo cáo")
        parts.append(f"tình trạng {which}: {_STATE_FILTER_LABELS[filters['state']]}")
    if not parts:
        return None
    return f"Chỉ gồm các đơn vị có {'; '.join(parts)} ({board.total} đơn vị)."


def board_xlsx(board, campaign, today: date) -> bytes:
    """The deadline board as a sheet "Tiến độ báo cáo", one row per unit of `board.rows`."""
    with force_locale("vi"):
        return _board_xlsx(board, campaign, today)


def _board_xlsx(board, campaign, today: date) -> bytes:
    rows = board.rows
    kinds = {r.kind: _kind_label(r.kind) for r in rows}
    said = functools.lru_cache(maxsize=None)(state_text)  # a few hundred distinct states among many rows
    status_texts = [said(r.report) for r in rows] + [said(r.meeting, "meeting") for r in rows]
    widths = [6, _fit((r.code for r in rows), 10, 16), _fit((r.name for r in rows), 24, 40),
              _fit(kinds.values(), 12, 30), 13, _fit(status_texts, 20, 32), 13,
              _fit(status_texts, 20, 32), _fit([str(v) for v in STATUS_LABELS.values()] + [NO_DOSSIER], 16, 26), 14]
    titles = [(DISTRICT, _BOLD), (_campaign_line(campaign), None),
              (f"Tình hình nộp báo cáo tổng kết đến ngày {dmy(today)}", _TITLE)]
    filter_line = _filter_line(board)
    if filter_line:
        titles.append((filter_line, _ITALIC))
    header_row = len(titles) + 2

    wb = Workbook(write_only=True)
    sheet = _Sheet(wb, "Tiến độ báo cáo", widths, freeze=f"D{header_row + 1}")
    ws = sheet.ws
    _print_setup(ws, header_row)
    sheet.title_lines(*titles)
    sheet.append([])
    sheet.append(_header(ws, BOARD_HEADERS))
    for number, row in enumerate(rows, 1):
        sheet.append([
            _number(ws, number, alignment=_CENTER),
            _text(ws, row.code),
            _text(ws, row.name),
            _text(ws, kinds[row.kind]),
            _date(ws, row.report.due if row.report else None),
            _text(ws, said(row.report)),
            _date(ws, row.meeting.due if row.meeting else None),
            _text(ws, said(row.meeting, "meeting")),
            _text(ws, _dossier_label(row.status)),
            _date(ws, row.last_reminder),
        ])
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(BOARD_HEADERS))}{max(sheet.row, header_row + 1)}"
    return _save(wb)


# ---------------------------------------------------------------------------------------------
# The district totals


FIGURE_HEADERS = ["STT", "Nội dung", "Đơn vị tính", "Báo cáo đã duyệt", "Kể cả báo cáo chờ duyệt"]
AVERAGE_LABEL = "Bình quân tiêu chí/xã"
MET_COUNT_LABEL = "Số xã đạt"


def units_line(totals) -> str:
    return (f"Số liệu từ {totals.accepted_units} báo cáo đã duyệt và {totals.submitted_units} báo cáo đang chờ "
            f"duyệt, trên tổng số {totals.expected_units} đơn vị phải nộp báo cáo.")


def criterion_numbers(totals) -> list[int]:
    return [c.number for c in totals.criteria] or list(range(1, 20))


def totals_xlsx(totals, campaign, today: date) -> bytes:
    """The district totals: sheet "Tổng hợp số liệu" (figures), sheet "19 tiêu chí" (communes)."""
    with force_locale("vi"):
        wb = Workbook(write_only=True)
        wb.calculation.fullCalcOnLoad = True  # the SUM rows show their value as soon as the file opens
        _figures_sheet(wb, totals, campaign, today)
        _criteria_sheet(wb, totals, campaign, today)
        return _save(wb)


def _figures_sheet(wb: Workbook, totals, campaign, today: date) -> None:
    figures = figure_rows(totals)
    titles = [(DISTRICT, _BOLD), (_campaign_line(campaign), None),
              (f"Tổng hợp số liệu báo cáo tổng kết đến ngày {dmy(today)}", _TITLE), (units_line(totals), _ITALIC)]
    header_row = len(titles) + 2
    sheet = _Sheet(wb, "Tổng hợp số liệu", [6, _fit((f.short_label for f in figures), 30, 60), 12, 20, 22],
                   freeze=f"A{header_row + 1}")
    ws = sheet.ws
    _print_setup(ws, header_row)
    sheet.title_lines(*titles)
    sheet.append([])
    sheet.append(_header(ws, FIGURE_HEADERS))
    money_rows: list[int] = []
    number = 0
    for figure in figures:
        if figure.name == "money_total":
            first, last = money_rows[0], money_rows[-1]
            style = {"font": _BOLD, "fill": _TOTAL_FILL}
            sheet.append([_cell(ws, None, fill=_TOTAL_FILL), _text(ws, figure.short_label, **style),
                          _text(ws, figure.unit, alignment=_CENTER, fill=_TOTAL_FILL)]
                         + [_number(ws, f"=SUM({col}{first}:{col}{last})", **style) for col in ("D", "E")])
            continue
        number += 1
        number_format = KM_FORMAT if figure.decimals else INTEGER_FORMAT
        written = sheet.append([_number(ws, number, alignment=_CENTER), _text(ws, figure.short_label),
                                _text(ws, figure.unit, alignment=_CENTER), _number(ws, figure.accepted, number_format),
                                _number(ws, figure.with_submitted, number_format)])
        if figure.name in MONEY_FIELDS:
            money_rows.append(written)
    sheet.append([_cell(ws, None), _text(ws, "Số báo cáo được tính"), _text(ws, "báo cáo", alignment=_CENTER),
                  _number(ws, totals.accepted_units), _number(ws, totals.accepted_units + totals.submitted_units)])


def _criteria_sheet(wb: Workbook, totals, campaign, today: date) -> None:
    numbers = criterion_numbers(totals)
    start_year, end_year = campaign.period_start - 1, campaign.period_end
    headers = (["STT", "Xã/thị trấn"] + numbers
               + [f"Số TC đạt {start_year}", f"Số TC đạt {end_year}", "Tình trạng báo cáo"])
    titles = [(DISTRICT, _BOLD),
              (f"Kết quả thực hiện {len(numbers)} tiêu chí nông thôn mới của các xã, thị trấn đến ngày {dmy(today)}",
               _TITLE),
              (f"“{MET}”: xã đạt tiêu chí năm {end_year}. Chỉ tính các báo cáo đã duyệt hoặc đang chờ duyệt.", _ITALIC)]
    header_row = len(titles) + 2
    widths = [6, _fit([c.name for c in totals.communes] + [AVERAGE_LABEL], 20, 32)] + [4.5] * len(numbers) \
        + [12, 12, 14]
    sheet = _Sheet(wb, f"{len(numbers)} tiêu chí", widths, freeze=f"C{header_row + 1}")
    ws = sheet.ws
    _print_setup(ws, header_row)
    sheet.title_lines(*titles)
    sheet.append([])
    sheet.append(_header(ws, headers))
    for index, commune in enumerate(totals.communes, 1):
        reported = counted(commune.status)
        sheet.append([_number(ws, index, alignment=_CENTER), _text(ws, commune.name)]
                     + [_cell(ws, MET if n in commune.met_end else None, alignment=_CENTER) for n in numbers]
                     + [_number(ws, commune.count_start if reported else None, alignment=_CENTER),
                        _number(ws, commune.count_end if reported else None, alignment=_CENTER),
                        _text(ws, commune_status(commune.status), alignment=_CENTER)])
    total = {"font": _BOLD, "alignment": _CENTER, "fill": _TOTAL_FILL}
    averages = (totals.average_start, totals.average_end) if any_counted(totals) else (None, None)
    sheet.append([_cell(ws, None, fill=_TOTAL_FILL), _text(ws, MET_COUNT_LABEL, font=_BOLD, fill=_TOTAL_FILL)]
                 + [_number(ws, totals.met_per_criterion.get(n, 0), **total) for n in numbers]
                 + [_cell(ws, None, fill=_TOTAL_FILL) for _ in range(3)])
    sheet.append([_cell(ws, None, fill=_TOTAL_FILL), _text(ws, AVERAGE_LABEL, font=_BOLD, fill=_TOTAL_FILL)]
                 + [_cell(ws, None, fill=_TOTAL_FILL) for _ in numbers]
                 + [_number(ws, average, AVERAGE_FORMAT, **total) for average in averages]
                 + [_cell(ws, None, fill=_TOTAL_FILL)])
    if totals.criteria:
        sheet.append([])
        sheet.append([None, _cell(ws, "Tên các tiêu chí:", font=_BOLD, border=False)])
        for criterion in totals.criteria:
            sheet.append([None, _cell(ws, safe_text(f"{criterion.number}. {criterion.name}"), border=False)])
