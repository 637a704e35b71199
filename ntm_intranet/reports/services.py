"""Every state change of a unit's report, and the queries of the board and the totals.

Each change checks its invariants, writes, audits and commits in one transaction; a page never
changes state itself. The board and the totals load what they need in a fixed number of queries.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import audit, clock, mail, memo, uploads
from ..campaigns.models import Campaign, Criterion, Milestone
from ..extensions import db
from ..org.models import Unit, UnitKind
from . import notifications, rules
from .models import FIGURE_NAMES, CriterionResult, Extension, FileKind, Reminder, ReportFile, Status, Submission

COMMUNE_KINDS = (UnitKind.COMMUNE.value, UnitKind.TOWN.value)
BOARD_KINDS = (UnitKind.AGENCY.value, UnitKind.TOWN.value, UnitKind.COMMUNE.value)


class ReportError(Exception):
    """A change refused for a reason the user must read (in Vietnamese)."""


def _stale_message() -> str:
    return _("Hồ sơ vừa được thay đổi ở nơi khác (một cửa sổ khác, hoặc bấm gửi hai lần). Trang đã hiện dữ liệu mới "
             "nhất: hãy kiểm tra lại rồi làm tiếp nếu cần.")


def _check_version(sub: Submission, expected: int | None) -> None:
    if expected is not None and sub.id is not None and expected != sub.version:
        raise ReportError(_stale_message())


def _conflict_refused(change):
    """A dossier changed by someone else between reading and writing it is refused like a stale page.

    Two requests may both pass `_check_version` and then write: the second one's UPDATE finds the version
    column moved (StaleDataError), or its new file version is already taken (IntegrityError on the unique
    constraint). Either way nothing of it was saved, and the user sees the newest dossier, not an error 500.
    """

    @functools.wraps(change)
    def guarded(*args, **kwargs):
        try:
            return change(*args, **kwargs)
        except (StaleDataError, IntegrityError) as exc:
            db.session.rollback()
            raise ReportError(_stale_message()) from exc

    return guarded


def local_day(moment) -> date | None:
    return clock.to_local(moment).date() if moment else None


# ---------------------------------------------------------------------------------------------
# The dossier


def submission_for(campaign: Campaign, unit: Unit, create: bool = False) -> Submission | None:
    sub = db.session.execute(
        db.select(Submission).filter_by(campaign_id=campaign.id, unit_id=unit.id)
    ).scalar_one_or_none()
    if sub is None and create:
        sub = Submission(campaign_id=campaign.id, unit_id=unit.id, status=Status.DRAFT.value)
        db.session.add(sub)
        try:
            db.session.flush()
        except IntegrityError:
            # Another request created it at the same instant (two tabs, two colleagues): use that one.
            db.session.rollback()
            return submission_for(campaign, unit)
    return sub


def _require_editable(sub: Submission) -> None:
    if sub.status == Status.SUBMITTED:
        raise ReportError(_("Báo cáo đã gửi và đang chờ Phòng NN&PTNT duyệt, nên chưa sửa được. Nếu cần sửa, hãy đề "
                            "nghị Phòng NN&PTNT trả lại để bổ sung."))
    if sub.status == Status.ACCEPTED:
        raise ReportError(_("Báo cáo đã được duyệt: không sửa hay gửi lại được nữa."))


def _file_row(sub: Submission, kind: str, stored: uploads.StoredFile, user) -> ReportFile:
    latest = sub.latest(kind)
    if latest is not None and latest.sha256 == stored.sha256:
        raise ReportError(_("Tệp này giống hệt phiên bản %(v)d đã tải lên: không cần tải lại.", v=latest.version))
    row = ReportFile(submission_id=sub.id, kind=kind, version=(latest.version + 1) if latest else 1,
                     original_name=stored.original_name, sha256=stored.sha256, size=stored.size,
                     content_type=stored.content_type, uploaded_at=clock.now(), uploaded_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    audit.record("report_file_uploaded", row, summary=f"{sub.unit.code} {kind} v{row.version}: "
                 f"{row.original_name} ({row.size} B, sha256 {row.sha256[:12]})")
    return row


@_conflict_refused
def add_file(sub: Submission, kind: str, upload, user, expected_version: int | None = None) -> ReportFile:
    """A new version of the report (or of the meeting minutes). Nothing is ever replaced."""
    if kind not in (FileKind.REPORT, FileKind.MINUTES):
        raise ReportError(_("Loại tài liệu không hợp lệ."))
    if kind == FileKind.REPORT:
        _require_editable(sub)
    _check_version(sub, expected_version)
    stored = uploads.store(upload)
    try:
        row = _file_row(sub, kind, stored, user)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        uploads.discard(stored)
        raise
    db.session.refresh(sub)
    return row


@_conflict_refused
def save_figures(sub: Submission, figures: dict[str, int], criteria: dict[int, tuple[bool, bool]] | None, user,
                 expected_version: int | None = None) -> None:
    _require_editable(sub)
    _check_version(sub, expected_version)
    before = sub.as_dict()
    for name in FIGURE_NAMES:
        value = int(figures.get(name) or 0)
        if value < 0:
            raise ReportError(_("Số liệu không được âm."))
        setattr(sub, name, value)
    if criteria is not None:
        existing = {r.criterion_id: r for r in sub.criteria}
        for criterion_id, (met_start, met_end) in criteria.items():
            row = existing.get(criterion_id)
            if row is None:
                sub.criteria.append(CriterionResult(criterion_id=criterion_id, met_start=met_start, met_end=met_end))
            else:
                row.met_start, row.met_end = met_start, met_end
    sub.figures_saved_at = clock.now()
    db.session.flush()
    after = sub.as_dict()
    if criteria is not None:
        after["criteria_met_end"] = sum(1 for _s, e in criteria.values() if e)
        after["criteria_met_start"] = sum(1 for s, _e in criteria.values() if s)
    audit.record("report_figures_saved", sub, before=before, after=after, summary=sub.unit.code)
    db.session.commit()


@_conflict_refused
def record_meeting(sub: Submission, held_on: date, minutes, user, expected_version: int | None = None) -> None:
    """The day the unit's summary meeting was held, with its minutes (biên bản): both saved, or neither."""
    _check_version(sub, expected_version)
    if held_on > clock.today():
        raise ReportError(_("Ngày tổ chức hội nghị không thể sau ngày hôm nay."))
    stored = uploads.store(minutes) if minutes is not None and minutes.filename else None
    try:
        before = sub.as_dict()
        sub.meeting_held_on = held_on
        sub.meeting_recorded_at = clock.now()
        db.session.flush()
        audit.record("meeting_recorded", sub, before=before, after=sub.as_dict(), summary=sub.unit.code)
        if stored is not None:
            _file_row(sub, FileKind.MINUTES, stored, user)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if stored is not None:
            uploads.discard(stored)
        raise


