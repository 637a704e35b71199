"""The minutes (biên bản) of a session of the Emulation and Awards Board: Word and PDF.

What §6 of DOMAIN.md says the minutes record: time, place, chair, secretary, members present and
absent, the quorum, ballots issued / returned / valid, and per candidate agree / disagree / percentage
/ result; then the signatures of the chair (CHỦ TRÌ) and the secretary (THƯ KÝ). A4 portrait, the
layout of §8. The writers take a plain `MinutesDoc`, built by `from_session` from loaded objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from flask_babel import force_locale

from ..documents import docx as word
from ..documents.pdf import render_pdf
from ..letterhead import Issuer, date_words, decimal, house
from ..nominations.models import KIND_LABELS, Kind

TITLE = "BIÊN BẢN"
NUMBER = "Số:        /BB-HĐTĐKT"
HEADERS = ["STT", "Tập thể, cá nhân, hộ gia đình", "Hình thức đề nghị", "Phiếu hợp lệ", "Đồng ý", "Không đồng ý",
           "Tỷ lệ đồng ý (%)", "Kết quả"]
CLOSING = "Biên bản được đọc lại trước Hội đồng và các thành viên dự họp thống nhất thông qua."


@dataclass(frozen=True)
class CandidateResult:
    stt: int
    name: str
    kind_label: str
    form_name: str
    valid: int
    agree: int
    disagree: int
    percent: str          # of all members of the board, "81,8"
    passed: bool
    result: str           # the sentence: "Đạt: 9/11 thành viên đồng ý (81,8 %) > 50 %"


@dataclass
class MinutesDoc:
    title: str = ""
    campaign_title: str = ""
    held_on: date | None = None
    time_text: str = ""
    place: str = ""
    chair: str = ""
    secretary: str = ""
    members_total: int = 0
    present: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    quorum_text: str = ""
    quorum_met: bool = False
    paper: bool = False
    ballots_issued: int = 0
    ballots_returned: int = 0
    written: int = 0      # written opinions of absent members among the ballots
    candidates: list[CandidateResult] = field(default_factory=list)
    issuer: Issuer | None = None     # the board (letterhead.House.board)

    @property
    def subject(self) -> str:
        return f"Họp {self.issuer.author}"

    @property
    def date_line(self) -> str:
        return self.issuer.date_line(self.held_on)

    @property
    def body(self) -> list[tuple[str, str]]:
        """The lines before the table: (label, text)."""
        when = ", ".join(part for part in (self.time_text, date_words(self.held_on)) if part)
        present = f"{len(self.present)}/{self.members_total} thành viên"
        if self.present:
            present += ": " + ", ".join(self.present)
        absent = f"{len(self.absent)} thành viên: " + ", ".join(self.absent) if self.absent else "không"
        lines = [("Thời gian", f"{when}."), ("Địa điểm", f"{self.place or '…'}."),
                 ("Chủ trì", f"{self.chair or '…'}."), ("Thư ký", f"{self.secretary or '…'}."),
                 ("Thành viên có mặt", f"{present}."), ("Thành viên vắng mặt", f"{absent}."),
                 ("Điều kiện họp", self.quorum_text)]
        if self.campaign_title:
            lines.insert(0, ("Nội dung", f"{self.title} – {self.campaign_title}." if self.title
                             else f"{self.campaign_title}."))
        return lines

    @property
    def ballots_line(self) -> str:
        how = "bỏ phiếu kín bằng phiếu giấy" if self.paper else "bỏ phiếu kín điện tử"
        written = f", gồm {self.written} ý kiến bằng văn bản của thành viên vắng mặt" if self.written else ""
        return (f"Hình thức: {how}. Số phiếu phát ra: {self.ballots_issued}{written}; số phiếu thu về: "
                f"{self.ballots_returned}; số phiếu hợp lệ: theo từng trường hợp tại bảng dưới.")


def from_session(session, campaign, attendance, results, quorum, voters: set[int] | None = None) -> MinutesDoc:
    """The minutes from loaded objects, no query: `attendance` is `voting.services.attendance(session)`,
    `results` is `results(session, campaign)`, `quorum` is `quorum_of(session, campaign)`; `voters`
    (optional) is `voting.services.voters(session)`, the members whose ballot sheet was recorded.

    Electronic session: issued = present members + written opinions, returned = the recorded sheets,
    valid = the agree and disagree ballots of each candidate. Paper session: the counts entered.
    """
    present = [a for a in attendance if a.present]
    absent = [a for a in attendance if not a.present]
    items = [r for group in results for r in group.items]
    if session.paper:
        issued = max((r.issued or 0 for r in items), default=0)
        returned = max((r.returned or 0 for r in items), default=0)
        written = 0
    elif voters is not None:
        written = len({a.user_id for a in absent} & set(voters))
        issued, returned = len(present) + written, len(voters)
    else:  # without the sheets recorded: the most ballots any candidate received
        written = max((r.written for r in items), default=0)
        issued = len(present) + written
        returned = max((r.agree + r.disagree + r.invalid for r in items), default=0)
    with force_locale("vi"):
        candidates = []
        for number, r in enumerate(items, 1):
            nomination = r.item.nomination
            sentence = r.explanation + (f"; {r.quota_note}" if r.quota_note else "")
            candidates.append(CandidateResult(number, nomination.name, str(KIND_LABELS[Kind(nomination.kind)]),
                                              r.form.name, r.agree + r.disagree, r.agree, r.disagree,
                                              decimal(r.percent, 1, trim=False), r.passed, sentence))
    return MinutesDoc(title=session.title, campaign_title=campaign.title, held_on=session.held_on,
                      time_text=session.time_text or "", place=session.place or "",
                      chair=session.chair.full_name if session.chair else "",
                      secretary=session.secretary.full_name if session.secretary else "",
                      members_total=quorum.total, present=[a.user.full_name for a in present],
                      absent=[a.user.full_name for a in absent], quorum_text=quorum.explanation,
                      quorum_met=quorum.met, paper=bool(session.paper), ballots_issued=issued,
                      ballots_returned=returned, written=written, candidates=candidates,
                      issuer=house(campaign).board())


# ---------------------------------------------------------------------------------------------
# Word

TABLE_FONT = Pt(12)
_WIDTHS = [Mm(10), Mm(38), Mm(28), Mm(14), Mm(13), Mm(14), Mm(14), Mm(34)]  # 165 mm: A4 less 30 + 15 mm
_C, _L, _R = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
_ALIGNS = [_C, _L, _L, _C, _C, _C, _C, _L]


def minutes_docx(data: MinutesDoc) -> bytes:
    doc = word.new_document(title=f"Biên bản họp Hội đồng Thi đua – Khen thưởng – {data.title}",
                            author=data.issuer.author, day=data.held_on)
    word.header_table(doc, data.issuer.lines, NUMBER, data.date_line, (Mm(82), Mm(98)), indent=Mm(-15))
    word.add_paragraph(doc, TITLE, bold=True, size=Pt(14), align=_C, before=Pt(18))
    word.add_paragraph(doc, data.subject, bold=True, align=_C)
    if data.title:
        word.add_paragraph(doc, data.title, bold=True, align=_C)
    for label, text in data.body:
        paragraph = word.add_paragraph(doc, f"{label}: ", bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=Pt(6))
        paragraph.add_run(text)
        paragraph.paragraph_format.first_line_indent = Mm(10)
    paragraph = word.add_paragraph(doc, "Kết quả bỏ phiếu: ", bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=Pt(6))
    paragraph.add_run(data.ballots_line)
    paragraph.paragraph_format.first_line_indent = Mm(10)
    paragraph.paragraph_format.space_after = Pt(6)

    table = word.new_table(doc, 1, _WIDTHS)
    word.fill_row(table.rows[0], HEADERS, _WIDTHS, TABLE_FONT, bold=True)
    word.repeat_as_header(table.rows[0])
    for c in data.candidates:
        word.fill_row(table.add_row(), [c.stt, f"{c.name} ({c.kind_label.lower()})", c.form_name, c.valid, c.agree,
                                c.disagree, c.percent, c.result], _WIDTHS, TABLE_FONT, aligns=_ALIGNS)

    closing = word.add_paragraph(doc, CLOSING, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=Pt(12))
    closing.paragraph_format.first_line_indent = Mm(10)
    _signatures(doc, data)
    return word.to_bytes(doc)


def _signatures(doc, data: MinutesDoc) -> None:
    left, right = word.two_columns(doc, (Mm(82), Mm(82)))
    for cell, role, name in ((left, "THƯ KÝ", data.secretary), (right, "CHỦ TRÌ", data.chair)):
        word.add_paragraph(cell, role, bold=True, align=_C, before=Pt(12), first=True)
        word.add_paragraph(cell, "(Ký, ghi rõ họ tên)", italic=True, align=_C)
        for _ in range(4):
            word.add_paragraph(cell)
        word.add_paragraph(cell, name, bold=True, align=_C)


# ---------------------------------------------------------------------------------------------
# PDF


def minutes_pdf(data: MinutesDoc) -> bytes:
    return render_pdf("exports/minutes.html", doc=data, headers=HEADERS,
                      left_lines=data.issuer.lines, left_width="82mm", number=NUMBER,
                      date_line=data.date_line, title=TITLE, closing=CLOSING, draft=None)
