"""The district summary conference of a campaign: its programme, budget estimate, invitations, honours.

One conference per campaign. The budget estimate is drawn up by the coordinator (Phòng NN&PTNT) and
appraised by finance (Phòng TC&KH): each line keeps what was proposed and, beside it, what finance
set with its comment, so nobody's figure is overwritten. An approved estimate is locked.
"""

from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..versioning import Versioned
from . import rules

ESTIMATE_STATUS_LABELS = {
    rules.DRAFT: _l("Đang lập"),
    rules.SUBMITTED: _l("Chờ Phòng TC&KH thẩm định"),
    rules.RETURNED: _l("Trả lại để chỉnh sửa"),
    rules.APPROVED: _l("Đã thẩm định, phê duyệt"),
}
ESTIMATE_STATUS_CSS = {rules.SUBMITTED: "info", rules.RETURNED: "warn", rules.APPROVED: "ok"}

# The invitation list's groups, in the order of a "Nơi nhận" / "Thành phần mời".
GUEST, BOARD, AGENCY, COMMUNE, HONOUREE = "guest", "board", "agency", "commune", "honouree"
GROUP_ORDER = [GUEST, BOARD, AGENCY, COMMUNE, HONOUREE]
GROUP_LABELS = {
    GUEST: _l("Đại biểu khách mời"),
    BOARD: _l("Thành viên Hội đồng Thi đua – Khen thưởng huyện"),
    AGENCY: _l("Các cơ quan, ban ngành, đoàn thể cấp huyện"),
    COMMUNE: _l("UBND thị trấn và các xã"),
    HONOUREE: _l("Các tập thể, cá nhân, hộ gia đình được khen thưởng"),
}
PENDING, ATTENDING, DECLINED = "pending", "attending", "declined"
REPLY_LABELS = {PENDING: _l("Chưa trả lời"), ATTENDING: _l("Tham dự"), DECLINED: _l("Không tham dự")}
REPLY_CSS = {ATTENDING: "ok", DECLINED: "bad"}

# Where the certificate's fields are printed on the pre-printed A4 landscape sheet (mm from the
# top-left corner), until the coordinator measures his own.
DEFAULT_LAYOUT = {"cert_name_x": 80, "cert_name_y": 88, "cert_line_x": 60, "cert_line_y": 112,
                  "cert_decision_x": 40, "cert_decision_y": 172}