@_conflict_refused
def submit(sub: Submission, user, expected_version: int | None = None) -> None:
    _check_version(sub, expected_version)
    _require_editable(sub)
    if sub.latest(FileKind.REPORT) is None:
        raise ReportError(_("Chưa có tệp báo cáo tổng kết: hãy tải lên trước khi gửi."))
    if sub.figures_saved_at is None:
        raise ReportError(_("Chưa lưu số liệu tổng hợp: hãy điền và lưu số liệu (có thể là 0) trước khi gửi."))
    before = sub.status
    now = clock.now()
    sub.status = Status.SUBMITTED.value
    sub.submitted_at = now
    if sub.first_submitted_at is None:
        sub.first_submitted_at = now
    db.session.flush()
    audit.record("report_submitted", sub, before={"status": before}, after={"status": sub.status},
                 summary=sub.unit.code)
    db.session.commit()


@_conflict_refused
def review(sub: Submission, decision: str, comment: str, user, expected_version: int | None = None) -> None:
    _check_version(sub, expected_version)
    if sub.status != Status.SUBMITTED:
        raise ReportError(_("Chỉ duyệt được báo cáo đang chờ duyệt (trạng thái hiện tại: %(s)s).", s=sub.status_label))
    if decision not in ("accept", "return"):
        raise ReportError(_("Hãy chọn Duyệt hoặc Trả lại để bổ sung."))
    if decision == "return" and not comment:
        raise ReportError(_("Khi trả lại, hãy ghi rõ nội dung cần bổ sung để đơn vị biết sửa gì."))
    before = sub.status
    sub.status = (Status.ACCEPTED if decision == "accept" else Status.RETURNED).value
    sub.review_comment = comment or ""
    sub.reviewed_at = clock.now()
    sub.reviewed_by_id = user.id
    db.session.flush()
    audit.record("report_accepted" if decision == "accept" else "report_returned", sub,
                 before={"status": before}, after={"status": sub.status, "comment": sub.review_comment},
                 summary=sub.unit.code)
    if decision == "accept":
        title = _("Báo cáo tổng kết của đơn vị đã được duyệt")
    else:
        title = _("Báo cáo tổng kết cần bổ sung")
    notifications.notify(notifications.unit_reporters(sub.unit_id), title, sub.review_comment,
                         url_for("reports.dossier", unit_id=sub.unit_id))
    db.session.commit()


