"""The unit's summary report outline and the achievement report (DOCX), built by hand: no database."""

from __future__ import annotations

import io

from docx import Document

from ntm_intranet.nominations.documents import AchievementReport, achievement_report_docx
from ntm_intranet.reports.documents.outline import (
    OUTLINE_SECTIONS,
    CriterionRow,
    ReportOutline,
    report_outline_docx,
)

from .issuers import DAKRONG

SUBJECT = "Tổng kết phong trào thi đua “Chung sức xây dựng nông thôn mới” giai đoạn 2011–2015"


def _open(data: bytes):
    return Document(io.BytesIO(data))


def _texts(doc) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.extend(p.text for p in cell.paragraphs)
    return texts


def _commune() -> ReportOutline:
    criteria = [CriterionRow(n, f"Tiêu chí số {n}", met_start=n in (1, 4), met_end=n in (1, 2, 4, 8, 19))
                for n in range(1, 20)]
    return ReportOutline(unit_name="Xã Triệu Nguyên", commune=True, issuer=DAKRONG.commune("Xã Triệu Nguyên"),
                         district_committee=DAKRONG.committee_name, coordinator="Phòng Nông nghiệp và PTNT huyện",
                         secretary="Phòng Nội vụ huyện",
                         money_state=25_000_000_000, money_people=350_000_000, money_other=1_600_000_000,
                         labour_days=8_200, land_m2=12_500, trees=1_200, structures_moved=14, road_m=12_500,
                         criteria=criteria)


def test_a_communes_outline_has_the_header_the_six_sections_and_the_signature():
    doc = _open(report_outline_docx(_commune()))
    texts = _texts(doc)
    assert "UBND XÃ TRIỆU NGUYÊN" in texts
    assert "Số: …/BC-UBND" in texts
    assert "Triệu Nguyên, ngày … tháng … năm …" in texts
    assert "BÁO CÁO" in texts and SUBJECT in texts
    assert "DỰ THẢO" in doc.sections[0].header.paragraphs[0].text
    roman = ["I", "II", "III", "IV", "V", "VI"]
    for number, (heading, guidance) in zip(roman, OUTLINE_SECTIONS, strict=True):
        paragraph = next(p for p in doc.paragraphs if p.text == f"{number}. {heading}")
        assert paragraph.runs[0].bold
        line = next(p for p in doc.paragraphs if p.text == guidance)
        assert line.runs[0].italic
    assert "II. Đánh giá kết quả những phong trào thi đua thiết thực trong thực hiện 19 tiêu chí về xây dựng nông " \
           "thôn mới" in texts
    assert "Nơi nhận:" in texts
    assert "TM. ỦY BAN NHÂN DÂN" in texts and "CHỦ TỊCH" in texts
    assert doc.styles["Normal"].font.name == "Times New Roman"


def test_the_figures_are_formatted_the_vietnamese_way():
    doc = _open(report_outline_docx(_commune()))
    figures = doc.tables[1]
    rows = {row.cells[1].text: row.cells[3].text for row in figures.rows[1:]}
    assert rows["Vốn ngân sách nhà nước"] == "25.000.000.000"
    assert rows["Nhân dân đóng góp"] == "350.000.000"
    assert rows["Tổng vốn huy động"] == "26.950.000.000"
    assert rows["Ngày công lao động đóng góp"] == "8.200"
    assert rows["Đất hiến"] == "12.500"
    assert rows["Cây trồng hiến"] == "1.200"
    assert rows["Giải phóng mặt bằng: công trình, vật kiến trúc di dời"] == "14"
    assert rows["Đường giao thông làm mới, sửa chữa"] == "12,5"


def test_the_criteria_table_has_19_rows_and_the_counts():
    doc = _open(report_outline_docx(_commune()))
    table = doc.tables[2]
    assert [c.text for c in table.rows[0].cells] == ["STT", "Tiêu chí", "Đạt năm 2010", "Đạt năm 2015"]
    body = table.rows[1:-1]
    assert len(body) == 19
    assert [c.text for c in body[1].cells] == ["2", "Tiêu chí số 2", "", "✓"]
    assert [c.text for c in body[3].cells] == ["4", "Tiêu chí số 4", "✓", "✓"]
    assert [c.text for c in table.rows[-1].cells] == ["", "Số tiêu chí đạt", "2", "5"]


