"""The conference's budget estimate (DỰ TOÁN KINH PHÍ) in Word and Excel: A4 landscape, the lines with the
proposal and finance's appraisal side by side, totals, "Bằng chữ", funding sources, the appraisal and the
signatures of both heads of office; "DỰ THẢO" until approved. `estimate_doc` builds the plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment

from ... import clock
from ...documents import docx as word
from ...documents import sheet as xl
from ...documents.cells import safe_text
from ...letterhead import MOTTO, NATION, Issuer, amount_in_words, money
from .. import rules

ESTIMATE_TITLE = "DỰ TOÁN KINH PHÍ"
ESTIMATE_NUMBER = "Số:        /DT-NNPTNT"
MONEY_UNIT = "Đơn vị tính: đồng"
ESTIMATE_HEADERS = ["STT", "Nội dung chi", "Đơn vị tính", "Số lượng", "Đơn giá", "Thành tiền đề nghị",
                    "Thành tiền thẩm định", "Nguồn kinh phí", "Ghi chú"]
ESTIMATE_XLSX_HEADERS = ["STT", "Nội dung chi", "Đơn vị tính", "Số lượng đề nghị", "Đơn giá đề nghị",
                         "Thành tiền đề nghị", "Số lượng thẩm định", "Đơn giá thẩm định", "Thành tiền thẩm định",
                         "Nguồn kinh phí", "Ghi chú"]
TOTAL = "Tổng cộng"
NO_AWARD_LIST = "Chưa có danh sách khen thưởng được phê duyệt: dự toán chưa gồm tiền thưởng."
SIGN_HINT = "(Ký, ghi rõ họ tên)"
TABLE_FONT = Pt(11)
_C, _L, _R, _J = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT,
                  WD_ALIGN_PARAGRAPH.JUSTIFY)


@dataclass(frozen=True)
class EstimateRow(rules.Appraised):
    stt: int
    item: str
    unit: str
    quantity: int
    unit_price: int | None
    amount: int
    source: str
    note: str = ""
    adjusted_quantity: int | None = None
    adjusted_unit_price: int | None = None
    adjusted_amount: int | None = None
    comment: str = ""

    @property
    def remark(self) -> str:
        """The line's note, then finance's change and its reason."""
        parts = [self.note] if self.note else []
        if self.adjusted:
            change = (f"Thẩm định: {money(self.adjusted_quantity)} × {money(self.adjusted_unit_price)} đ "
                      f"(đề nghị {money(self.quantity)} × {money(self.unit_price)} đ)")
            parts.append(f"{change}. {self.comment}" if self.comment else change)
        return "\n".join(parts)


@dataclass
class EstimateDoc:
    conference_title: str
    held_on: date | None = None
    place: str = ""
    status: str = rules.DRAFT
    rows: list[EstimateRow] = field(default_factory=list)
    proposed_total: int = 0
    appraised_total: int = 0
    by_source: list[tuple[str, int]] = field(default_factory=list)
    no_award_list: bool = False
    appraised_on: date | None = None
    appraiser: str = ""
    comment: str = ""
    day: date | None = None
    issuer: Issuer | None = None      # the coordinating office (letterhead.House.office)
    preparer: str = ""                # "TRƯỞNG PHÒNG NÔNG NGHIỆP VÀ PTNT"
    finance_office: str = ""          # "Phòng Tài chính – Kế hoạch", the appraising office

    @property
    def approved(self) -> bool:
        return self.status == rules.APPROVED

    @property
    def subject(self) -> str:
        return f"Tổ chức {self.conference_title}"

    @property
    def when_where(self) -> str:
        parts = []
        if self.held_on:
            parts.append(f"Thời gian: ngày {self.held_on:%d/%m/%Y}")
        if self.place:
            parts.append(f"địa điểm: {self.place}")
        return f"({'; '.join(parts)})" if parts else ""

    @property
    def date_line(self) -> str:
        return self.issuer.date_line(self.day)

    @property
    def total(self) -> int:
        """The figure the document stands for: approved, or proposed while not approved."""
        return self.appraised_total if self.approved else self.proposed_total

    @property
    def words(self) -> str:
        return f"Bằng chữ: {amount_in_words(self.total)}./."

    @property
    def appraisal_text(self) -> str:
        if self.approved:
            text = (f"Ý kiến thẩm định của {self.finance_office}: thống nhất tổng kinh phí "
                    f"{money(self.appraised_total)} đồng")
            if self.appraised_total != self.proposed_total:
                text += f" (đề nghị {money(self.proposed_total)} đồng)"
            text += "."
            if self.comment:
                text += f" {self.comment}"
            return text
        if self.status == rules.SUBMITTED:
            return f"Dự toán đang chờ {self.finance_office} thẩm định."
        if self.status == rules.RETURNED:
            return f"{self.finance_office} trả lại để chỉnh sửa: {self.comment}"
        return f"Dự toán chưa gửi {self.finance_office} thẩm định."

    @property
    def appraiser_title(self) -> str:
        """"TRƯỞNG PHÒNG TÀI CHÍNH – KẾ HOẠCH"."""
        return f"TRƯỞNG {self.finance_office.upper()}"

    def shown_appraised(self, row: EstimateRow) -> int | None:
        """The appraised amount a row shows: every row once approved, the adjusted rows before."""
        if self.approved or row.adjusted:
            return row.effective
        return None


def estimate_doc(conference, view, today: date, issuer: Issuer, finance_office: str) -> EstimateDoc:
    """From the conference and `services.estimate_view(...)`, no query: `issuer` is the coordinating office
    that prepares the estimate, `finance_office` the name of the office that appraises it."""
    estimate = view.estimate
    rows = [EstimateRow(v.number, v.item, v.unit, v.quantity, v.unit_price, v.amount, v.source, v.note,
                        v.adjusted_quantity, v.adjusted_unit_price, v.adjusted_amount, v.comment) for v in view.lines]
    appraised_on = clock.to_local(estimate.appraised_at).date() if estimate.appraised_at else None
    approved = estimate.status == rules.APPROVED
    return EstimateDoc(
        conference_title=conference.title, held_on=conference.held_on, place=conference.place,
        status=estimate.status, rows=rows, proposed_total=view.totals.proposed,
        appraised_total=estimate.approved_total if approved and estimate.approved_total is not None
        else view.totals.appraised, by_source=view.totals.by_source, no_award_list=view.award is None,
        appraised_on=appraised_on, appraiser=estimate.appraised_by.full_name if estimate.appraised_by else "",
        comment=estimate.comment or "", day=appraised_on if approved else today, issuer=issuer,
        preparer=f"TRƯỞNG {issuer.lines[-1][0]}", finance_office=finance_office)


_EST_WIDTHS = [Mm(10), Mm(62), Mm(16), Mm(16), Mm(22), Mm(26), Mm(26), Mm(34), Mm(40)]  # 252 mm


def estimate_docx(data: EstimateDoc) -> bytes:
    doc = word.new_document(landscape=True, draft=not data.approved,
                            title=f"Dự toán kinh phí – {data.conference_title}", author=data.issuer.author,
                            day=data.day)

    word.header_table(doc, data.issuer.lines, ESTIMATE_NUMBER, data.date_line, (Mm(95), Mm(157)))
    word.add_paragraph(doc, ESTIMATE_TITLE, bold=True, size=Pt(14), align=_C, before=Pt(12))
    word.add_paragraph(doc, data.subject, bold=True, align=_C)
    if data.when_where:
        word.add_paragraph(doc, data.when_where, italic=True, align=_C)
    word.add_paragraph(doc, MONEY_UNIT, italic=True, size=Pt(12), align=_R, before=Pt(6))

    table = word.new_table(doc, 1, _EST_WIDTHS)
    word.fill_row(table.rows[0], ESTIMATE_HEADERS, _EST_WIDTHS, TABLE_FONT, bold=True)
    word.repeat_as_header(table.rows[0])
    aligns = [_C, _L, _C, _R, _R, _R, _R, _L, _L]
    for row in data.rows:
        word.fill_row(table.add_row(), [row.stt, row.item, row.unit, money(row.quantity), money(row.unit_price),
                                money(row.amount), money(data.shown_appraised(row)), row.source, row.remark],
              _EST_WIDTHS, TABLE_FONT, aligns=aligns)
    word.span_row(table, _EST_WIDTHS, [(5, TOTAL), (1, money(data.proposed_total)),
                                  (1, money(data.appraised_total) if data.approved else ""), (2, "")],
             TABLE_FONT, bold=True, aligns=[_C, _R, _R, _L])

    word.add_paragraph(doc, data.words, italic=True, before=Pt(6))
    if data.no_award_list:
        word.add_paragraph(doc, f"Ghi chú: {NO_AWARD_LIST}", italic=True)
    if data.by_source:
        word.add_paragraph(doc, "Tổng hợp theo nguồn kinh phí:", bold=True, before=Pt(6))
        for source, amount in data.by_source:
            word.add_paragraph(doc, f"- {source}: {money(amount)} đồng.")
    appraisal = word.add_paragraph(doc, data.appraisal_text, align=_J, before=Pt(6))
    appraisal.paragraph_format.first_line_indent = Mm(10)

    right = [(data.appraiser_title, True, False)]
    right.append((f"(Đã thẩm định ngày {data.appraised_on:%d/%m/%Y})" if data.approved and data.appraised_on
                  else SIGN_HINT, False, True))
    right += [(None, False, False), (data.appraiser if data.approved else "", True, False)]
    word.signature_pair(doc, word.USABLE_LANDSCAPE,
                   [(data.preparer, True, False), (SIGN_HINT, False, True), (None, False, False)], right)
    return word.to_bytes(doc)


def estimate_xlsx(data: EstimateDoc) -> bytes:
    columns = len(ESTIMATE_XLSX_HEADERS)
    widths = [6, xl.fit([r.item for r in data.rows], 30, 48), 10, 11, 13, 15, 11, 13, 15,
              xl.fit([r.source for r in data.rows], 18, 32), xl.fit([r.remark for r in data.rows], 20, 44)]
    wb = Workbook(write_only=True)
    wb.calculation.fullCalcOnLoad = True  # the totals show their value as soon as the file opens
    header_rows = 9 if data.approved else 10  # the title lines below, then the table header
    sheet = xl.Sheet(wb, "Dự toán kinh phí", widths, freeze=f"C{header_rows + 1}")
    ws = sheet.ws
    xl.print_setup(ws, header_rows)
    titles: list[list] = []
    if not data.approved:
        ws.oddHeader.right.text = word.DRAFT
        titles.append([xl.cell(ws, word.DRAFT, font=xl.RED_BOLD, border=False)])
    titles += [
        [xl.cell(ws, data.issuer.lines[0][0], border=False)] + [None] * 3
        + xl.across(ws, NATION, xl.BOLD, 5, columns)[4:],
        [xl.cell(ws, data.issuer.lines[-1][0], font=xl.BOLD, border=False)] + [None] * 3
        + xl.across(ws, MOTTO, xl.BOLD, 5, columns)[4:],
        xl.across(ws, data.date_line, xl.ITALIC, 5, columns),
        [],
        xl.across(ws, ESTIMATE_TITLE, xl.TITLE_FONT, 1, columns),
        xl.across(ws, data.subject, xl.BOLD, 1, columns),
        xl.across(ws, data.when_where, xl.ITALIC, 1, columns),
        [None] * (columns - 1) + [xl.cell(ws, MONEY_UNIT, font=xl.ITALIC, border=False,
                                        alignment=Alignment(horizontal="right"))],
    ]
    for cells in titles:
        sheet.append(cells)
    assert sheet.row + 1 == header_rows
    sheet.append(xl.header(ws, ESTIMATE_XLSX_HEADERS))

    first = sheet.row + 1
    for row in data.rows:
        shown = data.shown_appraised(row)
        appraised_q = row.adjusted_quantity if row.adjusted else (row.quantity if shown is not None else None)
        appraised_p = row.adjusted_unit_price if row.adjusted else (row.unit_price if shown is not None else None)
        sheet.append([xl.number(ws, row.stt, alignment=xl.HEADER_ALIGN), xl.text(ws, row.item), xl.text(ws, row.unit),
                      xl.number(ws, row.quantity), xl.number(ws, row.unit_price), xl.number(ws, row.amount),
                      xl.number(ws, appraised_q), xl.number(ws, appraised_p), xl.number(ws, shown),
                      xl.text(ws, row.source), xl.text(ws, row.remark)])
    last = max(sheet.row, first)
    total = {"fill": xl.TOTAL_FILL, "font": xl.BOLD}
    sheet.append([xl.cell(ws, None, fill=xl.TOTAL_FILL), xl.cell(ws, TOTAL, alignment=xl.NO_WRAP, **total)]
                 + [xl.cell(ws, None, fill=xl.TOTAL_FILL) for _ in range(3)]
                 + [xl.number(ws, f"=SUM(F{first}:F{last})", **total)]
                 + [xl.cell(ws, None, fill=xl.TOTAL_FILL) for _ in range(2)]
                 + [xl.number(ws, f"=SUM(I{first}:I{last})", **total) if data.approved
                    else xl.cell(ws, None, fill=xl.TOTAL_FILL)]
                 + [xl.cell(ws, None, fill=xl.TOTAL_FILL) for _ in range(2)])
    sheet.append([])
    sheet.append([None, xl.cell(ws, safe_text(data.words), font=xl.ITALIC, border=False)])
    if data.no_award_list:
        sheet.append([None, xl.cell(ws, f"Ghi chú: {NO_AWARD_LIST}", font=xl.ITALIC, border=False)])
    if data.by_source:
        sheet.append([None, xl.cell(ws, "Tổng hợp theo nguồn kinh phí:", font=xl.BOLD, border=False)])
        for source, amount in data.by_source:
            sheet.append([None, xl.cell(ws, safe_text(source), border=False), None, None, None,
                          xl.number(ws, amount, border=False)])
    sheet.append([None, xl.cell(ws, safe_text(data.appraisal_text), border=False)])
    sheet.append([])
    appraised = f"(Đã thẩm định ngày {data.appraised_on:%d/%m/%Y})" if data.approved and data.appraised_on \
        else SIGN_HINT
    blocks = [(data.preparer, data.appraiser_title, xl.BOLD), (SIGN_HINT, appraised, xl.ITALIC), ("", "", None),
              ("", "", None), ("", data.appraiser if data.approved else "", xl.BOLD)]
    for left, right, font in blocks:
        sheet.append(xl.across(ws, left, font, 2, 4)[:4] + xl.across(ws, right, font, 7, columns)[4:]
                     if left or right else [])
    return xl.save(wb)