def grant_extension(milestone: Milestone, unit: Unit, due_date: date, reason: str, user) -> Extension:
    if unit.kind not in milestone.kinds:
        raise ReportError(_("Mốc này không áp dụng cho đơn vị này."))
    if due_date <= milestone.due_date:
        raise ReportError(_("Ngày gia hạn phải sau hạn gốc (%(d)s).", d=milestone.due_date.strftime("%d/%m/%Y")))
    extension = db.session.execute(
        db.select(Extension).filter_by(milestone_id=milestone.id, unit_id=unit.id)).scalar_one_or_none()
    before = {"due_date": extension.due_date.isoformat()} if extension else None
    if extension is None:
        extension = Extension(milestone_id=milestone.id, unit_id=unit.id)
        db.session.add(extension)
    extension.due_date, extension.reason = due_date, reason
    extension.granted_by_id, extension.granted_at = user.id, clock.now()
    db.session.flush()
    audit.record("extension_granted", extension, before=before,
                 after={"due_date": due_date.isoformat(), "reason": reason},
                 summary=f"{unit.code}: {milestone.title}")
    notifications.notify(notifications.unit_reporters(unit.id),
                         _("Gia hạn: %(t)s đến %(d)s", t=milestone.title, d=due_date.strftime("%d/%m/%Y")), reason,
                         url_for("main.unit", unit_id=unit.id))
    db.session.commit()
    return extension


# ---------------------------------------------------------------------------------------------
# States


def _extensions(campaign: Campaign, unit_ids=None) -> dict[tuple[int, int], date]:
    query = db.select(Extension.milestone_id, Extension.unit_id, Extension.due_date).join(Milestone) \
        .filter(Milestone.campaign_id == campaign.id)
    if unit_ids is not None:
        query = query.filter(Extension.unit_id.in_(unit_ids))
    return {(m, u): d for m, u, d in db.session.execute(query)}


def state_of(milestone: Milestone, unit_id: int, sub, extensions, today: date) -> rules.MilestoneState:
    """`sub` is a Submission or a row with status, first_submitted_at and meeting_held_on."""
    extended_to = extensions.get((milestone.id, unit_id))
    if milestone.kind == "meeting":
        done = sub.meeting_held_on if sub is not None else None
        return rules.milestone_state(milestone.due_date, today, done, extended_to)
    done, review_state = None, None
    if sub is not None and sub.first_submitted_at is not None:
        done = local_day(sub.first_submitted_at)
        if sub.status in (Status.RETURNED, Status.ACCEPTED):
            review_state = sub.status
    return rules.milestone_state(milestone.due_date, today, done, extended_to, review_state)


