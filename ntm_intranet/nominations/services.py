"""Nominations and the board's configuration: every change checked, audited and committed."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from .. import audit, clock, uploads, versioning
from ..auth.models import User, UserRole
from ..auth.roles import Role
from ..extensions import db
from . import rules
from .models import AwardForm, BaseSalary, BoardMember, Nomination, NominationFile, NominationStatus, ScoringCriterion


class NominationError(Exception):
    """Refused, with a message for the user."""


def award_forms(campaign) -> list[AwardForm]:
    return list(db.session.execute(db.select(AwardForm).filter_by(campaign_id=campaign.id)
                                   .order_by(AwardForm.sort_order, AwardForm.id)).scalars())


def scoring_criteria(campaign) -> list[ScoringCriterion]:
    return list(db.session.execute(db.select(ScoringCriterion).filter_by(campaign_id=campaign.id)
                                   .order_by(ScoringCriterion.sort_order, ScoringCriterion.id)).scalars())


def board_members(campaign) -> list[BoardMember]:
    return list(db.session.execute(db.select(BoardMember).filter_by(campaign_id=campaign.id)
                                   .join(User).order_by(BoardMember.id)).scalars())


def eligible_users() -> list[User]:
    """People who may sit on the board: active accounts holding the member role."""
    return list(db.session.execute(db.select(User).join(UserRole).filter(
        UserRole.role == Role.MEMBER.value, User.active.is_(True)).order_by(User.full_name)).scalars())


def save_award_form(form: AwardForm, data: dict, expected_version: int | None = None) -> AwardForm:
    return audit.save(form, data, "award_form", lambda f: f.name, expected_version)


def save_criterion(criterion: ScoringCriterion, data: dict, expected_version: int | None = None) -> ScoringCriterion:
    if criterion.id:
        versioning.check(criterion, expected_version)
    before = {"name": criterion.name, "max": criterion.max_points, "weight": criterion.weight} if criterion.id else None
    for key, value in data.items():
        setattr(criterion, key, value)
    db.session.add(criterion)
    db.session.flush()
    audit.record("scoring_criterion_saved", criterion, before=before,
                 after={"name": criterion.name, "max": criterion.max_points, "weight": criterion.weight},
                 summary=criterion.name)
    db.session.commit()
    return criterion


def set_board(campaign, user_ids: list[int], board_roles: dict[int, str] | None = None) -> None:
    """The board's members, added in the order given; `board_roles` (user id -> "Chủ tịch Hội đồng"...)
    sets the role each holds on the board, for new and current members alike."""
    current = {m.user_id: m for m in board_members(campaign)}
    allowed = {u.id for u in eligible_users()}
    wanted = {uid for uid in user_ids if uid in allowed}
    roles = board_roles or {}
    for uid, member in current.items():
        if uid not in wanted:
            db.session.delete(member)
        elif uid in roles:
            member.board_role = roles[uid]
    for uid in dict.fromkeys(user_ids):
        if uid in wanted and uid not in current:
            db.session.add(BoardMember(campaign_id=campaign.id, user_id=uid, board_role=roles.get(uid, "")))
    after = {"members": sorted(wanted)}
    if roles:
        after["roles"] = {str(uid): role for uid, role in sorted(roles.items()) if uid in wanted}
    audit.record("board_members_set", object_type="campaign", object_id=campaign.id,
                 before={"members": sorted(current)}, after=after)
    db.session.commit()


# Nominations -----------------------------------------------------------------------------------------


def _check_version(nomination: Nomination, expected: int | None) -> None:
    if expected is not None and expected != nomination.version:
        raise NominationError(_("Hồ sơ đề nghị vừa được thay đổi ở nơi khác (một cửa sổ khác, hoặc bấm gửi hai lần). "
                                "Trang đã hiện dữ liệu mới nhất."))


def save_nomination(nomination: Nomination, data: dict, user, expected_version: int | None = None) -> Nomination:
    if nomination.id:
        _check_version(nomination, expected_version)
        if nomination.status not in (NominationStatus.DRAFT, NominationStatus.RETURNED):
            raise NominationError(_("Hồ sơ đã gửi: không sửa được nữa (có thể rút hồ sơ khi chưa thẩm định)."))
    form = db.session.get(AwardForm, data["proposed_form_id"])
    if form is None or form.campaign_id != nomination.campaign_id:
        raise NominationError(_("Hình thức khen thưởng không hợp lệ."))
    if data["kind"] not in form.kinds:
        raise NominationError(_("Hình thức “%(f)s” không áp dụng cho đối tượng này.", f=form.name))
    before = nomination.as_dict() if nomination.id else None
    for key, value in data.items():
        setattr(nomination, key, value)
    nomination.form_id = nomination.proposed_form_id
    if nomination.created_at is None:
        nomination.created_at = clock.now()
    db.session.add(nomination)
    db.session.flush()
    audit.record("nomination_updated" if before else "nomination_created", nomination, before=before,
                 after=nomination.as_dict(), summary=f"{nomination.unit.code if nomination.unit else ''}: "
                 f"{nomination.name}")
    db.session.commit()
    return nomination


def add_file(nomination: Nomination, kind: str, upload, user) -> NominationFile:
    if kind not in ("to_trinh", "thanh_tich", "other"):
        raise NominationError(_("Loại tài liệu không hợp lệ."))
    if nomination.status not in (NominationStatus.DRAFT, NominationStatus.RETURNED):
        raise NominationError(_("Hồ sơ đã gửi: không thêm tài liệu được nữa."))
    stored = uploads.store(upload)
    try:
        row = NominationFile(nomination_id=nomination.id, kind=kind, original_name=stored.original_name,
                             sha256=stored.sha256, size=stored.size, content_type=stored.content_type,
                             uploaded_at=clock.now(), uploaded_by_id=user.id)
        db.session.add(row)
        db.session.flush()
        audit.record("nomination_file_uploaded", row, summary=f"{nomination.name}: {kind} {row.original_name}")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        uploads.discard(stored)
        raise
    return row


def _transition(nomination: Nomination, allowed: tuple, target: str, action: str, expected_version=None,
                message=None, **changes) -> None:
    _check_version(nomination, expected_version)
    if nomination.status not in allowed:
        raise NominationError(message or _("Không thực hiện được ở trạng thái hiện tại (%(s)s).",
                                           s=nomination.status_label))
    before = nomination.as_dict()
    nomination.status = target
    for key, value in changes.items():
        setattr(nomination, key, value)
    db.session.flush()
    audit.record(action, nomination, before=before, after=nomination.as_dict(), summary=nomination.name)
    db.session.commit()


def submit(nomination: Nomination, user, expected_version=None) -> None:
    if not nomination.summary.strip():
        raise NominationError(_("Hãy ghi tóm tắt thành tích (dòng in trong danh sách) trước khi gửi."))
    _transition(nomination, (NominationStatus.DRAFT, NominationStatus.RETURNED), NominationStatus.SUBMITTED.value,
                "nomination_submitted", expected_version, submitted_at=clock.now())


def withdraw(nomination: Nomination, user, expected_version=None) -> None:
    _transition(nomination, (NominationStatus.DRAFT, NominationStatus.SUBMITTED, NominationStatus.RETURNED),
                NominationStatus.WITHDRAWN.value, "nomination_withdrawn", expected_version,
                message=_("Chỉ rút được hồ sơ chưa thẩm định."))


def screen(nomination: Nomination, decision: str, note: str, form_id: int | None, user, expected_version=None,
           candidate_user_id: int | None = None):
    """Eligible or returned (with a reason); may change the award form, and records which board member,
    if any, the candidate is, so that member gets no ballot on himself."""
    if decision not in ("eligible", "returned"):
        raise NominationError(_("Hãy chọn kết quả thẩm định."))
    if decision == "returned" and not note:
        raise NominationError(_("Khi trả lại hồ sơ, hãy ghi rõ lý do."))
    if candidate_user_id is not None and not db.session.execute(db.select(BoardMember.id).filter_by(
            campaign_id=nomination.campaign_id, user_id=candidate_user_id)).first():
        raise NominationError(_("Người được chọn không phải thành viên Hội đồng."))
    changes = {"screening_note": note or "", "screened_at": clock.now(), "candidate_user_id": candidate_user_id}
    if form_id:
        form = db.session.get(AwardForm, form_id)
        if form is None or form.campaign_id != nomination.campaign_id:
            raise NominationError(_("Hình thức khen thưởng không hợp lệ."))
        if nomination.kind not in form.kinds:
            raise NominationError(_("Hình thức “%(f)s” không áp dụng cho đối tượng này.", f=form.name))
        changes["form_id"] = form.id
    _transition(nomination, (NominationStatus.SUBMITTED, NominationStatus.ELIGIBLE), decision,
                "nomination_screened", expected_version, **changes)


def automatic_checks(nomination: Nomination) -> list[str]:
    form = nomination.form
    return rules.checks(nomination.kind, form.kinds, nomination.money, form.min_household_contribution,
                        nomination.summary, {f.kind for f in nomination.files})


def nominations_query(campaign, user):
    """The nominations this user may see: a reporter his unit's; the board's people all but drafts."""
    query = db.select(Nomination).filter_by(campaign_id=campaign.id)
    if user.roles & {Role.ADMIN, Role.SECRETARY, Role.CHAIR}:
        return query.filter(Nomination.status != NominationStatus.DRAFT.value)
    if Role.REPORTER in user.roles and user.unit_id:
        return query.filter(Nomination.unit_id == user.unit_id)
    return query.filter(db.false())


def base_salary_on(day: date) -> BaseSalary | None:
    """The lương cơ sở in force on a day (the latest one effective on or before it)."""
    return db.session.execute(db.select(BaseSalary).filter(BaseSalary.effective_from <= day)
                              .order_by(BaseSalary.effective_from.desc())).scalars().first()


def add_base_salary(effective_from: date, amount: int, legal_basis: str) -> BaseSalary:
    """A new base salary (lương cơ sở) in force from a date: award money follows the one in force on a
    decision's date."""
    if amount <= 0:
        raise NominationError(_("Mức lương cơ sở phải lớn hơn 0."))
    if db.session.execute(db.select(BaseSalary.id).filter_by(effective_from=effective_from)).first():
        raise NominationError(_("Đã có mức lương cơ sở áp dụng từ ngày %(d)s.", d=effective_from.strftime("%d/%m/%Y")))
    salary = BaseSalary(effective_from=effective_from, amount=amount, legal_basis=legal_basis)
    db.session.add(salary)
    db.session.flush()
    audit.record("base_salary_added", salary, after={"effective_from": effective_from.isoformat(), "amount": amount,
                                                     "legal_basis": legal_basis}, summary=legal_basis)
    db.session.commit()
    return salary