def test_an_agency_has_no_criteria_and_its_head_signs():
    doc = _open(report_outline_docx(ReportOutline(unit_name="Phòng Tài chính - Kế hoạch",
                                                  issuer=DAKRONG.unit("Phòng Tài chính - Kế hoạch"),
                                                  district_committee=DAKRONG.committee_name,
                                                  coordinator="Phòng Nông nghiệp và PTNT huyện",
                                                  secretary="Phòng Nội vụ huyện")))
    texts = _texts(doc)
    assert "UBND HUYỆN ĐAKRÔNG" in texts and "PHÒNG TÀI CHÍNH - KẾ HOẠCH" in texts
    assert "Đakrông, ngày … tháng … năm …" in texts
    assert "THỦ TRƯỞNG ĐƠN VỊ" in texts and "TM. ỦY BAN NHÂN DÂN" not in texts
    assert len(doc.tables) == 3  # header, figures, signature: no criteria table
    assert all(row.cells[3].text in ("0", "") for row in doc.tables[1].rows[1:])


def test_a_households_achievement_report_follows_template_07():
    data = AchievementReport(kind="household", name="Hồ Văn Lìn", form_name="Giấy khen của Chủ tịch UBND huyện",
                             unit_name="Xã Triệu Nguyên", commune=True, issuer=DAKRONG.commune("Xã Triệu Nguyên"),
                             address="thôn Ba Ngào, xã Triệu Nguyên",
                             summary="Hiến 350 m² đất làm đường liên thôn.", money=1_150_000, labour_days=120,
                             land_m2=350, trees=45)
    doc = _open(achievement_report_docx(data))
    texts = _texts(doc)
    assert "UBND XÃ TRIỆU NGUYÊN" in texts
    assert "BÁO CÁO THÀNH TÍCH" in texts
    assert "Đề nghị tặng (truy tặng) Giấy khen của Chủ tịch UBND huyện" in texts
    assert "I. SƠ LƯỢC LÝ LỊCH" in texts
    assert "- Chủ hộ: Hồ Văn Lìn" in texts
    assert "- Địa chỉ: thôn Ba Ngào, xã Triệu Nguyên" in texts
    assert "II. THÀNH TÍCH ĐẠT ĐƯỢC" in texts
    assert "Hiến 350 m² đất làm đường liên thôn." in texts
    assert "- Đóng góp tiền: 1.150.000 đồng." in texts
    assert "- Ngày công lao động: 120 ngày công." in texts
    assert "- Hiến đất: 350 m²." in texts
    assert "- Hiến cây trồng: 45 cây." in texts
    assert "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG" in texts
    assert "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG" in texts and "NGƯỜI BÁO CÁO THÀNH TÍCH" in texts
    awards = doc.tables[1]
    assert awards.rows[0].cells[2].text == "Hình thức khen thưởng"
    assert all(c.text == "" for row in awards.rows[1:] for c in row.cells)
    assert doc.styles["Normal"].font.name == "Times New Roman"


def test_an_individual_and_a_collective_have_their_own_bio_lines():
    person = _texts(_open(achievement_report_docx(AchievementReport(
        kind="individual", name="Nguyễn Văn An", form_name="Bằng khen của Chủ tịch UBND tỉnh",
        position="Chủ tịch UBND xã", address="UBND xã Tà Rụt", unit_name="Phòng Nội vụ",
        issuer=DAKRONG.unit("Phòng Nội vụ")))))
    assert "UBND HUYỆN ĐAKRÔNG" in person and "PHÒNG NỘI VỤ" in person
    assert "- Họ và tên: Nguyễn Văn An" in person
    assert "- Chức vụ: Chủ tịch UBND xã" in person
    assert "- Đơn vị công tác: UBND xã Tà Rụt" in person
    group = _texts(_open(achievement_report_docx(AchievementReport(
        kind="collective", name="Thôn A Vao", form_name="Giấy khen của Chủ tịch UBND huyện", address="xã A Vao",
        issuer=DAKRONG.committee()))))
    assert "- Tên tập thể: Thôn A Vao" in group
    assert "- Địa chỉ: xã A Vao" in group
