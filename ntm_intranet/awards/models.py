"""The award list: proposed from the session results, struck and approved by the chair, then locked.

An approved list is never edited: a later change is a new revision (a new AwardList row with its
own entries), audited, and the previous one stays as it was.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class AwardStatus(StrEnum):
    """A list is drawn up as a draft, approved by the chair (then locked), and superseded by the next
    approved revision."""

    DRAFT = "draft"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


class AwardList(db.Model):
    __tablename__ = "award_list"
    __table_args__ = (UniqueConstraint("campaign_id", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("board_session.id"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default=AwardStatus.DRAFT.value)  # an AwardStatus
    decision_number: Mapped[str] = mapped_column(String(40), default="")
    decision_date: Mapped[date | None] = mapped_column(Date)
    base_salary: Mapped[int] = mapped_column(BigInteger, default=0)  # lương cơ sở used for the money
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text, default="")

    entries = relationship("AwardEntry", lazy="selectin", order_by="AwardEntry.position", cascade="all, delete-orphan")
    approved_by = relationship("User")


class AwardEntry(db.Model):
    __tablename__ = "award_entry"
    __table_args__ = (UniqueConstraint("list_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("award_list.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"), index=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("award_form.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    struck: Mapped[bool] = mapped_column(Boolean, default=False)
    strike_reason: Mapped[str] = mapped_column(Text, default="")
    result_text: Mapped[str] = mapped_column(String(300), default="")  # "Đạt: 9/11 ... > 50 %"

    nomination = relationship("Nomination", lazy="joined")
    form = relationship("AwardForm", lazy="joined")
