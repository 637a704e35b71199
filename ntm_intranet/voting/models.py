"""Board sessions, attendance and the secret ballot.

Secrecy is in the schema and on the disk. `vote_record` says WHO has voted (one row per member and
session, no time). While the session is open, WHAT was voted exists only as `sealed_sheet`: the whole
sheet encrypted to the session's public key (whose private half is derived from a passphrase that is
never stored), one fixed-size opaque row per sheet, written in the same transaction as the vote_record
row whose unique constraint makes a second sheet impossible. At close the sheets are decrypted in
memory and written as `ballot` rows (a random id, no member, no time) in a random order, in a
transaction that touches no voter row; the sealed sheets are then destroyed. See sealing.py.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class SessionStatus(StrEnum):
    PREPARED = "prepared"
    OPEN = "open"
    CLOSED = "closed"
    VOIDED = "voided"  # the passphrase was lost: the sealed sheets were destroyed unread, the vote is re-run


SESSION_STATUS_LABELS = {SessionStatus.PREPARED: _l("Chuẩn bị"), SessionStatus.OPEN: _l("Đang bỏ phiếu"),
                         SessionStatus.CLOSED: _l("Đã kết thúc"), SessionStatus.VOIDED: _l("Đã hủy")}


class BoardSession(db.Model):
    __tablename__ = "board_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    time_text: Mapped[str] = mapped_column(String(40), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    paper: Mapped[bool] = mapped_column(Boolean, default=False)  # counts entered from paper ballots
    status: Mapped[str] = mapped_column(String(20), default=SessionStatus.PREPARED.value, index=True)
    members_total: Mapped[int] = mapped_column(Integer, default=0)  # fixed when the session opens
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The lock of an electronic session's ballots (sealing.py): the public key, and the salt and Argon2id
    # costs that turn the passphrase into the key pair. The passphrase and the private key are never stored.
    seal_public_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    seal_salt: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    seal_opslimit: Mapped[int | None] = mapped_column(Integer)
    seal_memlimit: Mapped[int | None] = mapped_column(Integer)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    void_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    chair = relationship("User", foreign_keys=[chair_id], lazy="joined")
    secretary = relationship("User", foreign_keys=[secretary_id], lazy="joined")
    items = relationship("AgendaItem", lazy="selectin", order_by="AgendaItem.position", back_populates="session",
                         cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def status_label(self) -> str:
        return str(SESSION_STATUS_LABELS[SessionStatus(self.status)])

    @property
    def status_css(self) -> str:
        return {"open": "warn", "closed": "ok", "voided": "bad"}.get(self.status, "muted")


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("session_id", "nomination_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("board_session.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # How many of this candidate's ballots came as written opinions of absent members: counted at close. Kept
    # here, not on each ballot, so that no ballot row says it is the absent member's.
    written_ballots: Mapped[int] = mapped_column(Integer, default=0)

    session = relationship("BoardSession", back_populates="items")
    nomination = relationship("Nomination", lazy="joined")


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("board_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    present: Mapped[bool] = mapped_column(Boolean, default=False)

    user = relationship("User", lazy="joined")


class VoteRecord(db.Model):
    """Who has cast a ballot sheet in a session (or whose written opinion was entered). Nothing more."""

    __tablename__ = "vote_record"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("board_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    written: Mapped[bool] = mapped_column(Boolean, default=False)


def _ballot_id() -> str:
    return secrets.token_hex(16)


class SealedSheet(db.Model):
    """One member's whole sheet while the session is open: ciphertext only, padded to one size per session.

    No member, no time, a random key (SQLite stores the rows in the order of that key). Only the session's
    private key, derived from the passphrase typed at close, opens it; the close destroys every row.
    """

    __tablename__ = "sealed_sheet"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_ballot_id)
    session_id: Mapped[int] = mapped_column(ForeignKey("board_session.id", ondelete="CASCADE"), index=True)
    box: Mapped[bytes] = mapped_column(LargeBinary)


class Ballot(db.Model):
    """One anonymous vote on one candidate: no member, no time, a random id."""

    __tablename__ = "ballot"
    # SQLite: rows stored in the order of their random key, not in the order they were cast.
    # The index holds every column the tally reads (and, on SQLite, the key): a session's results are
    # counted from the index alone, without a lookup per ballot.
    __table_args__ = (Index("ix_ballot_session_item", "session_id", "item_id", "choice", "written"),
                      {"sqlite_with_rowid": False})

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_ballot_id)
    session_id: Mapped[int] = mapped_column(ForeignKey("board_session.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    choice: Mapped[str] = mapped_column(String(10))  # agree, disagree, invalid
    # Always false since ballot encryption (0007): which ballot was written would name the absent member; the
    # count per candidate is agenda_item.written_ballots. Kept for the index and older databases.
    written: Mapped[bool] = mapped_column(Boolean, default=False)


class BallotScore(db.Model):
    __tablename__ = "ballot_score"
    # The scores of a session are summed from the second index alone (points included), without a lookup
    # of each score's row: 2,000 candidates × 15 members × 5 criteria are 150,000 of them.
    __table_args__ = (UniqueConstraint("ballot_id", "criterion_id"),
                      Index("ix_ballot_score_points", "ballot_id", "criterion_id", "points"),
                      {"sqlite_with_rowid": False})

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_ballot_id)
    ballot_id: Mapped[str] = mapped_column(ForeignKey("ballot.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("scoring_criterion.id"), index=True)
    points: Mapped[int] = mapped_column(Integer)


class PaperCount(db.Model):
    """For a paper session: the counts per candidate, entered by the secretary from the ballot box."""

    __tablename__ = "paper_count"
    __table_args__ = (UniqueConstraint("item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    returned: Mapped[int] = mapped_column(Integer, default=0)
    valid: Mapped[int] = mapped_column(Integer, default=0)
    agree: Mapped[int] = mapped_column(Integer, default=0)
    disagree: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