def unit_states(campaign: Campaign, unit: Unit, sub: Submission | None):
    """(milestone, state) for each milestone of the unit, in date order; None for the district's own ones."""
    extensions = _extensions(campaign, [unit.id])
    today = clock.today()
    return [(m, state_of(m, unit.id, sub, extensions, today) if m.kind in ("report", "meeting") else None)
            for m in campaign.milestones_for(unit.kind)]


def reminders_of(unit: Unit) -> list[Reminder]:
    return list(db.session.execute(
        db.select(Reminder).filter_by(unit_id=unit.id).order_by(Reminder.sent_at.desc())).scalars())


# ---------------------------------------------------------------------------------------------
# The deadline board


@dataclass
class BoardRow:
    unit_id: int
    code: str
    name: str
    kind: str
    submission_id: int | None
    status: str | None
    report: rules.MilestoneState | None
    meeting: rules.MilestoneState | None
    report_milestone_id: int | None
    meeting_milestone_id: int | None
    last_reminder: date | None
    district_id: int | None = None   # the unit above: a district in a province-wide install

    def state(self, which: str):
        return self.report if which == "report" else self.meeting

    def milestone_id(self, which: str) -> int | None:
        return self.report_milestone_id if which == "report" else self.meeting_milestone_id


@dataclass
class Board:
    rows: list[BoardRow]
    total: int
    page: int
    pages: int
    counts: dict[str, int]                        # state code -> units (report milestone, after kind filter)
    shares: dict[str, dict[str, int]]             # unit kind -> {on_time, late, missing}
    filters: dict = field(default_factory=dict)

    @property
    def late_or_missing(self) -> int:
        return self.counts.get(rules.OVERDUE, 0)


_BOARD_CACHE = "ntm_board_cache"
_BOARD_CACHE_SIZE = 16


def _board_stamp(campaign: Campaign, today: date) -> tuple:
    """What the board's rows depend on, in one cheap statement: every state change is audited (the last
    event's id), and units, dossiers (their ORM version counter moves on every update), extensions and
    reminders are counted, so even a change made without an audit event (an import, a bulk seed) is seen."""
    one = db.select
    values = db.session.execute(one(
        one(func.max(audit.AuditEvent.id)).scalar_subquery(),
        one(func.count(Unit.id)).scalar_subquery(),
        one(func.max(Unit.id)).scalar_subquery(),
        one(func.count(Submission.id)).filter(Submission.campaign_id == campaign.id).scalar_subquery(),
        one(func.coalesce(func.sum(Submission.version), 0)).filter(Submission.campaign_id == campaign.id)
        .scalar_subquery(),
        one(func.count(Extension.id)).scalar_subquery(),
        one(func.max(Extension.id)).scalar_subquery(),
        one(func.max(Reminder.id)).scalar_subquery(),
    )).one()
    milestones = tuple((m.id, m.kind, m.unit_kinds, m.due_date) for m in campaign.milestones)
    return (today, *values, milestones)


def _board_rows(campaign: Campaign, today: date, district: int | None):
    """The board's rows and shares, computed once per state of the data and kept by the app process.

    Working out 10,000 units' states takes a good part of a second; the stamp query that tells whether
    anything changed takes milliseconds, so a board nobody has changed since is served from memory.
    """
    # the rows, the shares per kind, and the filtered and sorted views of them that board() keeps beside
    return memo.kept(_BOARD_CACHE, (campaign.id, district), _board_stamp(campaign, today),
                     lambda: (*_compute_board_rows(campaign, today, district), {}), _BOARD_CACHE_SIZE)


