"""Board sessions: agenda, attendance, quorum, the secret ballot (sealed while open, opened at close), written
and paper votes. The results of a closed session are results.py."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from .. import audit, clock, faults
from ..campaigns.models import Campaign
from ..extensions import db
from ..nominations.models import BoardMember, Nomination, NominationStatus, ScoringCriterion
from . import rules, sealing
from .models import (
    AgendaItem,
    Attendance,
    Ballot,
    BallotScore,
    BoardSession,
    PaperCount,
    SealedSheet,
    SessionStatus,
    VoteRecord,
)
from .models import _ballot_id as _new_id

CHOICES = ("agree", "disagree")


class VotingError(Exception):
    """Refused, with a message for the user."""


class AlreadyVoted(VotingError):
    pass


def members_of(campaign: Campaign) -> list[BoardMember]:
    return list(db.session.execute(db.select(BoardMember).filter_by(campaign_id=campaign.id)
                                   .order_by(BoardMember.id)).scalars())


def is_member(campaign: Campaign, user) -> bool:
    return db.session.execute(db.select(BoardMember.id).filter_by(campaign_id=campaign.id, user_id=user.id)) \
        .first() is not None


def criteria_of(campaign: Campaign) -> list[ScoringCriterion]:
    if not campaign.scoring_enabled:
        return []
    return list(db.session.execute(db.select(ScoringCriterion).filter_by(campaign_id=campaign.id)
                                   .order_by(ScoringCriterion.sort_order, ScoringCriterion.id)).scalars())


# Preparing ---------------------------------------------------------------------------------------


def create_session(campaign: Campaign, data: dict, nomination_ids: list[int]) -> BoardSession:
    eligible = {n.id: n for n in db.session.execute(db.select(Nomination).filter(
        Nomination.campaign_id == campaign.id, Nomination.status == NominationStatus.ELIGIBLE.value,
        Nomination.id.in_(nomination_ids))).scalars()}
    if not eligible:
        raise VotingError(_("Chọn ít nhất một hồ sơ đủ điều kiện để đưa vào chương trình họp."))
    session = BoardSession(campaign_id=campaign.id, status=SessionStatus.PREPARED.value, **data)
    for position, nid in enumerate(i for i in nomination_ids if i in eligible):
        session.items.append(AgendaItem(nomination_id=nid, position=position))
    db.session.add(session)
    db.session.flush()
    for member in members_of(campaign):
        db.session.add(Attendance(session_id=session.id, user_id=member.user_id, present=False))
    audit.record("session_created", session, after={"title": session.title, "items": len(session.items),
                                                    "paper": session.paper}, summary=session.title)
    db.session.commit()
    return session


def attendance(session: BoardSession) -> list[Attendance]:
    return list(db.session.execute(db.select(Attendance).filter_by(session_id=session.id)
                                   .order_by(Attendance.id)).scalars())


def set_attendance(session: BoardSession, present_ids: set[int]) -> None:
    if session.status in (SessionStatus.CLOSED, SessionStatus.VOIDED):
        raise VotingError(_("Phiên họp đã kết thúc."))
    rows = attendance(session)
    before = sorted(a.user_id for a in rows if a.present)
    voted = voters(session)
    for row in rows:
        if row.user_id in voted and row.present and row.user_id not in present_ids:
            raise VotingError(_("%(n)s đã bỏ phiếu: không thể ghi là vắng mặt.", n=row.user.full_name))
        row.present = row.user_id in present_ids
    audit.record("attendance_recorded", session, before={"present": before},
                 after={"present": sorted(present_ids & {r.user_id for r in rows})}, summary=session.title)
    db.session.commit()


def quorum_of(session: BoardSession, campaign: Campaign) -> rules.Quorum:
    rows = attendance(session)
    total = session.members_total if session.status != SessionStatus.PREPARED else len(rows)
    share = Fraction(campaign.quorum_numerator, campaign.quorum_denominator)
    return rules.quorum(sum(1 for r in rows if r.present), total, share)


def _new_lock(passphrase: str, repeated: str) -> sealing.Lock:
    """The passphrase, typed twice, checked, turned into the session's lock. Messages never repeat it."""
    if sealing.normalise(passphrase) != sealing.normalise(repeated):
        raise VotingError(_("Hai lần nhập mật khẩu bỏ phiếu không giống nhau. Hãy nhập lại."))
    if len(sealing.normalise(passphrase).decode()) < sealing.MIN_PASSPHRASE:
        raise VotingError(_("Mật khẩu bỏ phiếu cần ít nhất %(n)d ký tự (nên là một câu dễ nhớ).",
                            n=sealing.MIN_PASSPHRASE))
    config = current_app.config
    return sealing.new_lock(passphrase, config["NTM_BALLOT_KDF_OPSLIMIT"], config["NTM_BALLOT_KDF_MEMLIMIT"])


