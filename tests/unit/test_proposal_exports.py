"""The proposal list (XLSX) and the tờ trình (DOCX) of a closed session, built by hand: no database."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from openpyxl import load_workbook

from ntm_intranet.voting.proposal import (
    ProposalDoc,
    ProposalGroup,
    ProposalRow,
    proposal_lines,
    proposal_xlsx,
    submission_docx,
)

from .issuers import DAKRONG, SECRETARY

GK = "Giấy khen của Chủ tịch UBND huyện"
BK = "Bằng khen của Chủ tịch UBND tỉnh (đề nghị)"


def _doc(salary: int | None = 1_150_000) -> ProposalDoc:
    gk = ProposalGroup(GK, "Huyện", [
        ProposalRow(1, "Thôn A Vao", "collective", "xã A Vao", "hoàn thành 12 km đường", 10, 1, 90.9,
                    "Đạt: 10/11 thành viên đồng ý (90,9 %) > 50 %", True, 690_000 if salary else 0),
        ProposalRow(2, "=HYPERLINK(\"http://x\")", "individual", "Trưởng thôn, xã Hướng Hiệp", "vận động hiến đất", 9,
                    2, 81.8, "Đạt: 9/11 thành viên đồng ý (81,8 %) > 50 %", True, 350_000 if salary else 0),
        ProposalRow(3, "Lê Văn Dũng", "individual", "Công chức Địa chính – Xây dựng", "quy hoạch đúng hạn", 5, 6,
                    45.5, "Không đạt: 5/11 thành viên đồng ý (45,5 %), cần > 50 %", False, 0),
        ProposalRow(4, "Hộ ông Lê Văn Bình", "household", "thôn An Hưng, xã Triệu Nguyên", "hiến 350 m² đất", 11, 0,
                    100.0, "Đạt: 11/11 thành viên đồng ý (100 %) > 50 %", True, 350_000 if salary else 0),
    ])
    bk = ProposalGroup(BK, "Tỉnh", [
        ProposalRow(5, "Hộ ông Nguyễn Văn Tư", "household", "thôn Ba Lòng, xã Ba Lòng", "đóng góp 80 triệu đồng",
                    8, 3, 72.7, "Đạt: 8/11 thành viên đồng ý (72,7 %) > 50 %", True, 1_150_000 if salary else 0),
    ])
    return ProposalDoc(campaign_title="Tổng kết phong trào thi đua “Chung sức xây dựng nông thôn mới”",
                       plan_line="Kế hoạch số 76/KH-UBND ngày 19 tháng 5 năm 2015 của Ủy ban nhân dân huyện Đakrông",
                       legal_bases=["Hướng dẫn số 471/HD-BTĐKT ngày 03/4/2014 của Ban Thi đua – Khen thưởng "
                                    "Trung ương"],
                       session_title="Phiên họp xét khen thưởng", held_on=date(2015, 7, 8), members_total=11,
                       secretary="Phạm Thị Lụa", base_salary=salary,
                       salary_basis="Nghị định 66/2013/NĐ-CP" if salary else "", groups=[gk, bk],
                       issuer=SECRETARY, office_name="Phòng Nội vụ", addressee=DAKRONG.chairman_name)


def _rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_the_proposal_list_shows_every_candidate_voted_on_with_the_boards_verdict_and_the_money():
    rows = _rows(proposal_xlsx(_doc()))
    flat = [c for row in rows for c in row if c is not None]
    assert "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG" in flat and "PHÒNG NỘI VỤ" in flat
    assert any("ngày 08 tháng 7 năm 2015" in str(c) and "11 thành viên" in str(c) for c in flat)
    header = next(i for i, row in enumerate(rows) if row[0] == "STT")
    assert rows[header][9] == "Số tiền dự kiến (đồng)"

    body = rows[header + 1:]
    names = [row[1] for row in body if isinstance(row[0], int)]
    assert names == ["Thôn A Vao (tập thể)", "'=HYPERLINK(\"http://x\") (cá nhân)", "Lê Văn Dũng (cá nhân)",
                     "Hộ ông Lê Văn Bình (hộ gia đình)", "Hộ ông Nguyễn Văn Tư (hộ gia đình)"]
    dung = next(row for row in body if row[1] == "Lê Văn Dũng (cá nhân)")
    assert dung[4:] == (5, 6, 45.5, "Không đạt: 5/11 thành viên đồng ý (45,5 %), cần > 50 %", "Không đề nghị", 0)
    # Group headings say how many of the form's candidates the board proposes.
    assert [row[1] for row in body if row[0] is None and row[1] and "đề nghị)" in row[1]] == \
        [f"{GK} (3/4 đề nghị)", f"{BK} (1/1 đề nghị)"]


def test_the_proposal_list_totals_are_formulas_over_the_amounts_that_add_up():
    book = load_workbook(io.BytesIO(proposal_xlsx(_doc())))
    sheet = book.active
    amounts = {row[0].row: row[9].value for row in sheet.iter_rows() if isinstance(row[0].value, int)}
    totals = [(row[1].value, row[9].value) for row in sheet.iter_rows() if row[1].value in ("Cộng", "Tổng cộng")]
    assert [label for label, _ in totals] == ["Cộng", "Cộng", "Tổng cộng"]
    first_sum = totals[0][1]
    assert first_sum.startswith("=SUM(J") and totals[2][1].startswith("=SUM(J")
    start, end = (int(part.strip("J")) for part in first_sum[5:-1].split(":"))
    assert sum(amounts[r] for r in range(start, end + 1)) == 690_000 + 350_000 + 350_000
    assert sum(amounts.values()) == _doc().grand_total == 2_540_000
    # No user text became a formula: the only formulas are the totals.
    formulas = [c.value for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == [value for _, value in totals]
    assert sheet.freeze_panes == "C10" and sheet.page_setup.orientation == "landscape"


def test_the_submission_asks_the_chairman_to_decide_per_award_form_with_counts_and_money():
    doc = Document(io.BytesIO(submission_docx(_doc())))
    paragraphs = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "TỜ TRÌNH" in paragraphs and "Kính gửi: Chủ tịch UBND huyện Đakrông." in paragraphs
    assert cells[0].startswith("UBND HUYỆN ĐAKRÔNG\nPHÒNG NỘI VỤ") and "Số:        /TTr-NV" in cells
    bases = [p for p in paragraphs if p.startswith("Căn cứ ")]
    assert bases[0].startswith("Căn cứ Luật Thi đua, Khen thưởng ngày 26 tháng 11 năm 2003")
    assert bases[-1] == "Căn cứ Biên bản họp Hội đồng Thi đua – Khen thưởng huyện ngày 08 tháng 7 năm 2015,"
    assert "Căn cứ Kế hoạch số 76/KH-UBND ngày 19 tháng 5 năm 2015 của Ủy ban nhân dân huyện Đakrông;" in bases
    assert proposal_lines(_doc()) == [
        f"1. Tặng {GK} cho 1 tập thể, 1 cá nhân và 1 hộ gia đình; số tiền thưởng dự kiến 1.390.000 đồng.",
        "2. Trình cấp có thẩm quyền xét tặng Bằng khen của Chủ tịch UBND tỉnh cho 1 hộ gia đình; "
        "số tiền thưởng dự kiến 1.150.000 đồng.",
    ]
    assert all(line in paragraphs for line in proposal_lines(_doc()))
    assert any(p.startswith("Tổng số tiền thưởng dự kiến: 2.540.000 đồng.") for p in paragraphs)
    assert any("Có 1 trường hợp không đạt" in p for p in paragraphs)
    assert "TRƯỞNG PHÒNG" in "\n".join(cells) and "Phạm Thị Lụa" in "\n".join(cells)
    assert "- Lưu: VT, NV." in "\n".join(cells)


def test_without_a_base_salary_the_submission_says_the_money_cannot_be_estimated_yet():
    doc = Document(io.BytesIO(submission_docx(_doc(salary=None))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "chưa tính được số tiền thưởng dự kiến" in text and "Tổng số tiền" not in text
    assert "số tiền thưởng dự kiến 0" not in text
