"""Board sessions: agenda, attendance, quorum, the secret ballot, written and paper votes, results."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from flask_babel import gettext as _
from sqlalchemy import func, insert
from sqlalchemy.exc import IntegrityError

from .. import audit, clock, faults, letterhead
from ..awards import rules as award_rules
from ..campaigns.models import Campaign
from ..extensions import db
from ..nominations.models import AwardForm, BoardMember, Nomination, NominationStatus, ScoringCriterion
from . import rules
from .models import AgendaItem, Attendance, Ballot, BallotScore, BoardSession, PaperCount, SessionStatus, VoteRecord
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
    if session.status == SessionStatus.CLOSED:
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


def open_session(session: BoardSession, campaign: Campaign, user) -> None:
    if session.status != SessionStatus.PREPARED:
        raise VotingError(_("Phiên họp không ở trạng thái chuẩn bị."))
    quorum = quorum_of(session, campaign)
    if not quorum.met:
        raise VotingError(_("Chưa mở được phiên họp. %(why)s", why=quorum.explanation))
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


def close_session(session: BoardSession, user) -> None:
    _lock(session)
    db.session.refresh(session)
    if session.status != SessionStatus.OPEN:
        raise VotingError(_("Chỉ kết thúc được phiên họp đang bỏ phiếu."))
    session.status = SessionStatus.CLOSED.value
    session.closed_at = clock.now()
    db.session.flush()
    _reshuffle(session)
    audit.record("session_closed", session, after={"voters": len(voters(session))}, summary=session.title)
    db.session.commit()


def _reshuffle(session: BoardSession) -> None:
    """Rewrite the session's ballots in a random order under new random ids.

    While a session is open, a database's physical row order (PostgreSQL's heap) follows the order of
    casting, as do vote_record and the audit log. Once the session closes, nothing of that order is
    left in the ballots: the same votes, new ids, new places.
    """
    ballots = db.session.execute(db.select(Ballot.id, Ballot.item_id, Ballot.choice, Ballot.written)
                                 .filter(Ballot.session_id == session.id)).all()
    if not ballots:
        return
    scores = defaultdict(list)
    for ballot_id, criterion_id, points in db.session.execute(
            db.select(BallotScore.ballot_id, BallotScore.criterion_id, BallotScore.points)
            .join(Ballot, Ballot.id == BallotScore.ballot_id).filter(Ballot.session_id == session.id)):
        scores[ballot_id].append((criterion_id, points))
    db.session.execute(db.delete(BallotScore).where(BallotScore.ballot_id.in_(
        db.select(Ballot.id).filter(Ballot.session_id == session.id))))
    db.session.execute(db.delete(Ballot).where(Ballot.session_id == session.id))
    rows = list(ballots)
    random.SystemRandom().shuffle(rows)
    new_ballots, new_scores = [], []
    for old_id, item_id, choice, written in rows:
        new_id = _new_id()
        new_ballots.append({"id": new_id, "session_id": session.id, "item_id": item_id, "choice": choice,
                            "written": written})
        new_scores.extend({"id": _new_id(), "ballot_id": new_id, "criterion_id": c, "points": p}
                          for c, p in scores.get(old_id, []))
    db.session.execute(insert(Ballot), new_ballots)
    if new_scores:
        random.SystemRandom().shuffle(new_scores)
        db.session.execute(insert(BallotScore), new_scores)


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


def _write_ballots(session: BoardSession, choices: dict[int, tuple[str, dict]], written: bool) -> None:
    entries = list(choices.items())
    random.SystemRandom().shuffle(entries)  # no order to read back either
    for item_id, (choice, scores) in entries:
        ballot = Ballot(id=_new_id(), session_id=session.id, item_id=item_id, choice=choice, written=written)
        db.session.add(ballot)
        for criterion_id, points in scores.items():
            db.session.add(BallotScore(id=_new_id(), ballot_id=ballot.id, criterion_id=criterion_id, points=points))


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
    """Cast a member's whole sheet, once. The who-has-voted row and the anonymous ballots are one
    transaction; the unique constraint on (session, member) refuses a second sheet, even from two
    tabs at the same instant."""
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
        _write_ballots(session, choices, written)
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


# Results -----------------------------------------------------------------------------------------


@dataclass
class ItemResult:
    item: AgendaItem
    form: AwardForm
    agree: int = 0
    disagree: int = 0
    invalid: int = 0
    written: int = 0
    issued: int | None = None
    returned: int | None = None
    score: rules.ScoreSummary | None = None
    passed: bool = False
    explanation: str = ""
    rank: int | None = None
    within_quota: bool = False
    tied_at_cut: bool = False
    quota_note: str = ""

    @property
    def percent(self) -> float:
        total = self.item.session.members_total
        return round(100 * self.agree / total, 1) if total else 0.0

    @property
    def proposed(self) -> bool:
        """The board proposes the award: passed and within the quota, or tied at the quota's edge (then the
        chair decides). The draft award list and the proposal list are built by this rule."""
        return self.passed and (self.within_quota or self.tied_at_cut)

    # What the results page shows, worked out in Python once rather than by filters in every table cell.

    @property
    def badge(self) -> str:
        return "ok" if self.passed and self.within_quota else ("warn" if self.passed else "bad")

    @property
    def score_text(self) -> str:
        """'62,9', or '' when the candidate has no score."""
        return letterhead.decimal(self.score.value, trim=False) if self.score and self.score.value is not None else ""

    @property
    def score_range(self) -> str:
        """The lowest and highest ballot's score, '20–86'."""
        if not self.score or self.score.low is None:
            return ""
        return f"{self.score.low:.0f}–{self.score.high:.0f}"


