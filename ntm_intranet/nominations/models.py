"""Nominations for awards, the award catalogue, scoring criteria, the board's members."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import uploads
from ..extensions import db
from ..versioning import Versioned


class Kind(StrEnum):
    COLLECTIVE = "collective"
    INDIVIDUAL = "individual"
    HOUSEHOLD = "household"


KIND_LABELS = {Kind.COLLECTIVE: _l("Tập thể"), Kind.INDIVIDUAL: _l("Cá nhân"), Kind.HOUSEHOLD: _l("Hộ gia đình")}
KIND_ORDER = [Kind.COLLECTIVE, Kind.INDIVIDUAL, Kind.HOUSEHOLD]


class NominationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    ELIGIBLE = "eligible"
    RETURNED = "returned"


NOMINATION_STATUS_LABELS = {
    NominationStatus.DRAFT: _l("Đang soạn"),
    NominationStatus.SUBMITTED: _l("Đã gửi, chờ thẩm định"),
    NominationStatus.WITHDRAWN: _l("Đã rút"),
    NominationStatus.ELIGIBLE: _l("Đủ điều kiện trình Hội đồng"),
    NominationStatus.RETURNED: _l("Bị trả lại"),
}


class AwardForm(Versioned, db.Model):
    """A form of award in a campaign's catalogue, with the rule that decides it."""

    __tablename__ = "award_form"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(60), default="")
    recipient_kinds: Mapped[str] = mapped_column(String(60), default="collective,individual,household")
    # Approval threshold as a share of ALL board members: e.g. 50 % strictly more, or at least 90 %.
    threshold_percent: Mapped[int] = mapped_column(Integer, default=50)
    threshold_strict: Mapped[bool] = mapped_column(Boolean, default=True)
    quota: Mapped[int | None] = mapped_column(Integer)
    coefficient: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=Decimal("0"))
    # Minimum contribution (đồng) of a household for this form, checked when screening.
    min_household_contribution: Mapped[int | None] = mapped_column(BigInteger)
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def kinds(self) -> list[str]:
        return [k for k in self.recipient_kinds.split(",") if k]

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "level": self.level, "kinds": self.recipient_kinds,
                "threshold": f"{'>' if self.threshold_strict else '>='}{self.threshold_percent}%",
                "quota": self.quota, "coefficient": str(self.coefficient),
                "min_household_contribution": self.min_household_contribution, "legal_basis": self.legal_basis}


class BaseSalary(db.Model):
    """Lương cơ sở, dated: the amount in force on a decision date sets the award money."""

    __tablename__ = "base_salary"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date, unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    legal_basis: Mapped[str] = mapped_column(String(200), default="")


class ScoringCriterion(Versioned, db.Model):
    __tablename__ = "scoring_criterion"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    max_points: Mapped[int] = mapped_column(Integer, default=10)
    weight: Mapped[int] = mapped_column(Integer, default=1)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class BoardMember(db.Model):
    __tablename__ = "board_member"
    __table_args__ = (UniqueConstraint("campaign_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    board_role: Mapped[str] = mapped_column(String(120), default="")  # Chủ tịch HĐ, Phó Chủ tịch, Ủy viên...

    user = relationship("User", lazy="joined")


class Nomination(db.Model):
    __tablename__ = "nomination"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the nominating unit
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")  # unit, or thôn / xã
    summary: Mapped[str] = mapped_column(Text, default="")          # the line printed in the list
    money: Mapped[int] = mapped_column(BigInteger, default=0)
    labour_days: Mapped[int] = mapped_column(BigInteger, default=0)
    land_m2: Mapped[int] = mapped_column(BigInteger, default=0)
    trees: Mapped[int] = mapped_column(BigInteger, default=0)
    proposed_form_id: Mapped[int] = mapped_column(ForeignKey("award_form.id"), index=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("award_form.id"), index=True)  # after screening
    status: Mapped[str] = mapped_column(String(20), default=NominationStatus.DRAFT.value, index=True)
    screening_note: Mapped[str] = mapped_column(Text, default="")
    # When the candidate is a board member (a person) or a unit, so nobody votes on himself.
    candidate_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    screened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    unit = relationship("Unit", lazy="joined")
    proposed_form = relationship("AwardForm", foreign_keys=[proposed_form_id], lazy="joined")
    form = relationship("AwardForm", foreign_keys=[form_id], lazy="joined")
    candidate_user = relationship("User")
    files = relationship("NominationFile", lazy="select", order_by="(NominationFile.kind, NominationFile.id)")

    __mapper_args__ = {"version_id_col": version}

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[Kind(self.kind)])

    @property
    def status_label(self) -> str:
        return str(NOMINATION_STATUS_LABELS[NominationStatus(self.status)])

    @property
    def status_css(self) -> str:
        return {"submitted": "info", "eligible": "ok", "returned": "warn"}.get(self.status, "muted")

    @property
    def contribution_value(self) -> int:
        return self.money

    def as_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "position": self.position, "address": self.address,
                "summary": self.summary, "money": self.money, "labour_days": self.labour_days,
                "land_m2": self.land_m2, "trees": self.trees, "proposed_form_id": self.proposed_form_id,
                "form_id": self.form_id, "status": self.status, "screening_note": self.screening_note,
                "candidate_user_id": self.candidate_user_id}


class NominationFile(db.Model):
    __tablename__ = "nomination_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # to_trinh, thanh_tich, other
    original_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


uploads.holds_files(NominationFile.sha256)  # the sweep and discard() keep the files these rows name


FILE_KIND_LABELS = {"to_trinh": _l("Tờ trình"), "thanh_tich": _l("Báo cáo thành tích"), "other": _l("Tài liệu khác")}