def _compute_board_rows(campaign: Campaign, today: date, district: int | None):
    query = (db.select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id)
             .filter(Unit.active.is_(True), Unit.kind.in_(BOARD_KINDS)).order_by(Unit.sort_order, Unit.code))
    if district is not None:
        query = query.filter(Unit.parent_id == district)
    units = db.session.execute(query).all()
    units.sort(key=lambda u: BOARD_KINDS.index(u.kind))  # agencies, the town, then the communes (stable)
    subs = {row.unit_id: row for row in db.session.execute(
        db.select(Submission.unit_id, Submission.id, Submission.status, Submission.first_submitted_at,
                  Submission.meeting_held_on).filter_by(campaign_id=campaign.id))}
    extensions = _extensions(campaign)
    last_reminders = dict(db.session.execute(
        db.select(Reminder.unit_id, func.max(Reminder.sent_on)).join(Milestone)
        .filter(Milestone.campaign_id == campaign.id).group_by(Reminder.unit_id)).all())
    milestones = {(k, mk): campaign.milestone_for(k, mk) for k in BOARD_KINDS for mk in ("report", "meeting")}

    rows = []
    for unit_id, code, name, unit_kind, parent_id in units:
        sub = subs.get(unit_id)
        report_m, meeting_m = milestones[(unit_kind, "report")], milestones[(unit_kind, "meeting")]
        rows.append(BoardRow(
            unit_id, code, name, unit_kind, sub.id if sub else None, sub.status if sub else None,
            state_of(report_m, unit_id, sub, extensions, today) if report_m else None,
            state_of(meeting_m, unit_id, sub, extensions, today) if meeting_m else None,
            report_m.id if report_m else None, meeting_m.id if meeting_m else None,
            last_reminders.get(unit_id), parent_id))

    shares: dict[str, dict[str, int]] = {}
    for row in rows:
        if row.report is not None:
            bucket = shares.setdefault(row.kind, {rules.ON_TIME_SHARE: 0, rules.LATE_SHARE: 0, rules.MISSING_SHARE: 0})
            bucket[row.report.share] += 1
    return rows, shares


def board(campaign: Campaign, today: date, kind: str | None = None, state: str | None = None,
          which: str = "report", sort: str = "name", page: int = 1, per_page: int = 50,
          paginate: bool = True, district: int | None = None) -> Board:
    """Every unit of the board's kinds with its state on the report and meeting milestones; `district`
    keeps the units under one district (the drill-down of the province roll-up)."""
    which = which if which in ("report", "meeting") else "report"
    kind = kind if kind in BOARD_KINDS else None
    state = state if state in rules.ORDER else None
    sort = sort if sort == "late" else "name"
    all_rows, shares, views = _board_rows(campaign, today, district)
    # Filtering and sorting 10,000 rows costs more than drawing a page of them: each view (at most a few
    # hundred combinations of the filters) is worked out once per state of the data and kept beside it.
    view = views.get((kind, state, which, sort))
    if view is None:
        view = views[(kind, state, which, sort)] = _board_view(all_rows, kind, state, which, sort)
    rows, counts = view
    total = len(rows)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    rows = list(rows[(page - 1) * per_page: page * per_page] if paginate else rows)  # the kept view stays as it is
    return Board(rows, total, page, pages, dict(counts), shares,
                 {"kind": kind or "", "state": state or "", "which": which, "sort": sort, "district": district})


def _board_view(rows, kind: str | None, state: str | None, which: str, sort: str) -> tuple[tuple, dict[str, int]]:
    """The rows of one kind (or all), their counts per state, then those in one state (or all), sorted."""
    if kind is not None:
        rows = [r for r in rows if r.kind == kind]
    counts: dict[str, int] = {}
    for row in rows:
        current = row.state(which)
        if current is not None:
            counts[current.code] = counts.get(current.code, 0) + 1
    if state is not None:
        rows = [r for r in rows if r.state(which) is not None and r.state(which).code == state]
    if sort == "late":
        rows = sorted(rows, key=lambda r: -(r.state(which).urgency if r.state(which) else -1))
    return tuple(rows), counts


