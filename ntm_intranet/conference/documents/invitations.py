"""The conference's invitation letter (GIẤY MỜI, of the People's Committee) and its guest list (of the
coordinating office), both in Word. `invitation_doc` and `guest_list_doc` build the plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from ... import clock
from ...documents import docx as word
from ...letterhead import Issuer, date_words, house
from .. import rules
from ..models import GROUP_LABELS

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
TABLE_FONT = Pt(11)
_C, _L, _J = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY


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
    issuer: Issuer | None = None      # the People's Committee (letterhead.House.committee)
    inviting_body: str = ""           # "Ủy ban nhân dân huyện Đakrông", who "trân trọng kính mời"

    @property
    def number_line(self) -> str:
        return f"Số: {self.number}" if self.number else "Số:        /GM-UBND"

    @property
    def date_line(self) -> str:
        return self.issuer.date_line(self.day)

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
        text = f"Đề nghị các cơ quan, đơn vị xác nhận thành phần tham dự trên hệ thống NTM {self.issuer.place}"
        if self.reply_by:
            text += f" trước ngày {self.reply_by:%d/%m/%Y}"
        text += "."
        if "honouree" in self.categories:
            text += (" Các đơn vị có tập thể, cá nhân, hộ gia đình được khen thưởng thông báo và mời đại diện tới "
                     "dự, nhận khen thưởng.")
        return text


def invitation_doc(conference, campaign, groups, today: date) -> InvitationDoc:
    """The invitation of the People's Committee, from the conference and its invitation groups: no query."""
    slots = rules.schedule(conference.starts_at, [i.minutes for i in conference.agenda])
    agenda = [(f"{rules.time_words(slot[0])} – {rules.time_words(slot[1])}" if slot else "", item.content,
               item.speaker) for item, slot in zip(conference.agenda, slots, strict=True)]
    sent = clock.to_local(conference.invitations_sent_at).date() if conference.invitations_sent_at else today
    return InvitationDoc(title=conference.title, held_on=conference.held_on, starts_text=conference.starts_text,
                         place=conference.place, chair=conference.chair, number=conference.invitation_number,
                         reply_by=conference.reply_by, day=sent, categories=[g.category for g in groups],
                         agenda=agenda, signer_name=campaign.signer or "", issuer=house(campaign).committee(),
                         inviting_body=campaign.issuer or "")


def invitation_docx(data: InvitationDoc) -> bytes:
    doc = word.new_document(title=f"Giấy mời – {data.title}", author=data.issuer.author, day=data.day)
    word.header_table(doc, data.issuer.lines, data.number_line, data.date_line, (Mm(70), Mm(102)), indent=Mm(-7))
    word.add_paragraph(doc, INVITATION_TITLE, bold=True, size=Pt(14), align=_C, before=Pt(18))
    word.add_paragraph(doc, data.subject, bold=True, align=_C).paragraph_format.space_after = Pt(12)

    def body(text, bold_label: str | None = None):
        paragraph = word.add_paragraph(doc, bold_label or "", bold=True, align=_J, before=Pt(3))
        paragraph.add_run(text)
        paragraph.paragraph_format.first_line_indent = Mm(10)
        return paragraph

    body(f"{data.inviting_body} trân trọng kính mời:")
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

    left, right = word.two_columns(doc, (Mm(80), word.USABLE_PORTRAIT - Mm(80)))
    word.add_paragraph(left, "Nơi nhận:", bold=True, italic=True, size=Pt(12), before=Pt(12), first=True)
    for line in ("- Như thành phần mời;", "- Lưu: VT, NN."):
        word.add_paragraph(left, line, size=Pt(11))
    word.add_paragraph(right, ON_BEHALF, bold=True, align=_C, before=Pt(12), first=True)
    word.add_paragraph(right, SIGNER_TITLE, bold=True, align=_C)
    for _ in range(4):
        word.add_paragraph(right)
    word.add_paragraph(right, data.signer_name, bold=True, align=_C)
    return word.to_bytes(doc)


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
    issuer: Issuer | None = None      # the coordinating office (letterhead.House.office)

    @property
    def date_line(self) -> str:
        return self.issuer.date_line(self.day)

    @property
    def subject(self) -> str:
        return f"Dự {self.title}"

    @property
    def summary(self) -> str:
        return (f"Tổng số: {self.invited} giấy mời; {self.attending} xác nhận tham dự ({self.people} người), "
                f"{self.declined} không tham dự, {self.pending} chưa trả lời.")


def guest_list_doc(conference, groups, tally, today: date, issuer: Issuer) -> GuestListDoc:
    """The guest list kept by the coordinating office (`issuer`), from the invitation groups: no query."""
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
                        pending=tally.pending, people=tally.people, issuer=issuer)


_GUEST_WIDTHS = [Mm(10), Mm(62), Mm(70), Mm(25), Mm(17), Mm(68)]  # 252 mm


def guest_list_docx(data: GuestListDoc) -> bytes:
    doc = word.new_document(landscape=True, title=f"Danh sách khách mời – {data.title}", author=data.issuer.author,
                            day=data.day)
    word.header_table(doc, data.issuer.lines, "", data.date_line, (Mm(95), Mm(157)))
    word.add_paragraph(doc, GUESTS_TITLE, bold=True, size=Pt(14), align=_C, before=Pt(12))
    word.add_paragraph(doc, data.subject, bold=True, align=_C)
    if data.number:
        word.add_paragraph(doc, f"(Kèm theo Giấy mời số {data.number})", italic=True, align=_C)
    word.add_paragraph(doc, "").paragraph_format.space_after = Pt(6)

    table = word.new_table(doc, 1, _GUEST_WIDTHS)
    word.fill_row(table.rows[0], GUEST_HEADERS, _GUEST_WIDTHS, TABLE_FONT, bold=True)
    word.repeat_as_header(table.rows[0])
    aligns = [_C, _L, _L, _C, _C, _L]
    roman = ["I", "II", "III", "IV", "V", "VI"]
    for index, (label, rows) in enumerate(data.groups):
        word.span_row(table, _GUEST_WIDTHS, [(len(_GUEST_WIDTHS), f"{roman[index]}. {label} ({len(rows)})")],
                      TABLE_FONT, bold=True)
        for row in rows:
            word.fill_row(table.add_row(), [row.stt, row.name, row.detail, row.reply,
                                    "" if row.count is None else row.count, row.names],
                  _GUEST_WIDTHS, TABLE_FONT, aligns=aligns)
    word.add_paragraph(doc, data.summary, italic=True, before=Pt(6))
    return word.to_bytes(doc)
