"""The exports as a user opens them: the board and the totals in Excel, the draft report in Word.

The boards and totals are built by hand from plain dataclasses (no database, no app): each test
writes the file, opens the bytes again with openpyxl / python-docx and reads what a user would see.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook

from ntm_intranet.campaigns.models import Campaign, Criterion
from ntm_intranet.demo.world import CAMPAIGN, CRITERIA
from ntm_intranet.documents.cells import safe_text
from ntm_intranet.letterhead import document_date
from ntm_intranet.reports import rules
from ntm_intranet.reports.deadline_board import Board, BoardRow
from ntm_intranet.reports.district_totals import CommuneCriteria, Totals
from ntm_intranet.reports.documents.district_report import totals_docx
from ntm_intranet.reports.documents.sheets import board_xlsx, totals_xlsx
from ntm_intranet.reports.texts import state_text

from .issuers import COORDINATOR

TODAY = date(2015, 6, 22)
AGENCY_DUE, COMMUNE_DUE = date(2015, 6, 20), date(2015, 6, 25)
AGENCY_MEETING, COMMUNE_MEETING = date(2015, 6, 25), date(2015, 6, 30)
INJECTION = '=HYPERLINK("x")'


# ---------------------------------------------------------------------------------------------
# state_text


def _state(due=AGENCY_DUE, done_on=None, extended_to=None, review=None, today=TODAY):
    return rules.milestone_state(due, today, done_on, extended_to, review)


STATE_CASES = [
    (rules.PENDING, _state(COMMUNE_DUE), "chưa nộp (còn 3 ngày)"),
    (rules.PENDING, _state(COMMUNE_DUE, today=COMMUNE_DUE), "chưa nộp (hạn hôm nay)"),
    (rules.EXTENDED, _state(extended_to=date(2015, 6, 30)), "gia hạn đến 30/06/2015"),
    (rules.OVERDUE, _state(), "quá hạn 2 ngày"),
    (rules.OVERDUE, _state(extended_to=date(2015, 6, 21)), "quá hạn 1 ngày (đã gia hạn đến 21/06/2015)"),
    (rules.LATE, _state(done_on=date(2015, 6, 22)), "nộp muộn 2 ngày"),
    (rules.ON_TIME, _state(done_on=date(2015, 6, 20)), "đã nộp đúng hạn"),
    (rules.ON_TIME, _state(done_on=date(2015, 6, 24), extended_to=date(2015, 6, 30)), "đã nộp đúng hạn"),
    (rules.RETURNED, _state(done_on=date(2015, 6, 19), review="returned"), "cần bổ sung"),
    (rules.ACCEPTED, _state(done_on=date(2015, 6, 23), review="accepted"), "đã duyệt"),
]


@pytest.mark.parametrize(("code", "state", "text"), STATE_CASES)
def test_state_text_says_where_a_unit_stands(code, state, text):
    assert state.code == code
    assert state_text(state) == text


def test_state_text_covers_every_state_code_and_none():
    assert {code for code, _state, _text in STATE_CASES} == set(rules.ORDER)
    assert state_text(None) == ""


def test_state_text_is_the_same_inside_a_vietnamese_app():
    from tests.conftest import make_app

    app = make_app()
    with app.test_request_context("/"):
        assert [state_text(s) for _c, s, _t in STATE_CASES] == [t for _c, _s, t in STATE_CASES]


@pytest.mark.parametrize(("day", "text"), [
    (date(2015, 5, 19), "Đakrông, ngày 19 tháng 5 năm 2015"),
    (date(2015, 2, 5), "Đakrông, ngày 05 tháng 02 năm 2015"),
    (date(2015, 12, 31), "Đakrông, ngày 31 tháng 12 năm 2015"),
])
def test_document_date_follows_decree_30(day, text):
    assert document_date("Đakrông", day) == text


# ---------------------------------------------------------------------------------------------
# safe_text


@pytest.mark.parametrize(("value", "expected"), [
    (INJECTION, "'" + INJECTION),
    ("+84 912 345 678", "'+84 912 345 678"),
    ("-1+2", "'-1+2"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("Xã Triệu Nguyên", "Xã Triệu Nguyên"),
    ("a=b", "a=b"),
    ("", ""),
    (1150000, 1150000),
    (-5, -5),
    (12.345, 12.345),
    (None, None),
    (date(2015, 6, 25), date(2015, 6, 25)),
])
def test_safe_text_neutralises_formulas_and_keeps_numbers(value, expected):
    assert safe_text(value) == expected


# ---------------------------------------------------------------------------------------------
# Fixtures: a campaign, a board, totals


def _campaign() -> Campaign:
    return Campaign(**{k: CAMPAIGN[k] for k in ("title", "doc_number", "doc_date", "period_start", "period_end")},
                    issuer="Ủy ban nhân dân huyện Đakrông")


def _row(unit_id, code, name, kind, status=None, report=None, meeting=None, last_reminder=None) -> BoardRow:
    return BoardRow(unit_id, code, name, kind, unit_id if status else None, status, report, meeting, 1, 2,
                    last_reminder)


def _board(rows=None, **filters) -> Board:
    rows = rows if rows is not None else [
        _row(1, "TCKH", "Phòng Tài chính – Kế hoạch", "agency", "submitted",
             _state(done_on=date(2015, 6, 22)), _state(AGENCY_MEETING)),
        _row(2, "LDTBXH", "Phòng Lao động – Thương binh và Xã hội", "agency", "draft", _state(),
             _state(AGENCY_MEETING), last_reminder=date(2015, 6, 21)),
        _row(3, "HND", "Hội Nông dân", "agency", None, _state(extended_to=date(2015, 6, 30)),
             _state(AGENCY_MEETING)),
        _row(4, "19567", "Xã Triệu Nguyên", "commune", "accepted",
             _state(COMMUNE_DUE, done_on=date(2015, 6, 18), review="accepted"),
             _state(COMMUNE_MEETING, done_on=date(2015, 6, 19))),
        _row(5, "19582", "Xã Húc Nghì", "commune", "returned",
             _state(COMMUNE_DUE, done_on=date(2015, 6, 19), review="returned"), _state(COMMUNE_MEETING)),
        _row(6, "19555", "Thị trấn Krông Klang", "town", None, _state(COMMUNE_DUE), None),
        _row(7, INJECTION, INJECTION, "commune", None, _state(COMMUNE_DUE), _state(COMMUNE_MEETING)),
    ]
    return Board(rows, len(rows), 1, 1, {}, {}, {"kind": "", "state": "", "which": "report", "sort": "name",
                                                  **filters})


def _criteria() -> list[Criterion]:
    return [Criterion(set_code="qd491", number=n, group_no=g, group_name="", name=name) for n, g, name in CRITERIA]


def _totals() -> Totals:
    accepted = {"money_state": 1_150_000, "money_people": 250_000, "money_other": 100_000, "labour_days": 1_200,
                "land_m2": 3_500, "trees": 40, "structures_moved": 3, "road_m": 12_345}
    with_submitted = {**accepted, "money_state": 2_300_000, "road_m": 20_500}
    communes = [
        CommuneCriteria(1, "19567", "Xã Triệu Nguyên", "accepted", {1, 8}, set(range(1, 11))),
        CommuneCriteria(2, "19570", "Xã Ba Lòng", "submitted", set(), {1, 4, 8}),
        CommuneCriteria(3, "19582", "Xã Húc Nghì", "returned", set(), set()),
        CommuneCriteria(4, "19588", "Xã Tà Rụt", None, set(), set()),
        CommuneCriteria(5, "19599", INJECTION, "draft", set(), set()),
    ]
    met = {n: sum(1 for c in communes if n in c.met_end) for n in range(1, 20)}
    return Totals(accepted, with_submitted, 1, 1, 34, _criteria(), communes,
                  rules.criteria_average([2, 0]), rules.criteria_average([10, 3]), met)


def _open_xlsx(data: bytes):
    assert isinstance(data, bytes)
    return load_workbook(io.BytesIO(data))


def _find(ws, value):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell
    raise AssertionError(f"{value!r} not in sheet {ws.title}")


def _texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


# ---------------------------------------------------------------------------------------------
# Board


def test_board_xlsx_lists_every_unit_with_its_states_in_vietnamese():
    wb = _open_xlsx(board_xlsx(_board(), _campaign(), TODAY))
    assert wb.sheetnames == ["Tiến độ báo cáo"]
    ws = wb["Tiến độ báo cáo"]
    assert ws["A1"].value == "UBND HUYỆN ĐAKRÔNG"
    assert "76/KH-UBND" in ws["A2"].value and "Chung sức xây dựng nông thôn mới" in ws["A2"].value
    assert ws["A3"].value == "Tình hình nộp báo cáo tổng kết đến ngày 22/06/2015"

    header = _find(ws, "STT").row
    assert [c.value for c in ws[header]] == [
        "STT", "Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Báo cáo: hạn", "Báo cáo: tình trạng", "Hội nghị: hạn",
        "Hội nghị: tình trạng", "Trạng thái hồ sơ", "Nhắc gần nhất"]
    rows = {r[2].value: r for r in ws.iter_rows(min_row=header + 1)}
    assert len(rows) == 7

    finance = rows["Phòng Tài chính – Kế hoạch"]
    assert finance[0].value == 1
    assert finance[3].value == "Cơ quan, ban ngành, đoàn thể cấp huyện"
    assert finance[5].value == "nộp muộn 2 ngày"
    assert finance[7].value == "chưa tổ chức (còn 3 ngày)"
    assert finance[8].value == "Đã gửi, chờ duyệt"
    assert rows["Phòng Lao động – Thương binh và Xã hội"][5].value == "quá hạn 2 ngày"
    assert rows["Hội Nông dân"][5].value == "gia hạn đến 30/06/2015"
    assert rows["Hội Nông dân"][8].value == "Chưa có hồ sơ"
    assert rows["Xã Triệu Nguyên"][5].value == "đã duyệt"
    assert rows["Xã Triệu Nguyên"][7].value == "đã tổ chức đúng hạn"
    assert rows["Xã Húc Nghì"][5].value == "cần bổ sung"
    assert rows["Thị trấn Krông Klang"][3].value == "Thị trấn"
    assert rows["Thị trấn Krông Klang"][6].value is None and rows["Thị trấn Krông Klang"][7].value is None


def test_exports_stay_vietnamese_for_a_user_reading_the_site_in_english():
    from flask import session

    from ntm_intranet.org.models import UNIT_KIND_LABELS, UnitKind
    from tests.conftest import make_app

    app = make_app()
    overdue = _state()
    with app.test_request_context("/"):
        session["lang"] = "en"
        # the pages themselves are English
        assert str(UNIT_KIND_LABELS[UnitKind.AGENCY]) != "Cơ quan, ban ngành, đoàn thể cấp huyện"
        assert state_text(overdue) == "2 days overdue"
        ws = _open_xlsx(board_xlsx(_board(), _campaign(), TODAY)).active
        doc = _open_docx(totals_docx(_totals(), _campaign(), TODAY, COORDINATOR))
        sheet = _open_xlsx(totals_xlsx(_totals(), _campaign(), TODAY))["Tổng hợp số liệu"]
        assert state_text(overdue) == "2 days overdue"  # and stay so after an export
    labour = next(r for r in ws.iter_rows() if r[2].value == "Phòng Lao động – Thương binh và Xã hội")
    assert [labour[3].value, labour[5].value] == ["Cơ quan, ban ngành, đoàn thể cấp huyện", "quá hạn 2 ngày"]
    assert "Vốn ngân sách nhà nước (đồng)" in _all_text(doc)
    assert "Vốn ngân sách nhà nước" in _texts(sheet)


def test_board_xlsx_writes_real_dates_shown_dd_mm_yyyy():
    ws = _open_xlsx(board_xlsx(_board(), _campaign(), TODAY)).active
    header = _find(ws, "STT").row
    rows = {r[2].value: r for r in ws.iter_rows(min_row=header + 1)}
    extended_due = rows["Hội Nông dân"][4]
    assert extended_due.is_date and extended_due.value == datetime(2015, 6, 30)
    assert extended_due.number_format == "dd/mm/yyyy"
    reminded = rows["Phòng Lao động – Thương binh và Xã hội"][9]
    assert reminded.is_date and reminded.value == datetime(2015, 6, 21) and reminded.number_format == "dd/mm/yyyy"
    assert rows["Xã Triệu Nguyên"][6].value == datetime(2015, 6, 30)
    assert rows["Xã Triệu Nguyên"][9].value is None


def test_board_xlsx_neutralises_a_formula_typed_by_a_user():
    ws = _open_xlsx(board_xlsx(_board(), _campaign(), TODAY)).active
    cell = _find(ws, "'" + INJECTION)
    assert cell.data_type == "s"
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_board_xlsx_is_ready_to_filter_and_print():
    ws = _open_xlsx(board_xlsx(_board(), _campaign(), TODAY)).active
    header = _find(ws, "STT").row
    assert ws.freeze_panes == f"D{header + 1}"
    assert ws.auto_filter.ref == f"A{header}:J{header + 7}"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == f"${header}:${header}"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    longest = len("Phòng Lao động – Thương binh và Xã hội")
    assert ws.column_dimensions["C"].width >= longest
    assert ws.column_dimensions["F"].width >= len("quá hạn 2 ngày")


def test_board_xlsx_says_when_it_is_filtered():
    board = _board(kind="agency", state="overdue")
    board.rows = [r for r in board.rows if r.kind == "agency"]
    ws = _open_xlsx(board_xlsx(board, _campaign(), TODAY)).active
    assert any("loại đơn vị: Cơ quan, ban ngành, đoàn thể cấp huyện" in t and "quá hạn" in t for t in _texts(ws))
    header = _find(ws, "STT").row
    assert ws.freeze_panes == f"D{header + 1}"


def test_board_xlsx_streams_a_large_board():
    rows = [_row(i, f"U{i:05d}", f"Thôn Pa Linh {i}", "commune", None, _state(COMMUNE_DUE), None)
            for i in range(1, 2001)]
    ws = _open_xlsx(board_xlsx(_board(rows), _campaign(), TODAY)).active
    assert ws.max_row == _find(ws, "STT").row + 2000
    assert ws.cell(ws.max_row, 3).value == "Thôn Pa Linh 2000"


def test_board_xlsx_of_an_empty_board_still_opens():
    ws = _open_xlsx(board_xlsx(_board([]), _campaign(), TODAY)).active
    assert _find(ws, "Tên đơn vị")


# ---------------------------------------------------------------------------------------------
# Totals, Excel


def test_totals_xlsx_adds_up_the_figures_with_money_as_numbers():
    wb = _open_xlsx(totals_xlsx(_totals(), _campaign(), TODAY))
    assert wb.sheetnames == ["Tổng hợp số liệu", "19 tiêu chí"]
    ws = wb["Tổng hợp số liệu"]
    header = _find(ws, "STT").row
    assert [c.value for c in ws[header]] == ["STT", "Nội dung", "Đơn vị tính", "Báo cáo đã duyệt",
                                             "Kể cả báo cáo chờ duyệt"]
    rows = {r[1].value: r for r in ws.iter_rows(min_row=header + 1)}

    state = rows["Vốn ngân sách nhà nước"]
    assert state[2].value == "đồng"
    assert state[3].value == 1_150_000 and state[3].data_type == "n" and state[3].number_format == "#,##0"
    assert state[4].value == 2_300_000 and state[4].number_format == "#,##0"
    assert rows["Nguồn vốn khác: doanh nghiệp, tín dụng, tài trợ"][3].value == 100_000

    total = rows["Tổng vốn huy động"]
    first, last = state[3].row, rows["Nguồn vốn khác: doanh nghiệp, tín dụng, tài trợ"][3].row
    assert last - first == 2
    assert total[3].value == f"=SUM(D{first}:D{last})" and total[3].data_type == "f"
    assert total[4].value == f"=SUM(E{first}:E{last})"
    assert total[3].number_format == "#,##0"

    road = rows["Đường giao thông làm mới, sửa chữa"]
    assert road[2].value == "km"
    assert road[3].value == pytest.approx(12.345) and road[4].value == pytest.approx(20.5)
    assert road[3].number_format == "#,##0.000"
    assert rows["Ngày công lao động đóng góp"][3].value == 1_200
    assert rows["Đất hiến"][2].value == "m²"
    assert rows["Số báo cáo được tính"][3].value == 1 and rows["Số báo cáo được tính"][4].value == 2
    assert any("1 báo cáo đã duyệt" in t and "1 báo cáo đang chờ duyệt" in t and "34 đơn vị" in t
               for t in _texts(ws))


def test_totals_xlsx_marks_the_criteria_met_by_each_commune():
    ws = _open_xlsx(totals_xlsx(_totals(), _campaign(), TODAY))["19 tiêu chí"]
    header = _find(ws, "STT").row
    labels = [c.value for c in ws[header]]
    assert labels[:2] == ["STT", "Xã/thị trấn"]
    assert labels[2:21] == list(range(1, 20))
    assert labels[21:] == ["Số TC đạt 2010", "Số TC đạt 2015", "Tình trạng báo cáo"]
    rows = {r[1].value: r for r in ws.iter_rows(min_row=header + 1)}

    trieu = rows["Xã Triệu Nguyên"]
    assert [c.value for c in trieu[2:21]] == ["x"] * 10 + [None] * 9
    assert (trieu[21].value, trieu[22].value, trieu[23].value) == (2, 10, "đã duyệt")
    ba_long = rows["Xã Ba Lòng"]
    assert [ba_long[n + 1].value for n in (1, 4, 8)] == ["x", "x", "x"]
    assert (ba_long[21].value, ba_long[22].value, ba_long[23].value) == (0, 3, "chờ duyệt")
    for name in ("Xã Húc Nghì", "Xã Tà Rụt"):
        assert rows[name][23].value == "chưa nộp"
        assert rows[name][22].value is None  # not counted: no "0 criteria" for a commune that has not reported
    assert rows["'" + INJECTION][23].value == "chưa nộp"

    met = rows["Số xã đạt"]
    assert [c.value for c in met[2:21]] == [2, 1, 1, 2, 1, 1, 1, 2, 1, 1] + [0] * 9
    average = rows["Bình quân tiêu chí/xã"]
    assert average[21].value == pytest.approx(1.0) and average[22].value == pytest.approx(6.5)
    assert average[22].number_format == "0.0"
    assert met[0].row + 1 == average[0].row
    assert "1. Quy hoạch và thực hiện quy hoạch" in _texts(ws)
    assert ws.freeze_panes == f"C{header + 1}"
    assert ws.page_setup.orientation == "landscape"


def test_totals_leave_the_averages_empty_while_no_commune_has_reported():
    totals = _totals()
    for commune in totals.communes:
        commune.status, commune.met_start, commune.met_end = None, set(), set()
    totals.average_start = totals.average_end = 0.0
    ws = _open_xlsx(totals_xlsx(totals, _campaign(), TODAY))["19 tiêu chí"]
    average = next(r for r in ws.iter_rows() if r[1].value == "Bình quân tiêu chí/xã")
    assert average[21].value is None and average[22].value is None
    doc = _open_docx(totals_docx(totals, _campaign(), TODAY, COORDINATOR))
    criteria = next(t for t in doc.tables if t.cell(0, 1).text == "Xã/thị trấn")
    assert [c.text for c in criteria.rows[-1].cells][21:23] == ["", ""]


def test_totals_xlsx_neutralises_user_text_but_keeps_its_own_formula():
    wb = _open_xlsx(totals_xlsx(_totals(), _campaign(), TODAY))
    formulas = [c.value for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert len(formulas) == 2 and all(f.startswith("=SUM(") for f in formulas)


# ---------------------------------------------------------------------------------------------
# Totals, Word


def _open_docx(data: bytes):
    assert isinstance(data, bytes)
    return Document(io.BytesIO(data))


def _all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_totals_docx_has_the_official_header_and_title():
    doc = _open_docx(totals_docx(_totals(), _campaign(), TODAY, COORDINATOR))
    head = doc.tables[0]
    left, right = head.cell(0, 0), head.cell(0, 1)
    assert [p.text for p in left.paragraphs][:2] == ["UBND HUYỆN ĐAKRÔNG", "PHÒNG NÔNG NGHIỆP VÀ PTNT"]
    assert [p.text for p in right.paragraphs][:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                      "Độc lập - Tự do - Hạnh phúc"]
    assert left.paragraphs[0].runs[0].bold is not True and left.paragraphs[1].runs[0].bold
    assert left.paragraphs[1].runs[0].font.size.pt == 13 and right.paragraphs[0].runs[0].font.size.pt == 12
    assert right.paragraphs[1].runs[0].bold
    assert "w:tblBorders" in head._tbl.xml and 'w:val="nil"' in head._tbl.xml

    date_line = next(p for c in head.rows[1].cells for p in c.paragraphs if p.text.startswith("Đakrông"))
    assert date_line.text == "Đakrông, ngày 22 tháng 6 năm 2015"
    assert date_line.runs[0].italic

    title = next(p for p in doc.paragraphs if p.text == "BÁO CÁO")
    assert title.runs[0].bold and title.runs[0].font.size.pt == 14
    assert any("Chung sức xây dựng nông thôn mới" in p.text and "dự thảo" in p.text for p in doc.paragraphs)
    header_text = " ".join(p.text for s in doc.sections for p in s.header.paragraphs)
    assert "DỰ THẢO" in header_text


def _mm(*lengths) -> tuple[int, ...]:
    return tuple(round(length.mm) for length in lengths)


def test_totals_docx_is_a4_times_new_roman_with_a_landscape_criteria_section():
    doc = _open_docx(totals_docx(_totals(), _campaign(), TODAY, COORDINATOR))
    first, second = doc.sections
    assert _mm(first.page_width, first.page_height) == (210, 297)
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert _mm(first.top_margin, first.bottom_margin, first.left_margin, first.right_margin) == (20, 20, 30, 15)
    assert second.orientation == WD_ORIENT.LANDSCAPE
    assert _mm(second.page_width, second.page_height) == (297, 210)
    assert _mm(second.left_margin, second.right_margin) == (30, 15)

    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    fonts = normal.element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "Times New Roman"
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}asciiTheme") is None


def test_totals_docx_tables_hold_the_money_and_the_communes():
    doc = _open_docx(totals_docx(_totals(), _campaign(), TODAY, COORDINATOR))
    text = _all_text(doc)
    assert "I. Nguồn lực huy động" in text and "II. Kết quả thực hiện 19 tiêu chí" in text

    resources = next(t for t in doc.tables if t.cell(0, 0).text == "Nội dung")
    assert [c.text for c in resources.rows[0].cells] == ["Nội dung", "Đã duyệt", "Kể cả chờ duyệt"]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in resources.rows}
    assert rows["Vốn ngân sách nhà nước (đồng)"][1:] == ["1.150.000", "2.300.000"]
    assert rows["Tổng vốn huy động (đồng)"][1:] == ["1.500.000", "2.650.000"]
    assert rows["Đường giao thông làm mới, sửa chữa (km)"][1:] == ["12,345", "20,500"]

    criteria = next(t for t in doc.tables if t.cell(0, 1).text == "Xã/thị trấn")
    assert [c.text for c in criteria.rows[0].cells][2:21] == [str(n) for n in range(1, 20)]
    names = [r.cells[1].text for r in criteria.rows]
    for name in ("Xã Triệu Nguyên", "Xã Ba Lòng", "Xã Húc Nghì", "Xã Tà Rụt"):
        assert name in names
    trieu = [c.text for c in criteria.rows[names.index("Xã Triệu Nguyên")].cells]
    assert trieu[2:12] == ["x"] * 10 and trieu[21:] == ["2", "10", "đã duyệt"]
    assert [c.text for c in criteria.rows[-1].cells][1] == "Bình quân tiêu chí/xã"
    assert [c.text for c in criteria.rows[-1].cells][21:23] == ["1,0", "6,5"]
    assert [c.text for c in criteria.rows[-2].cells][1] == "Số xã đạt"
    sizes = {r.font.size.pt for p in criteria.rows[1].cells[1].paragraphs for r in p.runs}
    assert sizes and all(9 <= s <= 10 for s in sizes)
    body = list(doc.element.body)
    section_break = next(i for i, el in enumerate(body) if el.xpath("./w:pPr/w:sectPr"))
    assert body.index(criteria._tbl) > section_break > body.index(resources._tbl)
