"""A unit's summary dossier for a campaign: files (versioned), meeting, figures, criteria, review."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


STATUS_LABELS = {
    Status.DRAFT: _l("Đang soạn"),
    Status.SUBMITTED: _l("Đã gửi, chờ duyệt"),
    Status.RETURNED: _l("Cần bổ sung"),
    Status.ACCEPTED: _l("Đã duyệt"),
}

# The structured figures of DOMAIN.md §3, in the order of the form and the totals.
FIGURES = [
    ("money_state", _l("Vốn ngân sách nhà nước (đồng)")),
    ("money_people", _l("Nhân dân đóng góp (đồng)")),
    ("money_other", _l("Nguồn vốn khác: doanh nghiệp, tín dụng, tài trợ (đồng)")),
    ("labour_days", _l("Ngày công lao động đóng góp")),
    ("land_m2", _l("Đất hiến (m²)")),
    ("trees", _l("Cây trồng hiến (cây)")),
    ("structures_moved", _l("Giải phóng mặt bằng: công trình, vật kiến trúc di dời")),
    ("road_m", _l("Đường giao thông làm mới, sửa chữa (mét)")),
]
FIGURE_NAMES = [name for name, _label in FIGURES]


class Submission(db.Model):
    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=Status.DRAFT.value, index=True)
    # Lateness is measured from the first submission: a report sent on time and returned for
    # revision was still sent on time.
    first_submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    review_comment: Mapped[str] = mapped_column(Text, default="")
    meeting_held_on: Mapped[date | None] = mapped_column(Date)
    meeting_recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    figures_saved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Optimistic lock: a form posted from a stale page (another tab, a double submit) is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    money_state: Mapped[int] = mapped_column(BigInteger, default=0)
    money_people: Mapped[int] = mapped_column(BigInteger, default=0)
    money_other: Mapped[int] = mapped_column(BigInteger, default=0)
    labour_days: Mapped[int] = mapped_column(BigInteger, default=0)
    land_m2: Mapped[int] = mapped_column(BigInteger, default=0)
    trees: Mapped[int] = mapped_column(BigInteger, default=0)
    structures_moved: Mapped[int] = mapped_column(BigInteger, default=0)
    road_m: Mapped[int] = mapped_column(BigInteger, default=0)

    unit = relationship("Unit", lazy="joined")
    campaign = relationship("Campaign")
    reviewed_by = relationship("User")
    files = relationship("ReportFile", lazy="selectin", order_by="(ReportFile.kind, ReportFile.version.desc())",
                         back_populates="submission")
    criteria = relationship("CriterionResult", lazy="selectin", back_populates="submission",
                            cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def money_total(self) -> int:
        return self.money_state + self.money_people + self.money_other

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[Status(self.status)])

    @property
    def status_css(self) -> str:
        return {"submitted": "info", "returned": "warn", "accepted": "ok"}.get(self.status, "muted")

    @property
    def editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.RETURNED)

    def files_of(self, kind: str) -> list[ReportFile]:
        return [f for f in self.files if f.kind == kind]

    def latest(self, kind: str) -> ReportFile | None:
        files = self.files_of(kind)
        return files[0] if files else None

    def figures_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in FIGURE_NAMES}

    def as_dict(self) -> dict:
        return {"status": self.status, "meeting_held_on": self.meeting_held_on.isoformat()
                if self.meeting_held_on else None, **self.figures_dict()}


class FileKind(StrEnum):
    REPORT = "report"
    MINUTES = "minutes"


class ReportFile(db.Model):
    """One uploaded version of a document; the bytes live content-addressed under the upload folder."""

    __tablename__ = "report_file"
    __table_args__ = (UniqueConstraint("submission_id", "kind", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    submission = relationship("Submission", back_populates="files")
    uploaded_by = relationship("User", lazy="joined")


class CriterionResult(db.Model):
    """Whether a commune met one national criterion in 2010 (baseline) and in 2015."""

    __tablename__ = "criterion_result"
    __table_args__ = (UniqueConstraint("submission_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), index=True)
    met_start: Mapped[bool] = mapped_column(Boolean, default=False)
    met_end: Mapped[bool] = mapped_column(Boolean, default=False)

    submission = relationship("Submission", back_populates="criteria")


class Extension(db.Model):
    """More time (gia hạn) for one unit on one milestone."""

    __tablename__ = "extension"
    __table_args__ = (UniqueConstraint("milestone_id", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    due_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    milestone = relationship("Milestone")
    unit = relationship("Unit")


class Reminder(db.Model):
    """A reminder (đôn đốc) sent to a unit about a milestone: at most one per unit, milestone and day."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("unit_id", "milestone_id", "sent_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestone.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # manual, before, overdue
    sent_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    message: Mapped[str] = mapped_column(Text)
    emailed: Mapped[int] = mapped_column(Integer, default=0)

    milestone = relationship("Milestone", lazy="joined")
    sent_by = relationship("User", lazy="joined")