class Conference(Versioned, db.Model):
    __tablename__ = "conference"
    __table_args__ = (UniqueConstraint("campaign_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time | None] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(200), default="")
    chair: Mapped[str] = mapped_column(String(200), default="")
    invitation_number: Mapped[str] = mapped_column(String(40), default="")
    reply_by: Mapped[date | None] = mapped_column(Date)
    invitations_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cert_name_x: Mapped[int] = mapped_column(Integer, default=DEFAULT_LAYOUT["cert_name_x"])
    cert_name_y: Mapped[int] = mapped_column(Integer, default=DEFAULT_LAYOUT["cert_name_y"])
    cert_line_x: Mapped[int] = mapped_column(Integer, default=DEFAULT_LAYOUT["cert_line_x"])
    cert_line_y: Mapped[int] = mapped_column(Integer, default=DEFAULT_LAYOUT["cert_line_y"])
    cert_decision_x: Mapped[int] = mapped_column(Integer, default=DEFAULT_LAYOUT["cert_decision_x"])
    cert_decision_y: Mapped[int] = mapped_column(Integer, default=DEFAULT_LAYOUT["cert_decision_y"])
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    agenda = relationship("ConferenceAgendaItem", lazy="selectin", order_by="ConferenceAgendaItem.position",
                          cascade="all, delete-orphan")
    estimate = relationship("BudgetEstimate", lazy="selectin", uselist=False, cascade="all, delete-orphan")

    def as_dict(self) -> dict:
        return {"title": self.title, "held_on": self.held_on.isoformat() if self.held_on else None,
                "starts_at": self.starts_at.strftime("%H:%M") if self.starts_at else None, "place": self.place,
                "chair": self.chair, "invitation_number": self.invitation_number,
                "reply_by": self.reply_by.isoformat() if self.reply_by else None}

    def layout(self) -> dict[str, int]:
        return {key: getattr(self, key) for key in DEFAULT_LAYOUT}

    @property
    def starts_text(self) -> str:
        return rules.time_words(self.starts_at)


class ConferenceAgendaItem(Versioned, db.Model):
    __tablename__ = "conference_agenda_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conference.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[str] = mapped_column(String(300))
    speaker: Mapped[str] = mapped_column(String(200), default="")
    minutes: Mapped[int] = mapped_column(Integer, default=0)

    def as_dict(self) -> dict:
        return {"content": self.content, "speaker": self.speaker, "minutes": self.minutes, "position": self.position}


class BudgetEstimate(db.Model):
    __tablename__ = "budget_estimate"
    __table_args__ = (UniqueConstraint("conference_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conference.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default=rules.DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    appraised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    appraised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    comment: Mapped[str] = mapped_column(Text, default="")          # finance's word on return or approval
    approved_total: Mapped[int | None] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=1)

    lines = relationship("BudgetLine", lazy="selectin", order_by="(BudgetLine.position, BudgetLine.id)",
                         cascade="all, delete-orphan")
    appraised_by = relationship("User", foreign_keys=[appraised_by_id], lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return str(ESTIMATE_STATUS_LABELS[self.status])

    @property
    def status_css(self) -> str:
        return ESTIMATE_STATUS_CSS.get(self.status, "muted")

    @property
    def editable(self) -> bool:
        return self.status in rules.EDITABLE


class BudgetLine(Versioned, db.Model):
    __tablename__ = "budget_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    estimate_id: Mapped[int] = mapped_column(ForeignKey("budget_estimate.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20), default="item")  # item; awards: the approved list's money
    item: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(40), default="")
    quantity: Mapped[int] = mapped_column(BigInteger)
    unit_price: Mapped[int | None] = mapped_column(BigInteger)      # none for the award line (several amounts)
    amount: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    adjusted_quantity: Mapped[int | None] = mapped_column(BigInteger)
    adjusted_unit_price: Mapped[int | None] = mapped_column(BigInteger)
    adjusted_amount: Mapped[int | None] = mapped_column(BigInteger)
    adjustment_comment: Mapped[str] = mapped_column(Text, default="")
    adjusted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    adjusted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    adjusted_by = relationship("User", foreign_keys=[adjusted_by_id], lazy="joined")

    def as_dict(self) -> dict:
        return {"item": self.item, "unit": self.unit, "quantity": self.quantity, "unit_price": self.unit_price,
                "amount": self.amount, "source": self.source, "note": self.note,
                "adjusted_quantity": self.adjusted_quantity, "adjusted_unit_price": self.adjusted_unit_price,
                "adjusted_amount": self.adjusted_amount, "adjustment_comment": self.adjustment_comment}


class Invitation(db.Model):
    """One entry of the invitation list: a unit, a board member, an honouree (answered by the unit that
    nominated it) or another guest; with the reply."""

    __tablename__ = "conference_invitation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conference.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)    # the unit that answers
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))                  # a board member
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"))      # an honouree
    name: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attendee_count: Mapped[int] = mapped_column(Integer, default=0)
    attendee_names: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    unit = relationship("Unit", lazy="joined")

    @property
    def category_label(self) -> str:
        return str(GROUP_LABELS[self.category])

    @property
    def status_label(self) -> str:
        return str(REPLY_LABELS[self.status])

    @property
    def status_css(self) -> str:
        return REPLY_CSS.get(self.status, "muted")

    @property
    def names(self) -> list[str]:
        return [n for n in self.attendee_names.splitlines() if n.strip()]

    def as_dict(self) -> dict:
        return {"status": self.status, "attendee_count": self.attendee_count, "attendee_names": self.names}


class HonourOrder(db.Model):
    """Where the coordinator placed an honouree in the calling order (within the honouree's award form)."""

    __tablename__ = "conference_honour"
    __table_args__ = (UniqueConstraint("conference_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conference.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
