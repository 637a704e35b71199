"""Excel workbooks of the deadline board and the district totals.

Made of the cells and sheets of the toolkit's `documents/sheet.py` (write-only: a board of any size is
written in bounded memory). Each function returns the finished file as bytes.
"""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ...documents import sheet as xl
from ...documents.cells import safe_text
from ...letterhead import dmy, house
from ...org.models import UNIT_KIND_LABELS
from .. import rules
from ..models import STATUS_LABELS, Status
from ..texts import said
from .figures import MONEY_FIELDS, any_counted, commune_status, counted, figure_rows

KM_FORMAT = "#,##0.000"
AVERAGE_FORMAT = "0.0"
NO_DOSSIER = "Chưa có hồ sơ"
MET = "x"

# The board's filters, said in the title so a filtered export is never read as the whole district.
_STATE_FILTER_LABELS = {
    rules.OVERDUE: "quá hạn", rules.RETURNED: "cần bổ sung", rules.PENDING: "chưa nộp, còn hạn",
    rules.EXTENDED: "được gia hạn", rules.LATE: "nộp muộn", rules.ON_TIME: "nộp đúng hạn",
    rules.ACCEPTED: "đã duyệt",
}
_WHICH_LABELS = {"report": "báo cáo", "meeting": "hội nghị"}


def _campaign_line(campaign) -> str:
    return f"{campaign.title} (văn bản số {campaign.doc_number} ngày {dmy(campaign.doc_date)})"


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
    status_texts = [said(r.report) for r in rows] + [said(r.meeting, "meeting") for r in rows]
    widths = [6, xl.fit((r.code for r in rows), 10, 16), xl.fit((r.name for r in rows), 24, 40),
              xl.fit(kinds.values(), 12, 30), 13, xl.fit(status_texts, 20, 32), 13,
              xl.fit(status_texts, 20, 32), xl.fit([str(v) for v in STATUS_LABELS.values()] + [NO_DOSSIER], 16, 26), 14]
    titles = [(house(campaign).committee_short, xl.BOLD), (_campaign_line(campaign), None),
              (f"Tình hình nộp báo cáo tổng kết đến ngày {dmy(today)}", xl.TITLE_FONT)]
    filter_line = _filter_line(board)
    if filter_line:
        titles.append((filter_line, xl.ITALIC))
    header_row = len(titles) + 2

    wb = Workbook(write_only=True)
    sheet = xl.Sheet(wb, "Tiến độ báo cáo", widths, freeze=f"D{header_row + 1}")
    ws = sheet.ws
    xl.print_setup(ws, header_row)
    sheet.title_lines(*titles)
    sheet.append([])
    sheet.append(xl.header(ws, BOARD_HEADERS))
    for number, row in enumerate(rows, 1):
        sheet.append([
            xl.number(ws, number, alignment=xl.CENTER),
            xl.text(ws, row.code),
            xl.text(ws, row.name),
            xl.text(ws, kinds[row.kind]),
            xl.date_cell(ws, row.report.due if row.report else None),
            xl.text(ws, said(row.report)),
            xl.date_cell(ws, row.meeting.due if row.meeting else None),
            xl.text(ws, said(row.meeting, "meeting")),
            xl.text(ws, _dossier_label(row.status)),
            xl.date_cell(ws, row.last_reminder),
        ])
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(BOARD_HEADERS))}{max(sheet.row, header_row + 1)}"
    return xl.save(wb)


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
        return xl.save(wb)