def open_session(session: BoardSession, campaign: Campaign, user, passphrase: str = "", repeated: str = "") -> None:
    """Open the vote. An electronic session needs the passphrase typed twice: only the public key it gives
    (with its salt and costs) is stored; the same passphrase is needed again at close. A paper session
    needs none (its counts are typed from the ballot box, not per member)."""
    if session.status != SessionStatus.PREPARED:
        raise VotingError(_("Phiên họp không ở trạng thái chuẩn bị."))
    quorum = quorum_of(session, campaign)
    if not quorum.met:
        raise VotingError(_("Chưa mở được phiên họp. %(why)s", why=quorum.explanation))
    if not session.paper:
        lock = _new_lock(passphrase, repeated)
        session.seal_public_key, session.seal_salt = lock.public_key, lock.salt
        session.seal_opslimit, session.seal_memlimit = lock.opslimit, lock.memlimit
    session.status = SessionStatus.OPEN.value
    session.members_total = quorum.total
    session.opened_at = clock.now()
    db.session.flush()
    audit.record("session_opened", session, after={"members_total": quorum.total, "present": quorum.present},
                 summary=quorum.explanation)
    db.session.commit()


def _lock(session: BoardSession) -> None:
    """Serialise casting and closing within one session (a row lock on PostgreSQL; SQLite writes are serial)."""
    db.session.execute(db.select(BoardSession.id).filter_by(id=session.id).with_for_update())


def _lock_of(session: BoardSession) -> sealing.Lock:
    return sealing.Lock(session.seal_public_key, session.seal_salt, session.seal_opslimit, session.seal_memlimit)


def close_session(session: BoardSession, user, passphrase: str = "") -> None:
    """End the vote and count it. An electronic session's sheets are opened with the passphrase typed at
    opening: a wrong one changes nothing. The ballots are then written in a random order under fresh ids,
    in a transaction that writes no voter row, and the sealed sheets are destroyed in it."""
    key = None
    if not session.paper and session.status == SessionStatus.OPEN:
        try:  # the slow derivation runs before the row lock is taken
            key = sealing.unlock(passphrase, _lock_of(session))
        except sealing.WrongPassphrase:
            raise VotingError(_("Mật khẩu bỏ phiếu không đúng: phiên họp vẫn đang mở, chưa phiếu nào được mở. "
                                "Hãy nhập đúng mật khẩu đã đặt khi khai mạc.")) from None
    _lock(session)
    db.session.refresh(session)
    if session.status != SessionStatus.OPEN:
        raise VotingError(_("Chỉ kết thúc được phiên họp đang bỏ phiếu."))
    session.status = SessionStatus.CLOSED.value
    session.closed_at = clock.now()
    db.session.flush()
    if key is not None:
        _unseal(session, key)
        del key
    audit.record("session_closed", session, after={"voters": len(voters(session))}, summary=session.title)
    db.session.commit()
    _forget_freed_pages()


