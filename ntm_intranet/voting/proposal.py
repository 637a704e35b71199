"""What the board sends the chairman after a session: the proposal list (Excel) and the tờ trình (Word).

The proposal list is every candidate the board voted on, grouped by award form, with the secret-ballot
tally, the verdict, whether the board proposes the award, and the award money estimated at the base
salary in force on the session date (the official amount is computed when the chair signs). The tờ
trình is the cover request of Phòng Nội vụ, the board's standing office, asking the chairman to decide:
its legal bases, then per award form how many collectives, individuals and households are proposed and
the money, then the signature. Both take a plain `ProposalDoc`, built by `from_session` from loaded
objects (no query).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from flask_babel import force_locale
from openpyxl import Workbook

from ..awards import rules as award_rules
from ..documents import docx as word
from ..documents import sheet as xl
from ..letterhead import BOARD, MOTTO, NATION, Issuer, date_words, house, money
from ..nominations.models import KIND_LABELS, KIND_ORDER, Kind

LIST_TITLE = "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"
SUBMISSION_TITLE = "TỜ TRÌNH"
SUBMISSION_NUMBER = "Số:        /TTr-NV"
SIGNER_TITLE = "TRƯỞNG PHÒNG"
HEADERS = ["STT", "Tập thể, cá nhân, hộ gia đình", "Chức vụ, đơn vị (hoặc thôn, xã)", "Tóm tắt thành tích",
           "Đồng ý", "Không đồng ý", "Tỷ lệ đồng ý (%)", "Kết quả bỏ phiếu", "Hội đồng đề nghị",
           "Số tiền dự kiến (đồng)"]
PROPOSED, NOT_PROPOSED = "Đề nghị khen thưởng", "Không đề nghị"
FORM_TOTAL, GRAND_TOTAL = "Cộng", "Tổng cộng"
# The laws every award decision of 2015 rests on (facts of the published texts).
LAW_BASES = [
    "Luật Thi đua, Khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một số điều của Luật Thi đua, "
    "Khen thưởng ngày 16 tháng 11 năm 2013",
    "Nghị định số 65/2014/NĐ-CP ngày 01 tháng 7 năm 2014 của Chính phủ quy định chi tiết thi hành Luật Thi đua, "
    "Khen thưởng năm 2013",
]
RECIPIENTS = ["Như trên", "Thành viên Hội đồng TĐKT huyện", "Lưu: VT, NV"]
# How a district award form differs from one the district can only propose upward.
DISTRICT_LEVEL = "Huyện"


@dataclass(frozen=True)
class ProposalRow:
    stt: int
    name: str
    kind: str             # Kind value
    position_unit: str
    summary: str
    agree: int
    disagree: int
    percent: float        # of all members of the board
    result: str           # "Đạt: 9/11 thành viên đồng ý (81,8 %) > 50 %", with the quota note if any
    proposed: bool
    amount: int           # estimated; 0 when not proposed


class ProposalGroup(NamedTuple):
    form_name: str
    level: str
    rows: list[ProposalRow]

    @property
    def subtotal(self) -> int:
        return sum(r.amount for r in self.rows)

    @property
    def proposed(self) -> list[ProposalRow]:
        return [r for r in self.rows if r.proposed]


@dataclass
class ProposalDoc:
    campaign_title: str = ""
    plan_line: str = ""          # "Kế hoạch số 76/KH-UBND ngày 19/05/2015 của Ủy ban nhân dân huyện Đakrông"
    legal_bases: list[str] = field(default_factory=list)
    period: str = "2011–2015"
    session_title: str = ""
    held_on: date | None = None
    members_total: int = 0
    secretary: str = ""
    base_salary: int | None = None
    salary_basis: str = ""
    groups: list[ProposalGroup] = field(default_factory=list)
    issuer: Issuer | None = None    # the board's standing office (letterhead.House.office)
    office_name: str = ""           # "Phòng Nội vụ", in running text
    addressee: str = ""             # "Chủ tịch UBND huyện Đakrông"

    @property
    def rows(self) -> list[ProposalRow]:
        return [r for g in self.groups for r in g.rows]

    @property
    def grand_total(self) -> int:
        return sum(g.subtotal for g in self.groups)

    @property
    def subtitle(self) -> str:
        return ("Các tập thể, cá nhân, hộ gia đình có thành tích trong phong trào thi đua “Chung sức xây dựng "
                f"nông thôn mới” giai đoạn {self.period}")

    @property
    def vote_line(self) -> str:
        return (f"(Kết quả bỏ phiếu kín tại phiên họp Hội đồng Thi đua – Khen thưởng huyện {date_words(self.held_on)}; "
                f"Hội đồng có {self.members_total} thành viên; tỷ lệ tính trên tổng số thành viên Hội đồng)")

    @property
    def salary_line(self) -> str:
        if self.base_salary is None:
            return "Chưa có mức lương cơ sở áp dụng vào ngày họp: chưa tính được số tiền thưởng dự kiến."
        basis = f" ({self.salary_basis})" if self.salary_basis else ""
        return (f"Số tiền dự kiến tính theo mức lương cơ sở {money(self.base_salary)} đồng/tháng{basis} "
                "áp dụng vào ngày họp; "
                "số tiền chính thức tính theo ngày ký quyết định.")

    @property
    def subject(self) -> str:
        return (f"Về việc đề nghị khen thưởng trong phong trào thi đua “Chung sức xây dựng nông thôn mới” "
                f"giai đoạn {self.period}")


def from_session(session, campaign, results, salary=None) -> ProposalDoc:
    """From loaded objects: `results` is `voting.results.results(session, campaign)`, `salary` the
    BaseSalary in force on the session date (None when there is none). The issuing office is the unit of
    the session's secretary (Phòng Nội vụ, the board's standing office)."""
    groups, number = [], 0
    with force_locale("vi"):
        for group in results:
            rows = []
            for r in group.items:
                number += 1
                nomination = r.item.nomination
                proposed = r.proposed
                amount = 0
                if proposed and salary is not None:
                    amount = award_rules.award_amount(group.form.coefficient, salary.amount,
                                                 nomination.kind == Kind.COLLECTIVE, campaign.money_rounding)
                where = ", ".join(part for part in (nomination.position, nomination.address) if part)
                rows.append(ProposalRow(number, nomination.name, nomination.kind, where, nomination.summary,
                                        r.agree, r.disagree, r.percent,
                                        r.explanation + (f"; {r.quota_note}" if r.quota_note else ""),
                                        proposed, amount))
            groups.append(ProposalGroup(group.form.name, group.form.level or "", rows))
    bases = [line.strip().rstrip(";.") for line in (campaign.legal_bases or "").splitlines() if line.strip()]
    of_issuer = f" của {campaign.issuer}" if campaign.issuer else ""
    secretary_unit = session.secretary.unit if session.secretary is not None else None
    office_name = secretary_unit.name if secretary_unit is not None else BOARD
    district = house(campaign)
    return ProposalDoc(campaign_title=campaign.title,
                       plan_line=f"Kế hoạch số {campaign.doc_number} {date_words(campaign.doc_date)}{of_issuer} về "
                                 f"{campaign.title[:1].lower()}{campaign.title[1:]}",
                       legal_bases=bases, period=f"{campaign.period_start}–{campaign.period_end}",
                       session_title=session.title, held_on=session.held_on, members_total=session.members_total,
                       secretary=session.secretary.full_name if session.secretary else "",
                       base_salary=salary.amount if salary is not None else None,
                       salary_basis=salary.legal_basis if salary is not None else "", groups=groups,
                       issuer=district.office(office_name), office_name=office_name,
                       addressee=district.chairman_name)


# ---------------------------------------------------------------------------------------------
# Excel: the proposal list


PERCENT_FORMAT = "0.0"
_AMOUNT_COLUMN = "J"


def proposal_xlsx(data: ProposalDoc) -> bytes:
    rows = data.rows
    widths = [6, xl.fit([r.name for r in rows], 22, 34), xl.fit([r.position_unit for r in rows], 22, 34),
              xl.fit([r.summary for r in rows], 26, 44), 9, 11, 11, xl.fit([r.result for r in rows], 24, 44), 16, 16]
    columns = len(HEADERS)
    wb = Workbook(write_only=True)
    wb.calculation.fullCalcOnLoad = True
    header_row = 9
    sheet = xl.Sheet(wb, "Đề nghị khen thưởng", widths, freeze=f"C{header_row + 1}")
    ws = sheet.ws
    xl.print_setup(ws, header_row)
    for cells in (
        xl.across(ws, data.issuer.lines[0][0], None, 1, 3) + xl.across(ws, NATION, xl.BOLD, 5, columns)[3:],
        xl.across(ws, data.issuer.lines[-1][0], xl.BOLD, 1, 3) + xl.across(ws, MOTTO, xl.BOLD, 5, columns)[3:],
        [],
        xl.across(ws, LIST_TITLE, xl.TITLE_FONT, 1, columns),
        xl.across(ws, data.subtitle, xl.BOLD, 1, columns),
        xl.across(ws, data.vote_line, xl.ITALIC, 1, columns),
        xl.across(ws, data.salary_line, xl.ITALIC, 1, columns),
        [],
    ):
        sheet.append(cells)
    assert sheet.row + 1 == header_row
    sheet.append(xl.header(ws, HEADERS))

    total = {"fill": xl.TOTAL_FILL}
    subtotal_rows = []
    for group in data.groups:
        heading = f"{group.form_name} ({len(group.proposed)}/{len(group.rows)} đề nghị)"
        sheet.append([xl.cell(ws, None), xl.cell(ws, heading, font=xl.BOLD_ITALIC, alignment=xl.NO_WRAP)]
                     + [xl.cell(ws, None) for _ in range(columns - 2)])
        first = sheet.row + 1
        for row in group.rows:
            sheet.append([xl.number(ws, row.stt, alignment=xl.HEADER_ALIGN), xl.text(ws, _with_kind(row)),
                          xl.text(ws, row.position_unit), xl.text(ws, row.summary), xl.number(ws, row.agree),
                          xl.number(ws, row.disagree), xl.number(ws, row.percent, PERCENT_FORMAT),
                          xl.text(ws, row.result), xl.text(ws, PROPOSED if row.proposed else NOT_PROPOSED),
                          xl.number(ws, row.amount)])
        last = max(sheet.row, first)
        subtotal_rows.append(sheet.append(
            [xl.cell(ws, None, **total), xl.cell(ws, FORM_TOTAL, font=xl.ITALIC, alignment=xl.NO_WRAP, **total)]
            + [xl.cell(ws, None, **total) for _ in range(columns - 3)]
            + [xl.number(ws, f"=SUM({_AMOUNT_COLUMN}{first}:{_AMOUNT_COLUMN}{last})", font=xl.ITALIC, **total)]))
    grand = ("=SUM(" + ",".join(f"{_AMOUNT_COLUMN}{r}" for r in subtotal_rows) + ")") if subtotal_rows else 0
    sheet.append([xl.cell(ws, None, **total), xl.cell(ws, GRAND_TOTAL, font=xl.BOLD, alignment=xl.NO_WRAP, **total)]
                 + [xl.cell(ws, None, **total) for _ in range(columns - 3)]
                 + [xl.number(ws, grand, font=xl.BOLD, **total)])
    sheet.append([])
    for text in (SIGNER_TITLE, "", "", "", data.secretary):
        sheet.append(xl.across(ws, text, xl.BOLD, 7, columns) if text else [])
    return xl.save(wb)


def _with_kind(row: ProposalRow) -> str:
    return f"{row.name} ({str(KIND_LABELS[Kind(row.kind)]).lower()})"


# ---------------------------------------------------------------------------------------------
# Word: the tờ trình


def _counts(rows: list[ProposalRow]) -> str:
    """"2 tập thể, 5 cá nhân và 3 hộ gia đình"."""
    counted = Counter(r.kind for r in rows)
    parts = [f"{counted[kind]} {str(KIND_LABELS[kind]).lower()}" for kind in KIND_ORDER if counted[kind]]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " và " + parts[-1]


def proposal_lines(data: ProposalDoc) -> list[str]:
    """One numbered line per award form with candidates proposed, as the tờ trình states them."""
    lines = []
    for group in data.groups:
        proposed = group.proposed
        if not proposed:
            continue
        name = group.form_name.replace("(đề nghị)", "").strip()
        verb = f"Tặng {name}" if group.level == DISTRICT_LEVEL else f"Trình cấp có thẩm quyền xét tặng {name}"
        amount = f"; số tiền thưởng dự kiến {money(group.subtotal)} đồng" if data.base_salary is not None else ""
        lines.append(f"{len(lines) + 1}. {verb} cho {_counts(proposed)}{amount}.")
    return lines


def submission_docx(data: ProposalDoc) -> bytes:
    with force_locale("vi"):
        doc = word.new_document(title=f"Tờ trình đề nghị khen thưởng – {data.campaign_title}",
                                author=data.issuer.author, day=data.held_on)
        word.header_table(doc, data.issuer.lines, SUBMISSION_NUMBER, data.issuer.date_line(None), (Mm(82), Mm(98)),
                     indent=Mm(-15))
        center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
        word.add_paragraph(doc, SUBMISSION_TITLE, bold=True, size=Pt(14), align=center, before=Pt(18))
        word.add_paragraph(doc, data.subject, bold=True, align=center)
        addressee = word.add_paragraph(doc, f"Kính gửi: {data.addressee}.", align=center, before=Pt(12))
        addressee.paragraph_format.space_after = Pt(12)

        bases = [*LAW_BASES, *data.legal_bases, data.plan_line,
                 f"Biên bản họp Hội đồng Thi đua – Khen thưởng huyện {date_words(data.held_on)}"]
        for index, basis in enumerate(bases):
            end = "," if index == len(bases) - 1 else ";"
            _body(doc, f"Căn cứ {basis}{end}", justify, italic=True)
        proposed = [r for r in data.rows if r.proposed]
        _body(doc, f"Qua xét chọn và bỏ phiếu kín, Hội đồng Thi đua – Khen thưởng huyện thống nhất đề nghị khen "
                   f"thưởng {len(proposed)} trong số {len(data.rows)} trường hợp được xem xét. "
                   f"{data.office_name} (cơ quan thường trực Hội đồng) kính trình {data.addressee} xem xét:",
              justify)
        for line in proposal_lines(data):
            _body(doc, line, justify)
        if data.base_salary is not None:
            _body(doc, f"Tổng số tiền thưởng dự kiến: {money(data.grand_total)} đồng. {data.salary_line}", justify,
                  bold_prefix="Tổng số tiền thưởng dự kiến:")
        else:
            _body(doc, data.salary_line, justify)
        others = len(data.rows) - len(proposed)
        if others:
            _body(doc, f"Có {others} trường hợp không đạt tỷ lệ phiếu đồng ý theo quy định hoặc ngoài chỉ tiêu, "
                       "Hội đồng không đề nghị khen thưởng.", justify)
        _body(doc, "(Có danh sách đề nghị khen thưởng và biên bản họp Hội đồng kèm theo)", justify, italic=True)
        _body(doc, f"{data.office_name} kính trình {data.addressee} xem xét, quyết định./.", justify)
        _closing(doc, data)
        return word.to_bytes(doc)


def _body(doc, text: str, align, italic=False, bold_prefix: str | None = None):
    if bold_prefix and text.startswith(bold_prefix):
        paragraph = word.add_paragraph(doc, bold_prefix, bold=True, align=align, before=Pt(6))
        paragraph.add_run(text[len(bold_prefix):])
    else:
        paragraph = word.add_paragraph(doc, text, italic=italic, align=align, before=Pt(6))
    paragraph.paragraph_format.first_line_indent = Mm(10)
    return paragraph


def _closing(doc, data: ProposalDoc) -> None:
    """"Nơi nhận:" at the bottom left, the signature of the head of office at the right."""
    left, right = word.two_columns(doc, (Mm(80), Mm(85)))
    word.add_paragraph(left, "Nơi nhận:", bold=True, italic=True, size=Pt(12), before=Pt(12), first=True)
    for index, recipient in enumerate(RECIPIENTS):
        word.add_paragraph(left, f"- {recipient}{'.' if index == len(RECIPIENTS) - 1 else ';'}", size=Pt(11))
    center = WD_ALIGN_PARAGRAPH.CENTER
    word.add_paragraph(right, SIGNER_TITLE, bold=True, align=center, before=Pt(12), first=True)
    for _ in range(4):
        word.add_paragraph(right)
    word.add_paragraph(right, data.secretary, bold=True, align=center)


__all__ = ["ProposalDoc", "ProposalGroup", "ProposalRow", "from_session", "proposal_lines",
           "proposal_xlsx", "submission_docx"]