def _figures_sheet(wb: Workbook, totals, campaign, today: date) -> None:
    figures = figure_rows(totals)
    titles = [(house(campaign).committee_short, xl.BOLD), (_campaign_line(campaign), None),
              (f"Tổng hợp số liệu báo cáo tổng kết đến ngày {dmy(today)}", xl.TITLE_FONT),
              (units_line(totals), xl.ITALIC)]
    header_row = len(titles) + 2
    sheet = xl.Sheet(wb, "Tổng hợp số liệu", [6, xl.fit((f.short_label for f in figures), 30, 60), 12, 20, 22],
                   freeze=f"A{header_row + 1}")
    ws = sheet.ws
    xl.print_setup(ws, header_row)
    sheet.title_lines(*titles)
    sheet.append([])
    sheet.append(xl.header(ws, FIGURE_HEADERS))
    money_rows: list[int] = []
    number = 0
    for figure in figures:
        if figure.name == "money_total":
            first, last = money_rows[0], money_rows[-1]
            style = {"font": xl.BOLD, "fill": xl.TOTAL_FILL}
            sheet.append([xl.cell(ws, None, fill=xl.TOTAL_FILL), xl.text(ws, figure.short_label, **style),
                          xl.text(ws, figure.unit, alignment=xl.CENTER, fill=xl.TOTAL_FILL)]
                         + [xl.number(ws, f"=SUM({col}{first}:{col}{last})", **style) for col in ("D", "E")])
            continue
        number += 1
        number_format = KM_FORMAT if figure.decimals else xl.INTEGER_FORMAT
        written = sheet.append([xl.number(ws, number, alignment=xl.CENTER), xl.text(ws, figure.short_label),
                                xl.text(ws, figure.unit, alignment=xl.CENTER),
                                xl.number(ws, figure.accepted, number_format),
                                xl.number(ws, figure.with_submitted, number_format)])
        if figure.name in MONEY_FIELDS:
            money_rows.append(written)
    sheet.append([xl.cell(ws, None), xl.text(ws, "Số báo cáo được tính"), xl.text(ws, "báo cáo", alignment=xl.CENTER),
                  xl.number(ws, totals.accepted_units), xl.number(ws, totals.accepted_units + totals.submitted_units)])


def _criteria_sheet(wb: Workbook, totals, campaign, today: date) -> None:
    numbers = criterion_numbers(totals)
    start_year, end_year = campaign.period_start - 1, campaign.period_end
    headers = (["STT", "Xã/thị trấn"] + numbers
               + [f"Số TC đạt {start_year}", f"Số TC đạt {end_year}", "Tình trạng báo cáo"])
    titles = [(house(campaign).committee_short, xl.BOLD),
              (f"Kết quả thực hiện {len(numbers)} tiêu chí nông thôn mới của các xã, thị trấn đến ngày {dmy(today)}",
               xl.TITLE_FONT),
              (f"“{MET}”: xã đạt tiêu chí năm {end_year}. Chỉ tính các báo cáo đã duyệt hoặc đang chờ duyệt.",
               xl.ITALIC)]
    header_row = len(titles) + 2
    widths = [6, xl.fit([c.name for c in totals.communes] + [AVERAGE_LABEL], 20, 32)] + [4.5] * len(numbers) \
        + [12, 12, 14]
    sheet = xl.Sheet(wb, f"{len(numbers)} tiêu chí", widths, freeze=f"C{header_row + 1}")
    ws = sheet.ws
    xl.print_setup(ws, header_row)
    sheet.title_lines(*titles)
    sheet.append([])
    sheet.append(xl.header(ws, headers))
    for index, commune in enumerate(totals.communes, 1):
        reported = counted(commune.status)
        sheet.append([xl.number(ws, index, alignment=xl.CENTER), xl.text(ws, commune.name)]
                     + [xl.cell(ws, MET if n in commune.met_end else None, alignment=xl.CENTER) for n in numbers]
                     + [xl.number(ws, commune.count_start if reported else None, alignment=xl.CENTER),
                        xl.number(ws, commune.count_end if reported else None, alignment=xl.CENTER),
                        xl.text(ws, commune_status(commune.status), alignment=xl.CENTER)])
    total = {"font": xl.BOLD, "alignment": xl.CENTER, "fill": xl.TOTAL_FILL}
    averages = (totals.average_start, totals.average_end) if any_counted(totals) else (None, None)
    sheet.append([xl.cell(ws, None, fill=xl.TOTAL_FILL), xl.text(ws, MET_COUNT_LABEL, font=xl.BOLD, fill=xl.TOTAL_FILL)]
                 + [xl.number(ws, totals.met_per_criterion.get(n, 0), **total) for n in numbers]
                 + [xl.cell(ws, None, fill=xl.TOTAL_FILL) for _ in range(3)])
    sheet.append([xl.cell(ws, None, fill=xl.TOTAL_FILL), xl.text(ws, AVERAGE_LABEL, font=xl.BOLD, fill=xl.TOTAL_FILL)]
                 + [xl.cell(ws, None, fill=xl.TOTAL_FILL) for _ in numbers]
                 + [xl.number(ws, average, AVERAGE_FORMAT, **total) for average in averages]
                 + [xl.cell(ws, None, fill=xl.TOTAL_FILL)])
    if totals.criteria:
        sheet.append([])
        sheet.append([None, xl.cell(ws, "Tên các tiêu chí:", font=xl.BOLD, border=False)])
        for criterion in totals.criteria:
            sheet.append([None, xl.cell(ws, safe_text(f"{criterion.number}. {criterion.name}"), border=False)])