@dataclass
class FormResults:
    form: AwardForm
    items: list[ItemResult] = field(default_factory=list)
    tie_at_cut: bool = False

    def agree_levels(self, members_total: int) -> list[rules.AgreeLevel]:
        """How many of this form's candidates got each number of agree votes (the chart of a large group)."""
        return rules.agree_levels([r.agree for r in self.items], members_total, _threshold(self.form))


def _threshold(form: AwardForm) -> rules.Threshold:
    return rules.Threshold(Fraction(form.threshold_percent, 100), form.threshold_strict)


def results_stamp(session: BoardSession, campaign: Campaign) -> tuple:
    """What a closed session's results page depends on, in one cheap statement.

    The ballots and paper counts cannot change once the session is closed; the award forms' thresholds and
    quotas, the criteria and the campaign's settings are changed only through audited actions, and the
    nominations (names, units, forms) carry an ORM version counter. Events about user accounts (logins,
    password changes) change nothing here and are left out, so a day of logins does not empty the cache.
    """
    one = db.select
    on_agenda = one(AgendaItem.nomination_id).filter(AgendaItem.session_id == session.id)
    values = db.session.execute(one(
        one(func.max(audit.AuditEvent.id)).filter(audit.AuditEvent.object_type != "user").scalar_subquery(),
        one(func.count(Nomination.id)).filter(Nomination.id.in_(on_agenda)).scalar_subquery(),
        one(func.coalesce(func.sum(Nomination.version), 0)).filter(Nomination.id.in_(on_agenda)).scalar_subquery(),
    )).one()
    return (session.id, session.status, session.version, session.members_total, campaign.scoring_enabled,
            campaign.score_method, *values)


def results(session: BoardSession, campaign: Campaign) -> list[FormResults]:
    """Per award form, each candidate's tally, score, verdict and place in the quota. A fixed number of
    queries: tallies and score summaries are SQL aggregates over the anonymous ballots."""
    items = {i.id: i for i in session.items}
    by_item = {i.id: ItemResult(i, i.nomination.form) for i in session.items}
    if session.paper:
        for row in db.session.execute(db.select(PaperCount).filter(PaperCount.item_id.in_(list(items)))).scalars():
            r = by_item[row.item_id]
            r.agree, r.disagree, r.issued, r.returned = row.agree, row.disagree, row.issued, row.returned
            r.invalid = row.returned - row.valid
    else:
        for item_id, choice, written, count in db.session.execute(
                db.select(Ballot.item_id, Ballot.choice, Ballot.written, func.count(Ballot.id))
                .filter(Ballot.session_id == session.id).group_by(Ballot.item_id, Ballot.choice, Ballot.written)):
            r = by_item[item_id]
            setattr(r, choice if choice in CHOICES else "invalid", getattr(r, choice if choice in CHOICES
                                                                         else "invalid") + count)
            if written:
                r.written += count
        criteria = criteria_of(campaign)
        if criteria:
            top = sum(c.max_points * c.weight for c in criteria) or 1
            per_ballot = (db.select(Ballot.item_id.label("item_id"),
                                    (100.0 * func.sum(BallotScore.points * ScoringCriterion.weight) / top).label("s"))
                          .join(BallotScore, BallotScore.ballot_id == Ballot.id)
                          .join(ScoringCriterion, ScoringCriterion.id == BallotScore.criterion_id)
                          .filter(Ballot.session_id == session.id).group_by(Ballot.id, Ballot.item_id).subquery())
            if campaign.score_method == "median":
                values = defaultdict(list)
                for item_id, score in db.session.execute(db.select(per_ballot.c.item_id, per_ballot.c.s)):
                    values[item_id].append(float(score))
                for item_id, scores in values.items():
                    by_item[item_id].score = rules.summarise(scores, "median")
            else:
                score = per_ballot.c.s
                for item_id, count, mean, low, high in db.session.execute(
                        db.select(per_ballot.c.item_id, func.count(), func.avg(score), func.min(score), func.max(score))
                        .group_by(per_ballot.c.item_id)):
                    by_item[item_id].score = rules.ScoreSummary(count, round(float(mean), 2), round(float(low), 2),
                                                                round(float(high), 2))
    groups: dict[int, FormResults] = {}
    verdicts: dict[tuple[int, int], tuple[bool, str]] = {}  # one sentence per form and number of votes
    for r in by_item.values():
        key = (r.form.id, r.agree)
        if key not in verdicts:
            verdicts[key] = rules.verdict(r.agree, session.members_total, _threshold(r.form))
        r.passed, r.explanation = verdicts[key]
        groups.setdefault(r.form.id, FormResults(r.form)).items.append(r)
    ordered = sorted(groups.values(), key=lambda g: (g.form.sort_order, g.form.id))
    for group in ordered:
        ranked = award_rules.apply_quota(
            [award_rules.Ranked(r.item.id, r.passed, r.agree, r.score.value if r.score else None)
             for r in group.items], group.form.quota)
        group.tie_at_cut = ranked.tie_at_cut
        by_id = {r.item.id: r for r in group.items}
        group.items = []
        for rk in ranked.ranked:
            r = by_id[rk.key]
            r.rank, r.within_quota, r.tied_at_cut, r.quota_note = rk.rank, rk.within_quota, rk.tied_at_cut, rk.note
            group.items.append(r)
    return ordered