def _unseal(session: BoardSession, key) -> None:
    """Open every sealed sheet in memory, write its ballots among all others in a random order under new
    random ids, and destroy the sealed sheets. Touches no vote_record or attendance row."""
    boxes = list(db.session.execute(db.select(SealedSheet.box).filter_by(session_id=session.id)).scalars())
    if len(boxes) != len(voters(session)):  # a sheet removed or slipped in behind the application's back
        raise VotingError(_("Số phiếu kín (%(b)d) không khớp số thành viên đã bỏ phiếu (%(v)d): không kiểm phiếu. "
                            "Hãy báo quản trị hệ thống.", b=len(boxes), v=len(voters(session))))
    items = {i.id: i for i in session.items}
    ballots, scores, written_per_item = [], [], defaultdict(int)
    for box in boxes:
        written, choices = sealing.decode(sealing.unseal(key, box))
        for item_id, (choice, points) in choices.items():
            if item_id not in items:
                raise ValueError("a sealed sheet names a candidate not on the agenda")
            written_per_item[item_id] += written
            ballot_id = _new_id()
            ballots.append({"id": ballot_id, "session_id": session.id, "item_id": item_id, "choice": choice,
                            "written": False})
            scores.extend({"id": _new_id(), "ballot_id": ballot_id, "criterion_id": c, "points": p}
                          for c, p in points.items())
    shuffle = random.SystemRandom().shuffle
    shuffle(ballots)
    shuffle(scores)
    if ballots:
        db.session.execute(insert(Ballot), ballots)
    if scores:
        db.session.execute(insert(BallotScore), scores)
    for item_id, count in written_per_item.items():
        items[item_id].written_ballots = count
    db.session.execute(db.delete(SealedSheet).where(SealedSheet.session_id == session.id))


def _forget_freed_pages() -> None:
    """SQLite: fold the write-ahead log into the database file and empty it. secure_delete has zeroed the
    destroyed rows' bytes in the pages; the checkpoint leaves no older page image behind in the -wal file.
    Best effort: a reader still holding an old snapshot makes SQLite leave the log for the next checkpoint."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def void_session(session: BoardSession, user, reason: str) -> None:
    """The passphrase is lost: the session is marked voided, its sealed sheets destroyed unread, and no
    result is ever computed for it. Its candidates can be put on a new session (rerun_session)."""
    reason = " ".join((reason or "").split())
    if len(reason) < 10:
        raise VotingError(_("Ghi rõ lý do hủy phiên họp (ít nhất 10 ký tự), để đưa vào hồ sơ."))
    _lock(session)
    db.session.refresh(session)
    if session.status != SessionStatus.OPEN or session.paper:
        raise VotingError(_("Chỉ hủy được phiên bỏ phiếu điện tử đang mở."))
    destroyed = db.session.execute(db.delete(SealedSheet).where(SealedSheet.session_id == session.id)).rowcount
    session.status = SessionStatus.VOIDED.value
    session.voided_at = clock.now()
    session.void_reason = reason[:1000]
    db.session.flush()
    audit.record("session_voided", session, after={"reason": session.void_reason, "sealed_sheets_destroyed":
                                                   destroyed}, summary=session.title)
    db.session.commit()
    _forget_freed_pages()


def rerun_session(voided: BoardSession, campaign: Campaign) -> BoardSession:
    """A new prepared session with the voided one's candidates (those still eligible), place and chair."""
    if voided.status != SessionStatus.VOIDED:
        raise VotingError(_("Chỉ bỏ phiếu lại cho phiên họp đã hủy."))
    return create_session(campaign, {
        "title": _("%(t)s (bỏ phiếu lại)", t=voided.title)[:200], "held_on": voided.held_on,
        "time_text": voided.time_text, "place": voided.place, "chair_id": voided.chair_id,
        "secretary_id": voided.secretary_id, "paper": False}, [i.nomination_id for i in voided.items])


# Ballot sheets -----------------------------------------------------------------------------------


@dataclass
class SheetItem:
    item: AgendaItem
    may_vote: bool
    flag: str = ""   # why the member does not vote, or a conflict to be aware of


