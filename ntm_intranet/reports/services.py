"""Every state change of a unit's report dossier, and the unit's states on its milestones.

Each change checks its invariants, writes, audits and commits in one transaction; a page never
changes state itself. The board (deadline_board.py), the reminders (reminders.py) and the totals
(district_totals.py) are their own modules.
"""

from __future__ import annotations

import functools
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import audit, clock, storage
from ..campaigns.models import Campaign, Milestone
from ..extensions import db
from ..notifications import services as notifications
from ..org.models import Unit, UnitKind
from . import rules
from .models import FIGURE_NAMES, CriterionResult, Extension, FileKind, Reminder, ReportFile, Status, Submission

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


def _file_row(sub: Submission, kind: str, stored: storage.StoredFile, user) -> ReportFile:
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
    stored = storage.store(upload)
    try:
        row = _file_row(sub, kind, stored, user)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        storage.discard(stored)
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
    stored = storage.store(minutes) if minutes is not None and minutes.filename else None
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
            storage.discard(stored)
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
