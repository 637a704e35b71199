"""One source for every word that is printed: the motto, the nation, the issuing bodies and the
Vietnamese ways of writing numbers come from ntm_intranet/letterhead.py, and every paper of one issuer
carries the same header words whichever module builds it."""

from __future__ import annotations

import ast
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from ntm_intranet import letterhead
from ntm_intranet.awards.documents import AwardListDoc, award_list_docx
from ntm_intranet.conference.documents import EstimateDoc, GuestListDoc, estimate_docx, guest_list_docx
from ntm_intranet.letterhead import House
from ntm_intranet.nominations.documents import AchievementReport, achievement_report_docx
from ntm_intranet.reports.documents.outline import ReportOutline, report_outline_docx
from ntm_intranet.voting.documents import MinutesDoc, minutes_docx
from ntm_intranet.voting.proposal import ProposalDoc, submission_docx

PACKAGE = Path(letterhead.__file__).parent
# The demo is data: it names the district it builds, as an administrator would type it.
DEMO = {"seed.py", "demo_reports.py", "demo_board.py", "demo_conference.py", "scale.py"}


def _literals(path: Path) -> list[tuple[int, str]]:
    """Every string literal of a module that is not a docstring or a comment: what the code can print."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def _code_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in DEMO or path.parent.name == "demo" or path == Path(letterhead.__file__):
            continue
        yield path


@pytest.mark.parametrize("words", ["Tự do", "Hạnh phúc", "CỘNG HÒA XÃ HỘI", "Cộng hòa xã hội"])
def test_no_module_but_the_letterhead_spells_the_motto_or_the_nation(words):
    offenders = [f"{path.relative_to(PACKAGE)}:{line}" for path in _code_modules()
                 for line, text in _literals(path) if words in text]
    assert not offenders, f"{words!r} is written outside letterhead.py: {offenders}"
    assert words.lower() in (letterhead.MOTTO + letterhead.NATION).lower()


@pytest.mark.parametrize("name", ["Đakrông", "ĐAKRÔNG", "Quảng Trị", "PHÒNG NỘI VỤ", "PHÒNG NÔNG NGHIỆP",
                                  "TÀI CHÍNH – KẾ HOẠCH"])
def test_no_module_spells_an_issuers_name(name):
    """The district and its offices are the campaign's data: the code names none of them."""
    offenders = [f"{path.relative_to(PACKAGE)}:{line}" for path in _code_modules()
                 for line, text in _literals(path) if name in text]
    assert not offenders, f"{name!r} is written in the code: {offenders}"


def test_the_motto_is_written_with_hyphens_as_the_rule_of_2015_writes_it():
    assert letterhead.MOTTO == "Độc lập - Tự do - Hạnh phúc"
    assert "–" not in letterhead.MOTTO


HOUSE = House("Ủy ban nhân dân huyện Đakrông")


def test_the_issuing_bodies_come_from_the_campaigns_issuer():
    assert (HOUSE.level, HOUSE.place) == ("huyện", "Đakrông")
    assert HOUSE.committee().lines == (("UBND HUYỆN ĐAKRÔNG", True),)
    assert HOUSE.office("Phòng Nội vụ").lines == (("UBND HUYỆN ĐAKRÔNG", False), ("PHÒNG NỘI VỤ", True))
    assert HOUSE.office("Phòng Nội vụ").author == "Phòng Nội vụ huyện Đakrông"
    assert HOUSE.board().author == "Hội đồng Thi đua – Khen thưởng huyện Đakrông"
    assert HOUSE.chairman_name == "Chủ tịch UBND huyện Đakrông"
    assert HOUSE.commune("Xã Triệu Nguyên").lines == (("UBND XÃ TRIỆU NGUYÊN", True),)
    assert HOUSE.commune("Xã Triệu Nguyên").date_line(date(2015, 6, 5)) == "Triệu Nguyên, ngày 05 tháng 6 năm 2015"
    other = House("Ủy ban nhân dân thị xã Quảng Trị")
    assert (other.level, other.place, other.committee_short) == ("thị xã", "Quảng Trị", "UBND THỊ XÃ QUẢNG TRỊ")


def _header(data: bytes) -> list[str]:
    """The words of a Word document's two-column header: its first table, cell by cell."""
    table = Document(io.BytesIO(data)).tables[0]
    return [cell.text for row in table.rows for cell in row.cells]


def _body_words(header: list[str]) -> tuple[str, str, str]:
    """(issuing body, nation and motto, date line's place) from the header cells."""
    return header[0].strip(), header[1].strip(), header[3].split(",")[0]


def test_every_paper_of_one_issuer_carries_the_same_header_words():
    day = date(2015, 7, 8)
    committee, board = HOUSE.committee(), HOUSE.board()
    coordinator, secretary = HOUSE.office("Phòng Nông nghiệp và PTNT"), HOUSE.office("Phòng Nội vụ")
    papers = {
        "award list": (committee, award_list_docx(AwardListDoc(decision_date=day, approved=True, issuer=committee,
                                                               decided_by=HOUSE.chairman_name))),
        "minutes": (board, minutes_docx(MinutesDoc(held_on=day, issuer=board))),
        "tờ trình": (secretary, submission_docx(ProposalDoc(held_on=day, issuer=secretary, office_name="Phòng Nội vụ",
                                                            addressee=HOUSE.chairman_name))),
        "estimate": (coordinator, estimate_docx(EstimateDoc("Hội nghị tổng kết", day=day, issuer=coordinator,
                                                            preparer="TRƯỞNG PHÒNG NÔNG NGHIỆP VÀ PTNT",
                                                            finance_office="Phòng Tài chính – Kế hoạch"))),
        "guest list": (coordinator, guest_list_docx(GuestListDoc("Hội nghị tổng kết", day=day, issuer=coordinator))),
        "outline": (HOUSE.unit("Phòng Y tế"), report_outline_docx(ReportOutline("Phòng Y tế",
                                                                              issuer=HOUSE.unit("Phòng Y tế")))),
        "achievement": (committee, achievement_report_docx(AchievementReport("collective", "Thôn A Vao", "Giấy khen",
                                                                             issuer=committee))),
    }
    for paper, (issuer, data) in papers.items():
        body, nation, place = _body_words(_header(data))
        assert body == "\n".join(text for text, _bold in issuer.lines), paper
        assert nation == f"{letterhead.NATION}\n{letterhead.MOTTO}", paper
        assert place == "Đakrông", paper


def test_money_decimals_lengths_and_dates_are_written_the_vietnamese_way():
    assert letterhead.money(1_150_000) == "1.150.000"
    assert letterhead.vnd(350_000) == "350.000 đ"
    assert letterhead.decimal(12.5) == "12,5" and letterhead.decimal(100.0) == "100"
    assert letterhead.decimal(Decimal("81.818"), 1, trim=False) == "81,8"
    assert letterhead.decimal(12500.25, 2) == "12.500,25"
    assert letterhead.km(12_500) == "12,5" and letterhead.km(1_250_000) == "1.250"
    assert letterhead.dmy(date(2015, 7, 1)) == "01/07/2015"
    assert letterhead.date_words(date(2015, 7, 15)) == "ngày 15 tháng 7 năm 2015"
    assert letterhead.date_words(date(2015, 2, 5)) == "ngày 05 tháng 02 năm 2015"
    assert letterhead.amount_in_words(16_600_000) == "Mười sáu triệu sáu trăm nghìn đồng"