def sheet(session: BoardSession, campaign: Campaign, user) -> list[SheetItem]:
    """The candidates on this member's sheet: never himself; his own unit's nominees flagged or left out."""
    result = []
    for item in session.items:
        nomination = item.nomination
        if nomination.candidate_user_id == user.id:
            result.append(SheetItem(item, False, _("Không biểu quyết cho chính mình.")))
        elif user.unit_id is not None and nomination.unit_id == user.unit_id:
            if campaign.same_unit_abstains:
                result.append(SheetItem(item, False, _("Không biểu quyết: hồ sơ do đơn vị của đồng chí đề nghị.")))
            else:
                result.append(SheetItem(item, True, _("Lưu ý: hồ sơ do đơn vị của đồng chí đề nghị.")))
        else:
            result.append(SheetItem(item, True))
    return result


def voters(session: BoardSession) -> set[int]:
    return set(db.session.execute(db.select(VoteRecord.user_id).filter_by(session_id=session.id)).scalars())


def validate_sheet(session: BoardSession, campaign: Campaign, user, form: dict) -> dict[int, tuple[str, dict]]:
    """Read a posted sheet ({"c<item>": choice, "s<item>_<criterion>": points}) into checked choices.

    Raises VotingError with every problem listed, in Vietnamese.
    """
    criteria = criteria_of(campaign)
    choices, problems = {}, []
    for entry in sheet(session, campaign, user):
        if not entry.may_vote:
            continue
        item = entry.item
        name = item.nomination.name
        choice = form.get(f"c{item.id}")
        if choice not in CHOICES:
            problems.append(_("Chưa chọn Đồng ý hay Không đồng ý cho %(n)s.", n=name))
        scores = {}
        for criterion in criteria:
            raw = (form.get(f"s{item.id}_{criterion.id}") or "").strip()
            if not raw.isdigit() or not 0 <= int(raw) <= criterion.max_points:
                problems.append(_("Điểm “%(c)s” của %(n)s phải là số nguyên từ 0 đến %(m)d.", c=criterion.name, n=name,
                                  m=criterion.max_points))
            else:
                scores[criterion.id] = int(raw)
        choices[item.id] = (choice, scores)
    if problems:
        raise VotingError(" ".join(problems))
    return choices


def _sealed(session: BoardSession, choices: dict[int, tuple[str, dict]], written: bool) -> SealedSheet:
    """The whole sheet as one opaque row: padded to the session's one size, sealed to its public key."""
    size = sealing.sheet_size(len(session.items), len(criteria_of(session_campaign(session))))
    box = sealing.seal(session.seal_public_key, sealing.encode(choices, written, size))
    return SealedSheet(id=_new_id(), session_id=session.id, box=box)


def session_campaign(session: BoardSession) -> Campaign:
    return db.session.get(Campaign, session.campaign_id)


def check_may_cast(session: BoardSession, campaign: Campaign, user) -> None:
    """Refuse, before any sheet is shown or cast, whoever may not vote in this session now."""
    if session.status != SessionStatus.OPEN:
        raise VotingError(_("Phiên họp không mở bỏ phiếu (đã kết thúc hoặc chưa bắt đầu)."))
    if not is_member(campaign, user):
        raise VotingError(_("Chỉ thành viên Hội đồng mới được bỏ phiếu."))
    present = db.session.execute(db.select(Attendance.present).filter_by(session_id=session.id, user_id=user.id)) \
        .scalar_one_or_none()
    if not present:
        raise VotingError(_("Đồng chí chưa được ghi nhận có mặt tại phiên họp: hãy báo thư ký Hội đồng."))


def cast(session: BoardSession, campaign: Campaign, user, form: dict) -> None:
    """Cast a member's whole sheet, once. The who-has-voted row and the sealed sheet are one transaction;
    the unique constraint on (session, member) refuses a second sheet, even from two tabs at the same
    instant. Nothing readable of the choices is written until the close."""
    check_may_cast(session, campaign, user)
    if user.id in voters(session):
        raise AlreadyVoted(_("Đồng chí đã bỏ phiếu trong phiên họp này; phiếu đã bỏ không sửa được."))
    choices = validate_sheet(session, campaign, user, form)
    _record_sheet(session, user.id, choices, written=False)