@dataclass
class DistrictRate:
    """A district's reporting rates, as DHIS2 shows them: of the units expected to report, how many have
    (completeness) and how many did so by their deadline (timeliness)."""

    district_id: int | None
    name: str
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    overdue: int = 0

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def completeness(self) -> float:
        return round(100 * self.reported / self.expected, 1) if self.expected else 0.0

    @property
    def timeliness(self) -> float:
        return round(100 * self.on_time / self.expected, 1) if self.expected else 0.0


@dataclass
class Rollup:
    districts: list[DistrictRate]
    total: DistrictRate
    which: str


def rollup(campaign: Campaign, today: date, which: str = "report") -> Rollup:
    """The board rolled up per district (the units' parent), the least complete first. The board's fixed
    queries plus one for the districts' names, however many units."""
    which = which if which in ("report", "meeting") else "report"
    rows = board(campaign, today, which=which, paginate=False).rows
    names = dict(db.session.execute(db.select(Unit.id, Unit.name).filter(
        Unit.id.in_(db.select(Unit.parent_id).filter(Unit.kind.in_(BOARD_KINDS)).distinct()))).all())
    rates: dict[int | None, DistrictRate] = {}
    total = DistrictRate(None, "")
    for row in rows:
        current = row.state(which)
        if current is None:
            continue
        rate = rates.get(row.district_id)
        if rate is None:
            rate = rates[row.district_id] = DistrictRate(row.district_id, names.get(row.district_id, ""))
        for bucket in (rate, total):
            bucket.expected += 1
            share = current.share
            if share == rules.ON_TIME_SHARE:
                bucket.on_time += 1
            elif share == rules.LATE_SHARE:
                bucket.late += 1
            else:
                bucket.missing += 1
                bucket.overdue += current.code == rules.OVERDUE
    districts = sorted(rates.values(), key=lambda r: (r.completeness, r.timeliness, r.name))
    return Rollup(districts, total, which)


# ---------------------------------------------------------------------------------------------
# Reminders


def _reminder_text(unit_name: str, milestone: Milestone, state: rules.MilestoneState) -> str:
    due = state.due.strftime("%d/%m/%Y")
    if state.code == rules.OVERDUE:
        return _("Đề nghị %(u)s khẩn trương thực hiện: %(t)s. Hạn %(d)s đã quá %(n)d ngày.", u=unit_name,
                 t=milestone.title, d=due, n=state.days_overdue)
    return _("Đề nghị %(u)s thực hiện: %(t)s, hạn %(d)s (còn %(n)d ngày).", u=unit_name, t=milestone.title, d=due,
             n=state.days_left or 0)


def send_reminder(unit: Unit, milestone: Milestone, state: rules.MilestoneState, kind: str, actor=None,
                  today: date | None = None) -> Reminder | None:
    """Remind one unit of one milestone; None when it was already reminded of it today."""
    today = today or clock.today()
    already = db.session.execute(db.select(Reminder.id).filter_by(
        unit_id=unit.id, milestone_id=milestone.id, sent_on=today)).first()
    if already is not None:
        return None
    text = _reminder_text(unit.name, milestone, state)
    reminder = Reminder(unit_id=unit.id, milestone_id=milestone.id, kind=kind, sent_on=today, sent_at=clock.now(),
                        sent_by_id=getattr(actor, "id", None), message=text)
    db.session.add(reminder)
    reporters = notifications.unit_reporters(unit.id)
    link = url_for("main.unit", unit_id=unit.id)
    notifications.notify(reporters, _("Đôn đốc: %(t)s", t=milestone.title), text, link)
    db.session.flush()
    audit.record("reminder_sent", reminder, actor=actor, summary=f"{unit.code} ({kind}): {milestone.title}")
    db.session.commit()
    emails = [u.email for u in reporters if u.email]
    if emails:
        reminder.emailed = mail.send(emails, _("[NTM Đakrông] Đôn đốc: %(t)s", t=milestone.title), text)
        db.session.commit()
    return reminder


