"""The layout a văn thư checks before signing, in Word and in PDF: page numbers from page 2 only and where
the rule of the paper's date puts them, no table row cut across two pages, the header row repeated, the
signature block never alone on the last page."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn

from ntm_intranet import letterhead
from ntm_intranet.awards.documents import (
    AwardListDoc,
    AwardRow,
    AwardSection,
    FormGroup,
    award_list_docx,
    award_list_pdf,
)
from ntm_intranet.voting.documents import CandidateResult, MinutesDoc, minutes_docx, minutes_pdf

from .issuers import BOARD, COMMITTEE, DAKRONG

GK = "Giấy khen của Chủ tịch UBND huyện"


def _award_list(rows: int, day: date = date(2015, 7, 15)) -> AwardListDoc:
    lines = [AwardRow(i, f"Hộ ông Hồ Văn A{i}", "thôn Ra Lu, xã Đakrông",
                      f"hiến đất làm đường liên thôn và vận động bà con cùng làm, kết thúc B{i}", GK, 350_000)
             for i in range(1, rows + 1)]
    section = AwardSection("Hộ gia đình", [FormGroup(GK, lines, 350_000 * rows)], 350_000 * rows)
    return AwardListDoc(decision_number="215", decision_date=day, approved=True, signer_name="Phạm Văn Hùng",
                        sections=[section], grand_total=350_000 * rows, issuer=COMMITTEE,
                        decided_by=DAKRONG.chairman_name)


def _minutes(candidates: int) -> MinutesDoc:
    rows = [CandidateResult(i, f"Hộ ông Hồ Văn A{i}", "Hộ gia đình", GK, 11, 9, 2, "81,8", True,
                            f"Đạt: 9/11 thành viên đồng ý (81,8 %) > 50 %, kết thúc B{i}")
            for i in range(1, candidates + 1)]
    return MinutesDoc(title="Phiên họp xét khen thưởng", held_on=date(2015, 7, 8), chair="Phạm Văn Hùng",
                      secretary="Phạm Thị Lụa", members_total=11, candidates=rows, issuer=BOARD)


# Word ----------------------------------------------------------------------------------------


def _fields(part) -> str:
    return " ".join(t.text or "" for t in part._element.iter(qn("w:instrText")))


@pytest.mark.parametrize(("day", "where"), [(date(2015, 7, 15), "footer"), (date(2021, 3, 1), "header")])
def test_word_numbers_pages_from_page_two_where_the_rule_of_the_date_puts_them(day, where):
    section = Document(io.BytesIO(award_list_docx(_award_list(3, day)))).sections[0]
    assert section.different_first_page_header_footer  # page 1 has a header and footer of its own
    assert "PAGE" not in _fields(section.first_page_footer) + _fields(section.first_page_header)
    numbered = section.footer if where == "footer" else section.header
    other = section.header if where == "footer" else section.footer
    assert "PAGE" in _fields(numbered) and "PAGE" not in _fields(other)
    paragraph = next(p for p in numbered.paragraphs if "PAGE" in _fields_of(p))
    assert paragraph.alignment == (2 if where == "footer" else 1)  # right (Thông tư 01/2011) / centre (NĐ 30/2020)
    assert letterhead.layout_rule(day).name == ("Thông tư 01/2011/TT-BNV" if day.year == 2015
                                                else "Nghị định 30/2020/NĐ-CP")


def _fields_of(paragraph) -> str:
    return " ".join(t.text or "" for t in paragraph._p.iter(qn("w:instrText")))


@pytest.mark.parametrize("paper", ["award list", "minutes"])
def test_word_rows_never_split_the_header_repeats_and_the_signature_keeps_with_the_text(paper):
    data = award_list_docx(_award_list(30)) if paper == "award list" else minutes_docx(_minutes(30))
    doc = Document(io.BytesIO(data))
    grid = next(t for t in doc.tables if t.style is not None and t.style.name == "Table Grid")
    rows = grid._tbl.findall(qn("w:tr"))
    assert all(row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for row in rows)
    assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    body = [e for e in doc.element.body if e.tag != qn("w:sectPr")]
    signature = body[-1]
    assert signature.tag == qn("w:tbl")
    assert signature.find(f"{qn('w:tr')}/{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
    before = body[-2]
    kept = [p for p in ([before] if before.tag == qn("w:p") else before.findall(qn("w:tr"))[-1].iter(qn("w:p")))]
    assert kept and all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in kept)


# PDF -----------------------------------------------------------------------------------------


def _pages(pdf: bytes) -> list[str]:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


@pytest.mark.parametrize("rows", [9, 10, 11, 12, 13, 14, 26])
def test_pdf_never_cuts_a_row_and_never_leaves_the_signature_alone(rows):
    """Lengths around the end of the first and second pages, where a cut or a lonely signature would fall."""
    pages = _pages(award_list_pdf(_award_list(rows)))
    for i in range(1, rows + 1):
        holding = [n for n, page in enumerate(pages) if f"A{i} " in page + " "]
        assert holding and all(f"B{i} " in pages[n] + " " for n in holding), f"row {i} is cut across pages"
    assert "Phạm Văn Hùng" in pages[-1] and "Tổng cộng" in pages[-1]
    assert pages[0].split()[-1] != "1"  # page 1 carries no number


def test_pdf_numbers_pages_from_two():
    pages = _pages(minutes_pdf(_minutes(40)))
    assert len(pages) >= 2
    assert pages[1].split()[-1] == "2" and pages[-1].split()[-1] == str(len(pages))
    assert "THƯ KÝ" in pages[-1] and "kết thúc B40" in " ".join(pages[-2:])


def test_every_written_cell_of_a_workbook_is_in_times_new_roman():
    from openpyxl import load_workbook

    from ntm_intranet.awards.documents import award_list_xlsx
    from ntm_intranet.voting.proposal import proposal_xlsx

    from .test_proposal_exports import _doc as proposal_doc

    for name, data in (("award list", award_list_xlsx(_award_list(5))), ("proposal", proposal_xlsx(proposal_doc()))):
        sheet = load_workbook(io.BytesIO(data)).active
        fonts = {cell.font.name for row in sheet.iter_rows() for cell in row if cell.value not in (None, "")}
        assert fonts == {"Times New Roman"}, (name, fonts)
