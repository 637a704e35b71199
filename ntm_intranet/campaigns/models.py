from __future__ import annotations

from datetime import date
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..versioning import Versioned


class MilestoneKind(StrEnum):
    REPORT = "report"
    MEETING = "meeting"
    DISTRICT_REPORT = "district_report"
    CONFERENCE = "conference"


MILESTONE_KIND_LABELS = {
    MilestoneKind.REPORT: _l("Nộp báo cáo tổng kết"),
    MilestoneKind.MEETING: _l("Tổ chức hội nghị tổng kết"),
    MilestoneKind.DISTRICT_REPORT: _l("Báo cáo tổng kết cấp huyện"),
    MilestoneKind.CONFERENCE: _l("Hội nghị tổng kết cấp huyện"),
}


class Campaign(Versioned, db.Model):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    doc_number: Mapped[str] = mapped_column(String(40), unique=True)
    doc_date: Mapped[date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(160), default="")
    signer: Mapped[str] = mapped_column(String(120), default="")
    legal_bases: Mapped[str] = mapped_column(Text, default="")
    period_start: Mapped[int] = mapped_column(Integer)
    period_end: Mapped[int] = mapped_column(Integer)
    criteria_set: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Scheduled reminders: this many days before a due date, then daily while overdue.
    remind_days_before: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    # The board's rules (DOMAIN.md §6), per campaign.
    quorum_numerator: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    quorum_denominator: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    scoring_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    score_method: Mapped[str] = mapped_column(String(10), default="mean", server_default="mean")
    same_unit_abstains: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    money_rounding: Mapped[int] = mapped_column(Integer, default=10_000, server_default="10000")

    milestones = relationship("Milestone", lazy="selectin", cascade="all, delete-orphan",
                              order_by="(Milestone.due_date, Milestone.id)",
                              back_populates="campaign")

    @property
    def legal_basis_list(self) -> list[str]:
        return [line.strip() for line in self.legal_bases.splitlines() if line.strip()]

    def milestones_for(self, unit_kind: str) -> list[Milestone]:
        return [m for m in self.milestones if unit_kind in m.kinds]

    def as_dict(self) -> dict:
        return {"title": self.title, "doc_number": self.doc_number, "doc_date": self.doc_date.isoformat(),
                "issuer": self.issuer, "signer": self.signer, "legal_bases": self.legal_bases,
                "period": f"{self.period_start}-{self.period_end}", "criteria_set": self.criteria_set,
                "active": self.active, "remind_days_before": self.remind_days_before}

    def milestone_for(self, unit_kind: str, kind: str) -> Milestone | None:
        """The unit kind's milestone of a kind ("report", "meeting"), if the campaign has one."""
        for milestone in self.milestones:
            if milestone.kind == kind and unit_kind in milestone.kinds:
                return milestone
        return None


class Milestone(Versioned, db.Model):
    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    # The unit kinds this milestone applies to, comma-separated ("commune,town").
    unit_kinds: Mapped[str] = mapped_column(String(120))
    due_date: Mapped[date] = mapped_column(Date)

    campaign = relationship("Campaign", back_populates="milestones")

    @property
    def kinds(self) -> list[str]:
        return [k for k in self.unit_kinds.split(",") if k]

    @property
    def kind_label(self) -> str:
        return str(MILESTONE_KIND_LABELS.get(self.kind, self.kind))

    def as_dict(self) -> dict:
        return {"kind": self.kind, "title": self.title, "unit_kinds": self.unit_kinds,
                "due_date": self.due_date.isoformat()}


class Criterion(db.Model):
    """One of the national NTM criteria (19 in the 2009/2013 set), kept as data."""

    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("set_code", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_code: Mapped[str] = mapped_column(String(40))
    number: Mapped[int] = mapped_column(Integer)
    group_no: Mapped[str] = mapped_column(String(8))
    group_name: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(200))