def _send(campaign: Campaign, due: list[tuple[BoardRow, str, str]], actor, today: date) -> tuple[int, int]:
    """Send (row, which, kind) reminders, loading just the units concerned. Returns (sent, skipped)."""
    milestones = {m.id: m for m in campaign.milestones}
    wanted = {row.unit_id for row, _which, _kind in due}
    units = {u.id: u for u in db.session.execute(db.select(Unit).filter(Unit.id.in_(wanted))).scalars()} \
        if wanted else {}
    sent = skipped = 0
    for row, which, kind in due:
        if send_reminder(units[row.unit_id], milestones[row.milestone_id(which)], row.state(which), kind, actor,
                         today):
            sent += 1
        else:
            skipped += 1
    return sent, skipped


def remind_units(campaign: Campaign, unit_ids: list[int] | None, which: str, actor, kind: str = "manual",
                 only_late: bool = True) -> tuple[int, int]:
    """Remind the given units (or every late or missing one) of a milestone kind. Returns (sent, skipped)."""
    today = clock.today()
    due = [(row, which, kind) for row in board(campaign, today, which=which, paginate=False).rows
           if row.state(which) is not None and row.state(which).done_on is None
           and (unit_ids is None or row.unit_id in unit_ids)
           and not (only_late and row.state(which).code != rules.OVERDUE)]
    return _send(campaign, due, actor, today)


def scheduled_reminders(today: date | None = None) -> tuple[int, int]:
    """What `flask ntm remind` sends: N days before each due date, then daily while overdue."""
    today = today or clock.today()
    sent = skipped = 0
    for campaign in db.session.execute(db.select(Campaign).filter_by(active=True)).scalars().all():
        before_sent = {(unit_id, milestone_id) for unit_id, milestone_id in db.session.execute(
            db.select(Reminder.unit_id, Reminder.milestone_id).join(Milestone)
            .filter(Milestone.campaign_id == campaign.id, Reminder.kind == "before"))}
        due = []
        for row in board(campaign, today, paginate=False).rows:
            for which in ("report", "meeting"):
                state = row.state(which)
                kind = state and rules.reminder_kind(state, campaign.remind_days_before,
                                                     (row.unit_id, row.milestone_id(which)) in before_sent)
                if kind:
                    due.append((row, which, kind))
        counts = _send(campaign, due, None, today)
        sent, skipped = sent + counts[0], skipped + counts[1]
    return sent, skipped


# ---------------------------------------------------------------------------------------------
# District totals


@dataclass
class CommuneCriteria:
    unit_id: int
    code: str
    name: str
    status: str | None
    met_start: set[int]
    met_end: set[int]

    @property
    def count_start(self) -> int:
        return len(self.met_start)

    @property
    def count_end(self) -> int:
        return len(self.met_end)


@dataclass
class Totals:
    accepted: dict[str, int]
    with_submitted: dict[str, int]
    accepted_units: int
    submitted_units: int
    expected_units: int
    criteria: list[Criterion]
    communes: list[CommuneCriteria]
    average_start: float
    average_end: float
    met_per_criterion: dict[int, int]
    page: int = 1
    pages: int = 1
    communes_total: int = 0
    communes_reported: int = 0

    @property
    def money_accepted(self) -> int:
        return sum(self.accepted[k] for k in ("money_state", "money_people", "money_other"))

    @property
    def money_with_submitted(self) -> int:
        return sum(self.with_submitted[k] for k in ("money_state", "money_people", "money_other"))


