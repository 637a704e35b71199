"""The conference's documents: the budget estimate (Word, Excel), the invitation letter and the guest
list (Word), the certificates (PDF).

Layout of DOMAIN.md §8: A4 (the estimate and the guest list landscape, as annex tables), margins
20/20/30/15 mm, Times New Roman, the two-column header, place and date, the document type and the
subject, the signature blocks. The writers take plain dataclasses; `estimate_doc`, `invitation_doc`
and `guest_list_doc` build them from what the views loaded, without a query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import _Cell
from openpyxl import Workbook
from openpyxl.styles import Alignment

from .. import clock
from ..conference import rules
from ..conference.models import GROUP_LABELS
from . import sheet as xl
from .cells import safe_text
from .docx import (
    DRAFT,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    add_paragraph,
    base_styles,
    borderless,
    draft_header,
    fill_row,
    header_table,
    new_table,
    page,
    properties,
    repeat_as_header,
    to_bytes,
)
from .pdf import render_pdf
from .texts import date_words, document_date

DISTRICT = "UBND HUYỆN ĐAKRÔNG"
OFFICE = "PHÒNG NÔNG NGHIỆP VÀ PTNT"
PLACE = "Đakrông"
MOTTO = "Độc lập – Tự do – Hạnh phúc"
AUTHOR = "Phòng Nông nghiệp và PTNT huyện Đakrông"

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
PREPARER = "TRƯỞNG PHÒNG NÔNG NGHIỆP VÀ PTNT"
APPRAISER = "TRƯỞNG PHÒNG TÀI CHÍNH – KẾ HOẠCH"
SIGN_HINT = "(Ký, ghi rõ họ tên)"

INVITATION_TITLE = "GIẤY MỜI"
ON_BEHALF = "TM. ỦY BAN NHÂN DÂN"
SIGNER_TITLE = "CHỦ TỊCH"
# How the letter names each group of the list ("Thành phần mời").
INVITEES = {
    "guest": "Các đồng chí đại biểu khách mời (có danh sách kèm theo)",
    "board": "Các đồng chí thành viên Hội đồng Thi đua – Khen thưởng huyện",
    "agency": "Lãnh đạo các cơ quan, ban ngành, đoàn thể cấp huyện",
    "commune": "Lãnh đạo UBND thị trấn và các xã",
    "honouree": "Đại diện các tập thể, cá nhân, hộ gia đình được khen thưởng (có danh sách kèm theo)",
}

GUESTS_TITLE = "DANH SÁCH KHÁCH MỜI"
GUEST_HEADERS = ["STT", "Đại biểu, đơn vị được mời", "Chức vụ, đơn vị, ghi chú", "Trả lời", "Số người",
                 "Người tham dự"]

_C, _L, _R, _J = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT,
                  WD_ALIGN_PARAGRAPH.JUSTIFY)
LANDSCAPE_WIDTH = Mm(297) - MARGIN_LEFT - MARGIN_RIGHT   # 252 mm
PORTRAIT_WIDTH = Mm(210) - MARGIN_LEFT - MARGIN_RIGHT    # 165 mm
TABLE_FONT = Pt(11)


def _money(value: int | None) -> str:
    return "" if value is None else rules.money_text(value)


def _span_row(table, widths, cells: list[tuple[int, str]], bold=False, italic=False, aligns=None) -> None:
    """A row of merged cells: `cells` is [(columns spanned, text)], covering the whole width."""
    row = table.add_row()
    tr = row._tr
    tcs = list(tr.tc_lst)
    column = 0
    kept = []
    for span, _text_value in cells:
        first = tcs[column]
        for tc in tcs[column + 1:column + span]:
            tr.remove(tc)
        if span > 1:
            first.grid_span = span
        kept.append((first, sum(widths[column:column + span], Mm(0))))
        column += span
    for index, ((tc, width), (_span, text)) in enumerate(zip(kept, cells, strict=True)):
        cell = _Cell(tc, table)
        cell.width = width
        align = aligns[index] if aligns else _L
        add_paragraph(cell, text, bold=bold, italic=italic, size=TABLE_FONT, align=align, first=True)


def _two_signatures(doc, width, left: list[tuple[str, bool, bool]], right: list[tuple[str, bool, bool]],
                    before=Pt(12)) -> None:
    """Two borderless columns of (text, bold, italic) lines; four empty lines are left for the signature
    after the lines of each block (the name, when known, comes after them)."""
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    borderless(table)
    for column in table.columns:
        column.width = width // 2
        for cell in column.cells:
            cell.width = width // 2
    for cell, lines in ((table.cell(0, 0), left), (table.cell(0, 1), right)):
        for index, (text, bold, italic) in enumerate(lines):
            if text is None:
                for _ in range(4):
                    add_paragraph(cell)
                continue
            add_paragraph(cell, text, bold=bold, italic=italic, align=_C, before=before if index == 0 else None,
                       first=index == 0)


# ---------------------------------------------------------------------------------------------
# The budget estimate


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
            change = (f"Thẩm định: {_money(self.adjusted_quantity)} × {_money(self.adjusted_unit_price)} đ "
                      f"(đề nghị {_money(self.quantity)} × {_money(self.unit_price)} đ)")
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
    district: str = DISTRICT
    office: str = OFFICE
    place_name: str = PLACE

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
        return document_date(self.place_name, self.day)

    @property
    def total(self) -> int:
        """The figure the document stands for: approved, or proposed while not approved."""
        return self.appraised_total if self.approved else self.proposed_total

    @property
    def words(self) -> str:
        return f"Bằng chữ: {rules.amount_in_words(self.total)}./."

    @property
    def appraisal_text(self) -> str:
        if self.approved:
            text = (f"Ý kiến thẩm định của Phòng Tài chính – Kế hoạch: thống nhất tổng kinh phí "
                    f"{rules.money_text(self.appraised_total)} đồng")
            if self.appraised_total != self.proposed_total:
                text += f" (đề nghị {rules.money_text(self.proposed_total)} đồng)"
            text += "."
            if self.comment:
                text += f" {self.comment}"
            return text
        if self.status == rules.SUBMITTED:
            return "Dự toán đang chờ Phòng Tài chính – Kế hoạch thẩm định."
        if self.status == rules.RETURNED:
            return f"Phòng Tài chính – Kế hoạch trả lại để chỉnh sửa: {self.comment}"
        return "Dự toán chưa gửi Phòng Tài chính – Kế hoạch thẩm định."

    def shown_appraised(self, row: EstimateRow) -> int | None:
        """The appraised amount a row shows: every row once approved, the adjusted rows before."""
        if self.approved or row.adjusted:
            return row.effective
        return None


def estimate_doc(conference, view, today: date) -> EstimateDoc:
    """From the conference and `services.estimate_view(...)`: no query."""
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
        comment=estimate.comment or "", day=appraised_on if approved else today)


_EST_WIDTHS = [Mm(10), Mm(62), Mm(16), Mm(16), Mm(22), Mm(26), Mm(26), Mm(34), Mm(40)]  # 252 mm


def estimate_docx(data: EstimateDoc) -> bytes:
    doc = Document()
    section = doc.sections[0]
    page(section, landscape=True)
    base_styles(doc)
    if not data.approved:
        draft_header(section)
    if data.day:
        properties(doc, f"Dự toán kinh phí – {data.conference_title}", AUTHOR, data.day)

    header_table(doc, [(data.district, False), (data.office, True)], ESTIMATE_NUMBER, data.date_line,
                 (Mm(95), Mm(157)), motto=MOTTO)
    add_paragraph(doc, ESTIMATE_TITLE, bold=True, size=Pt(14), align=_C, before=Pt(12))
    add_paragraph(doc, data.subject, bold=True, align=_C)
    if data.when_where:
        add_paragraph(doc, data.when_where, italic=True, align=_C)
    add_paragraph(doc, MONEY_UNIT, italic=True, size=Pt(12), align=_R, before=Pt(6))

    table = new_table(doc, 1, _EST_WIDTHS)
    fill_row(table.rows[0], ESTIMATE_HEADERS, _EST_WIDTHS, TABLE_FONT, bold=True)
    repeat_as_header(table.rows[0])
    aligns = [_C, _L, _C, _R, _R, _R, _R, _L, _L]
    for row in data.rows:
        fill_row(table.add_row(), [row.stt, row.item, row.unit, _money(row.quantity), _money(row.unit_price),
                                _money(row.amount), _money(data.shown_appraised(row)), row.source, row.remark],
              _EST_WIDTHS, TABLE_FONT, aligns=aligns)
    _span_row(table, _EST_WIDTHS, [(5, TOTAL), (1, _money(data.proposed_total)),
                                   (1, _money(data.appraised_total) if data.approved else ""), (2, "")],
              bold=True, aligns=[_C, _R, _R, _L])

    add_paragraph(doc, data.words, italic=True, before=Pt(6))
    if data.no_award_list:
        add_paragraph(doc, f"Ghi chú: {NO_AWARD_LIST}", italic=True)
    if data.by_source:
        add_paragraph(doc, "Tổng hợp theo nguồn kinh phí:", bold=True, before=Pt(6))
        for source, amount in data.by_source:
            add_paragraph(doc, f"- {source}: {rules.money_text(amount)} đồng.")
    appraisal = add_paragraph(doc, data.appraisal_text, align=_J, before=Pt(6))
    appraisal.paragraph_format.first_line_indent = Mm(10)

    right = [(APPRAISER, True, False)]
    right.append((f"(Đã thẩm định ngày {data.appraised_on:%d/%m/%Y})" if data.approved and data.appraised_on
                  else SIGN_HINT, False, True))
    right += [(None, False, False), (data.appraiser if data.approved else "", True, False)]
    _two_signatures(doc, LANDSCAPE_WIDTH, [(PREPARER, True, False), (SIGN_HINT, False, True), (None, False, False)],
                    right)
    return to_bytes(doc)


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
        ws.oddHeader.right.text = DRAFT
        titles.append([xl.cell(ws, DRAFT, font=xl.RED_BOLD, border=False)])
    titles += [
        [xl.cell(ws, data.district, border=False)] + [None] * 3 + xl.across(ws, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                                       xl.BOLD, 5, columns)[4:],
        [xl.cell(ws, data.office, font=xl.BOLD, border=False)] + [None] * 3
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
    blocks = [(PREPARER, APPRAISER, xl.BOLD), (SIGN_HINT, appraised, xl.ITALIC), ("", "", None), ("", "", None),
              ("", data.appraiser if data.approved else "", xl.BOLD)]
    for left, right, font in blocks:
        sheet.append(xl.across(ws, left, font, 2, 4)[:4] + xl.across(ws, right, font, 7, columns)[4:]
                     if left or right else [])
    return xl.save(wb)


# ---------------------------------------------------------------------------------------------
# The invitation letter (Giấy mời)


@dataclass
class InvitationDoc:
    title: str
    held_on: date
    starts_text: str = ""
    place: str = ""
    chair: str = ""
    number: str = ""
    reply_by: date | None = None
    day: date | None = None
    categories: list[str] = field(default_factory=list)      # the groups of the list, in order
    agenda: list[tuple[str, str, str]] = field(default_factory=list)  # (from – to, content, speaker)
    signer_name: str = ""
    district: str = DISTRICT
    place_name: str = PLACE

    @property
    def number_line(self) -> str:
        return f"Số: {self.number}" if self.number else "Số:        /GM-UBND"

    @property
    def date_line(self) -> str:
        return document_date(self.place_name, self.day)

    @property
    def subject(self) -> str:
        return f"Dự {self.title}"

    @property
    def when(self) -> str:
        parts = [self.starts_text] if self.starts_text else []
        parts.append(f"{rules.weekday_name(self.held_on)}, {date_words(self.held_on)}")
        return ", ".join(parts)

    @property
    def invitees(self) -> list[str]:
        lines = [f"- {INVITEES[c]};" for c in self.categories]
        if lines:
            lines[-1] = lines[-1][:-1] + "."
        return lines

    @property
    def closing(self) -> str:
        text = "Đề nghị các cơ quan, đơn vị xác nhận thành phần tham dự trên hệ thống NTM Đakrông"
        if self.reply_by:
            text += f" trước ngày {self.reply_by:%d/%m/%Y}"
        text += "."
        if "honouree" in self.categories:
            text += (" Các đơn vị có tập thể, cá nhân, hộ gia đình được khen thưởng thông báo và mời đại diện tới "
                     "dự, nhận khen thưởng.")
        return text


def invitation_doc(conference, campaign, groups, today: date) -> InvitationDoc:
    slots = rules.schedule(conference.starts_at, [i.minutes for i in conference.agenda])
    agenda = [(f"{rules.time_words(slot[0])} – {rules.time_words(slot[1])}" if slot else "", item.content,
               item.speaker) for item, slot in zip(conference.agenda, slots, strict=True)]
    sent = clock.to_local(conference.invitations_sent_at).date() if conference.invitations_sent_at else today
    return InvitationDoc(title=conference.title, held_on=conference.held_on, starts_text=conference.starts_text,
                         place=conference.place, chair=conference.chair, number=conference.invitation_number,
                         reply_by=conference.reply_by, day=sent, categories=[g.category for g in groups],
                         agenda=agenda, signer_name=campaign.signer or "")


def invitation_docx(data: InvitationDoc) -> bytes:
    doc = Document()
    page(doc.sections[0])
    base_styles(doc)
    if data.day:
        properties(doc, f"Giấy mời – {data.title}", "UBND huyện Đakrông", data.day)
    header_table(doc, [(data.district, True)], data.number_line, data.date_line, (Mm(70), Mm(102)),
                 indent=Mm(-7), motto=MOTTO)
    add_paragraph(doc, INVITATION_TITLE, bold=True, size=Pt(14), align=_C, before=Pt(18))
    add_paragraph(doc, data.subject, bold=True, align=_C).paragraph_format.space_after = Pt(12)

    def body(text, bold_label: str | None = None):
        paragraph = add_paragraph(doc, bold_label or "", bold=True, align=_J, before=Pt(3))
        paragraph.add_run(text)
        paragraph.paragraph_format.first_line_indent = Mm(10)
        return paragraph

    body("Ủy ban nhân dân huyện Đakrông trân trọng kính mời:")
    for line in data.invitees:
        body(line)
    body(f"Tới dự {data.title[0].lower()}{data.title[1:]}.")
    body(f"{data.when}.", "Thời gian: ")
    body(f"{data.place or '…'}.", "Địa điểm: ")
    if data.chair:
        body(f"{data.chair}.", "Chủ trì: ")
    if data.agenda:
        body("", "Chương trình:")
        for index, (slot, content, speaker) in enumerate(data.agenda, 1):
            text = f"{index}. {slot + ': ' if slot else ''}{content}" + (f" ({speaker})" if speaker else "")
            body(text + ";" if index < len(data.agenda) else text + ".")
    body(data.closing)
    body("Rất mong các đồng chí tham dự đầy đủ, đúng giờ./.")

    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    borderless(table)
    for column, width in zip(table.columns, (Mm(80), PORTRAIT_WIDTH - Mm(80)), strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
    left, right = table.cell(0, 0), table.cell(0, 1)
    add_paragraph(left, "Nơi nhận:", bold=True, italic=True, size=Pt(12), before=Pt(12), first=True)
    for line in ("- Như thành phần mời;", "- Lưu: VT, NN."):
        add_paragraph(left, line, size=Pt(11))
    add_paragraph(right, ON_BEHALF, bold=True, align=_C, before=Pt(12), first=True)
    add_paragraph(right, SIGNER_TITLE, bold=True, align=_C)
    for _ in range(4):
        add_paragraph(right)
    add_paragraph(right, data.signer_name, bold=True, align=_C)
    return to_bytes(doc)


# ---------------------------------------------------------------------------------------------
# The guest list


@dataclass(frozen=True)
class GuestRow:
    stt: int
    name: str
    detail: str
    reply: str
    count: int | None
    names: str


@dataclass
class GuestListDoc:
    title: str
    number: str = ""
    day: date | None = None
    groups: list[tuple[str, list[GuestRow]]] = field(default_factory=list)
    invited: int = 0
    attending: int = 0
    declined: int = 0
    pending: int = 0
    people: int = 0
    district: str = DISTRICT
    office: str = OFFICE
    place_name: str = PLACE

    @property
    def date_line(self) -> str:
        return document_date(self.place_name, self.day)

    @property
    def subject(self) -> str:
        return f"Dự {self.title}"

    @property
    def summary(self) -> str:
        return (f"Tổng số: {self.invited} giấy mời; {self.attending} xác nhận tham dự ({self.people} người), "
                f"{self.declined} không tham dự, {self.pending} chưa trả lời.")


def guest_list_doc(conference, groups, tally, today: date) -> GuestListDoc:
    rows = []
    for group in groups:
        entries = []
        for number, invitation in enumerate(group.invitations, 1):
            detail = invitation.detail
            if invitation.category == "honouree" and invitation.unit is not None:
                detail = f"{detail} · mời qua {invitation.unit.name}" if detail else f"mời qua {invitation.unit.name}"
            entries.append(GuestRow(number, invitation.name, detail, invitation.status_label,
                                    invitation.attendee_count if invitation.status == "attending" else None,
                                    "; ".join(invitation.names)))
        rows.append((str(GROUP_LABELS[group.category]), entries))
    return GuestListDoc(title=conference.title, number=conference.invitation_number, day=today, groups=rows,
                        invited=tally.invited, attending=tally.attending, declined=tally.declined,
                        pending=tally.pending, people=tally.people)


_GUEST_WIDTHS = [Mm(10), Mm(62), Mm(70), Mm(25), Mm(17), Mm(68)]  # 252 mm


def guest_list_docx(data: GuestListDoc) -> bytes:
    doc = Document()
    section = doc.sections[0]
    page(section, landscape=True)
    base_styles(doc)
    if data.day:
        properties(doc, f"Danh sách khách mời – {data.title}", AUTHOR, data.day)
    header_table(doc, [(data.district, False), (data.office, True)], "", data.date_line, (Mm(95), Mm(157)),
                 motto=MOTTO)
    add_paragraph(doc, GUESTS_TITLE, bold=True, size=Pt(14), align=_C, before=Pt(12))
    add_paragraph(doc, data.subject, bold=True, align=_C)
    if data.number:
        add_paragraph(doc, f"(Kèm theo Giấy mời số {data.number})", italic=True, align=_C)
    add_paragraph(doc, "").paragraph_format.space_after = Pt(6)

    table = new_table(doc, 1, _GUEST_WIDTHS)
    fill_row(table.rows[0], GUEST_HEADERS, _GUEST_WIDTHS, TABLE_FONT, bold=True)
    repeat_as_header(table.rows[0])
    aligns = [_C, _L, _L, _C, _C, _L]
    roman = ["I", "II", "III", "IV", "V", "VI"]
    for index, (label, rows) in enumerate(data.groups):
        _span_row(table, _GUEST_WIDTHS, [(len(_GUEST_WIDTHS), f"{roman[index]}. {label} ({len(rows)})")], bold=True)
        for row in rows:
            fill_row(table.add_row(), [row.stt, row.name, row.detail, row.reply,
                                    "" if row.count is None else row.count, row.names],
                  _GUEST_WIDTHS, TABLE_FONT, aligns=aligns)
    add_paragraph(doc, data.summary, italic=True, before=Pt(6))
    return to_bytes(doc)


# ---------------------------------------------------------------------------------------------
# Certificates (giấy khen)


def certificates_pdf(items, layout: dict[str, int]) -> bytes:
    """One A4 landscape page per certificate, only the text, at the positions measured on the pre-printed
    sheets (mm from the top-left corner)."""
    return render_pdf("exports/certificates.html", items=items, layout=layout,
                      width=rules.A4_LANDSCAPE[0], height=rules.A4_LANDSCAPE[1])


__all__ = ["EstimateDoc", "EstimateRow", "GuestListDoc", "GuestRow", "InvitationDoc", "certificates_pdf",
           "estimate_doc", "estimate_docx", "estimate_xlsx", "guest_list_doc", "guest_list_docx", "invitation_doc",
           "invitation_docx"]