def _record_sheet(session: BoardSession, user_id: int, choices, written: bool) -> None:
    try:
        _lock(session)
        if db.session.execute(db.select(BoardSession.status).filter_by(id=session.id)).scalar_one() \
                != SessionStatus.OPEN:
            raise VotingError(_("Phiên họp không mở bỏ phiếu (đã kết thúc hoặc chưa bắt đầu)."))
        db.session.add(VoteRecord(session_id=session.id, user_id=user_id, written=written))
        db.session.add(_sealed(session, choices, written))
        db.session.flush()
        # The audit says that a sheet was cast, never by whom with what: the who is vote_record's.
        audit.record("ballot_sheet_cast", object_type="session", object_id=session.id,
                     summary=f"{len(choices)} ballots" + (" (written opinion)" if written else ""))
        faults.pause("ballot")  # test-only, off unless NTM_TEST_FAULT_PAUSE says so: see faults.py
        db.session.commit()
    except VotingError:
        db.session.rollback()
        raise
    except IntegrityError as exc:
        db.session.rollback()
        raise AlreadyVoted(_("Đồng chí đã bỏ phiếu trong phiên họp này; phiếu đã bỏ không sửa được.")) from exc


def check_may_enter_written(session: BoardSession, member_user) -> None:
    """Refuse, before the sheet is shown or recorded, a written opinion that cannot be entered now."""
    if session.status != SessionStatus.OPEN or session.paper:
        raise VotingError(_("Chỉ nhập ý kiến bằng văn bản khi phiên họp đang bỏ phiếu."))
    row = db.session.execute(db.select(Attendance).filter_by(session_id=session.id, user_id=member_user.id)) \
        .scalar_one_or_none()
    if row is None:
        raise VotingError(_("Người này không phải thành viên Hội đồng."))
    if row.present:
        raise VotingError(_("Thành viên có mặt tự bỏ phiếu; ý kiến bằng văn bản chỉ dành cho thành viên vắng mặt."))
    if member_user.id in voters(session):
        raise AlreadyVoted(_("Đồng chí đã bỏ phiếu trong phiên họp này; phiếu đã bỏ không sửa được."))


def enter_written(session: BoardSession, campaign: Campaign, member_user, form: dict) -> None:
    """An absent member's written opinion (ý kiến bằng văn bản), entered by the secretary."""
    check_may_enter_written(session, member_user)
    choices = validate_sheet(session, campaign, member_user, form)
    _record_sheet(session, member_user.id, choices, written=True)


def enter_paper_counts(session: BoardSession, counts: dict[int, dict[str, int]], user) -> None:
    if not session.paper:
        raise VotingError(_("Phiên họp này bỏ phiếu điện tử."))
    if session.status != SessionStatus.OPEN:
        raise VotingError(_("Chỉ nhập kết quả kiểm phiếu khi phiên họp đang mở."))
    problems = []
    for item in session.items:
        c = counts.get(item.id)
        if c is None:
            continue
        name = item.nomination.name
        if any(v < 0 for v in c.values()):
            problems.append(_("%(n)s: số phiếu không được âm.", n=name))
        elif not (c["valid"] <= c["returned"] <= c["issued"] <= session.members_total):
            problems.append(_("%(n)s: cần có hợp lệ ≤ thu về ≤ phát ra ≤ %(t)d thành viên.", n=name,
                              t=session.members_total))
        elif c["agree"] + c["disagree"] != c["valid"]:
            problems.append(_("%(n)s: đồng ý + không đồng ý phải bằng số phiếu hợp lệ.", n=name))
    if problems:
        raise VotingError(" ".join(problems))
    existing = {p.item_id: p for p in db.session.execute(db.select(PaperCount).filter(
        PaperCount.item_id.in_([i.id for i in session.items]))).scalars()}
    for item_id, c in counts.items():
        row = existing.get(item_id) or PaperCount(item_id=item_id)
        for key in ("issued", "returned", "valid", "agree", "disagree"):
            setattr(row, key, c[key])
        db.session.add(row)
    audit.record("paper_counts_entered", session, after={str(k): v for k, v in counts.items()},
                 summary=session.title)
    db.session.commit()