def totals(campaign: Campaign, page: int = 1, per_page: int = 60, paginate: bool = True) -> Totals:
    """The district's sums, and the communes × criteria table (one page of communes, or all of them)."""
    columns = [func.coalesce(func.sum(getattr(Submission, n)), 0) for n in FIGURE_NAMES]
    by_status = {row[0]: row[1:] for row in db.session.execute(
        db.select(Submission.status, func.count(Submission.id), *columns)
        .filter(Submission.campaign_id == campaign.id,
                Submission.status.in_([Status.ACCEPTED.value, Status.SUBMITTED.value]))
        .group_by(Submission.status))}
    zero = (0,) * (len(FIGURE_NAMES) + 1)
    acc, sub = by_status.get(Status.ACCEPTED.value, zero), by_status.get(Status.SUBMITTED.value, zero)
    accepted = {n: int(acc[i + 1]) for i, n in enumerate(FIGURE_NAMES)}
    with_submitted = {n: int(acc[i + 1]) + int(sub[i + 1]) for i, n in enumerate(FIGURE_NAMES)}
    expected = db.session.execute(db.select(func.count(Unit.id)).filter(
        Unit.active.is_(True), Unit.kind.in_(BOARD_KINDS))).scalar_one()
    criteria = list(db.session.execute(
        db.select(Criterion).filter_by(set_code=campaign.criteria_set).order_by(Criterion.number)).scalars())

    counted = [Status.ACCEPTED.value, Status.SUBMITTED.value]
    commune = (Unit.active.is_(True), Unit.kind.in_(COMMUNE_KINDS))
    counted_subs = (Submission.campaign_id == campaign.id, Submission.status.in_(counted))
    # Criteria met per reporting commune (for the averages), and communes meeting each criterion.
    met_counts = db.session.execute(
        db.select(func.sum(db.case((CriterionResult.met_start, 1), else_=0)),
                  func.sum(db.case((CriterionResult.met_end, 1), else_=0)))
        .select_from(Submission).join(Unit, Unit.id == Submission.unit_id)
        .outerjoin(CriterionResult, CriterionResult.submission_id == Submission.id)
        .filter(*commune, *counted_subs).group_by(Submission.id)).all()
    met_per_criterion = {c.number: 0 for c in criteria}
    met_per_criterion.update(dict(db.session.execute(
        db.select(Criterion.number, func.count(CriterionResult.id))
        .select_from(CriterionResult).join(Criterion, Criterion.id == CriterionResult.criterion_id)
        .join(Submission, Submission.id == CriterionResult.submission_id).join(Unit, Unit.id == Submission.unit_id)
        .filter(CriterionResult.met_end.is_(True), *commune, *counted_subs).group_by(Criterion.number)).all()))

    communes_total = db.session.execute(db.select(func.count(Unit.id)).filter(*commune)).scalar_one()
    pages = max(1, math.ceil(communes_total / per_page)) if paginate else 1
    page = min(max(page, 1), pages)
    rows_query = (db.select(Unit.id, Unit.code, Unit.name, Submission.status)
                  .outerjoin(Submission, (Submission.unit_id == Unit.id) & (Submission.campaign_id == campaign.id))
                  .filter(*commune).order_by(Unit.sort_order, Unit.code, Unit.id))
    if paginate:
        rows_query = rows_query.offset((page - 1) * per_page).limit(per_page)
    communes = {unit_id: CommuneCriteria(unit_id, code, name, status, set(), set())
                for unit_id, code, name, status in db.session.execute(rows_query)}
    results = (db.select(Submission.unit_id, Criterion.number, CriterionResult.met_start, CriterionResult.met_end)
               .join(CriterionResult, CriterionResult.submission_id == Submission.id)
               .join(Criterion, Criterion.id == CriterionResult.criterion_id)
               .join(Unit, Unit.id == Submission.unit_id).filter(*commune, *counted_subs))
    if paginate:
        results = results.filter(Submission.unit_id.in_(list(communes)))
    for unit_id, number, met_start, met_end in db.session.execute(results):
        if unit_id in communes:
            if met_start:
                communes[unit_id].met_start.add(number)
            if met_end:
                communes[unit_id].met_end.add(number)
    return Totals(accepted, with_submitted, int(acc[0]), int(sub[0]), expected, criteria, list(communes.values()),
                  rules.criteria_average([int(start or 0) for start, _end in met_counts]),
                  rules.criteria_average([int(end or 0) for _start, end in met_counts]), met_per_criterion,
                  page, pages, communes_total, len(met_counts))
