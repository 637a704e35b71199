"""The budget estimate: its lines (the award money a line of its own, following the approved list
while the estimate is drawn up), submission to finance, appraisal line by line, approval (then locked)
or return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from .. import audit, clock, letterhead
from ..auth.models import User, UserRole
from ..auth.roles import Role
from ..awards import services as awards
from ..awards.models import AwardList
from ..campaigns.models import Campaign
from ..extensions import db
from ..nominations.models import KIND_ORDER, Kind
from ..notifications import services as notifications
from . import rules
from .models import (
    BudgetEstimate,
    BudgetLine,
)
from .services import AWARD_SOURCE, AWARD_UNIT, ConferenceError, _refuse

# The budget estimate --------------------------------------------------------------------------


@dataclass
class LineView(rules.Appraised):
    """A line as the page and the exports show it: stored, or the award line computed live."""

    number: int
    kind: str
    item: str
    unit: str
    quantity: int
    unit_price: int | None
    amount: int
    source: str
    note: str = ""
    id: int | None = None
    adjusted_quantity: int | None = None
    adjusted_unit_price: int | None = None
    adjusted_amount: int | None = None
    comment: str = ""
    adjusted_by: str = ""
    adjusted_at: datetime | None = None

    @property
    def is_award(self) -> bool:
        return self.kind == "awards"


@dataclass
class EstimateView:
    estimate: BudgetEstimate
    lines: list[LineView]
    totals: rules.Totals
    award: rules.AwardMoney | None              # the award money in the estimate (live while being drawn up)
    award_live: bool                            # it follows the approved list (estimate still editable)


def award_money_of(award_list: AwardList | None) -> rules.AwardMoney | None:
    """The approved list's money as one line: how many, how much, per award form and amount."""
    if award_list is None:
        return None
    entries = sorted((e for e in award_list.entries if not e.struck),
                     key=lambda e: (e.form.sort_order, e.form_id, KIND_ORDER.index(Kind(e.nomination.kind)),
                                    e.position))
    money = rules.award_money(((e.form.name, e.amount or 0) for e in entries), award_list.decision_number,
                              award_list.decision_date)
    return money if money.count else None


def _view(line: BudgetLine, number: int) -> LineView:
    return LineView(number=number, kind=line.kind, item=line.item, unit=line.unit, quantity=line.quantity,
                    unit_price=line.unit_price, amount=line.amount, source=line.source, note=line.note, id=line.id,
                    adjusted_quantity=line.adjusted_quantity, adjusted_unit_price=line.adjusted_unit_price,
                    adjusted_amount=line.adjusted_amount, comment=line.adjustment_comment,
                    adjusted_by=line.adjusted_by.full_name if line.adjusted_by else "", adjusted_at=line.adjusted_at)


def estimate_view(estimate: BudgetEstimate, approved: AwardList | None) -> EstimateView:
    """The estimate's lines, the award line last; while the estimate is being drawn up the award line is
    the approved list's money of today, once submitted it is the one stored with the submission."""
    items = [line for line in estimate.lines if line.kind != "awards"]
    views = [_view(line, number) for number, line in enumerate(items, 1)]
    live = estimate.editable
    if live:
        award = award_money_of(approved)
        if award is not None:
            views.append(LineView(number=len(views) + 1, kind="awards", item=award.item, unit=AWARD_UNIT,
                                  quantity=award.count, unit_price=None, amount=award.total, source=AWARD_SOURCE,
                                  note=award.detail))
    else:
        stored = next((line for line in estimate.lines if line.kind == "awards"), None)
        award = None
        if stored is not None:
            views.append(_view(stored, len(views) + 1))
            award = rules.AwardMoney(stored.quantity, stored.amount, [])
    totals = rules.totals(rules.Line(v.amount, v.source, v.adjusted_amount) for v in views)
    return EstimateView(estimate, views, totals, award, live)


def _lock(estimate: BudgetEstimate) -> None:
    """Serialise changes to one estimate (a row lock on PostgreSQL; SQLite writes are serial)."""
    db.session.execute(db.select(BudgetEstimate.id).filter_by(id=estimate.id).with_for_update())
    db.session.refresh(estimate)


class StateRefused(ConferenceError):
    """The estimate's state does not allow this (locked, under appraisal, not submitted)."""


def state_refusal(estimate: BudgetEstimate, appraising: bool = False) -> str | None:
    """Why the coordinator (or, `appraising`, finance) may not change the estimate now; None when he may."""
    if estimate.status == rules.APPROVED:
        return _("Dự toán đã được thẩm định, phê duyệt và đã khoá: không thay đổi được nữa.")
    if appraising and estimate.status != rules.SUBMITTED:
        return _("Dự toán chưa được gửi thẩm định.")
    if not appraising and estimate.status == rules.SUBMITTED:
        return _("Dự toán đang chờ Phòng Tài chính – Kế hoạch thẩm định: chưa sửa được.")
    return None


def _check(estimate: BudgetEstimate, appraising: bool = False) -> None:
    _lock(estimate)
    message = state_refusal(estimate, appraising)
    if message:
        raise StateRefused(message)


def _check_editable(estimate: BudgetEstimate) -> None:
    _check(estimate)


def _check_appraisable(estimate: BudgetEstimate) -> None:
    _check(estimate, appraising=True)


def _manual(line: BudgetLine) -> None:
    if line.kind == "awards":
        _refuse(_("Dòng tiền thưởng lấy tự động từ danh sách khen thưởng đã phê duyệt: không sửa tay được."))


def _amount(quantity: int, unit_price: int, allow_zero: bool = False) -> int:
    try:
        return rules.line_amount(quantity, unit_price, allow_zero=allow_zero)
    except rules.RuleError as exc:
        raise ConferenceError(str(exc)) from exc


def add_line(estimate: BudgetEstimate, data: dict) -> BudgetLine:
    _check_editable(estimate)
    amount = _amount(data["quantity"], data["unit_price"])
    position = max((line.position for line in estimate.lines if line.kind != "awards"), default=-1) + 1
    line = BudgetLine(estimate_id=estimate.id, kind="item", position=position, amount=amount, **data)
    estimate.lines.append(line)
    db.session.flush()
    audit.record("budget_line_added", line, after=line.as_dict(), summary=line.item)
    db.session.commit()
    return line


def update_line(estimate: BudgetEstimate, line: BudgetLine, data: dict) -> None:
    """The coordinator's new figures; an adjustment finance made to this line gives way to them (it stays
    in the audit log), since the new proposal is what finance appraises next."""
    _check_editable(estimate)
    _manual(line)
    amount = _amount(data["quantity"], data["unit_price"])
    before = line.as_dict()
    for key, value in data.items():
        setattr(line, key, value)
    line.amount = amount
    line.adjusted_quantity = line.adjusted_unit_price = line.adjusted_amount = None
    line.adjustment_comment, line.adjusted_by_id, line.adjusted_at = "", None, None
    audit.record("budget_line_updated", line, before=before, after=line.as_dict(), summary=line.item)
    db.session.commit()


def delete_line(estimate: BudgetEstimate, line: BudgetLine) -> None:
    _check_editable(estimate)
    _manual(line)
    audit.record("budget_line_deleted", line, before=line.as_dict(), summary=line.item)
    estimate.lines.remove(line)
    db.session.commit()


def _users_with_role(role: Role) -> list[User]:
    return list(db.session.execute(db.select(User).join(UserRole).filter(
        UserRole.role == role.value, User.active.is_(True))).scalars())


def submit(estimate: BudgetEstimate, campaign: Campaign, user) -> None:
    """Send the estimate to finance; the award line is fixed as it stands in the approved list now."""
    _check_editable(estimate)
    award = award_money_of(awards.approved_list(campaign))
    stored = next((line for line in estimate.lines if line.kind == "awards"), None)
    if award is None and stored is not None:
        estimate.lines.remove(stored)
    elif award is not None:
        if stored is None:
            stored = BudgetLine(estimate_id=estimate.id, kind="awards", position=10_000)
            estimate.lines.append(stored)
        stored.item, stored.unit, stored.quantity, stored.unit_price = award.item, AWARD_UNIT, award.count, None
        stored.amount, stored.source, stored.note = award.total, AWARD_SOURCE, award.detail
    if not estimate.lines:
        _refuse(_("Dự toán chưa có khoản chi nào."))
    was = estimate.status
    estimate.status = rules.SUBMITTED
    view = estimate_view(estimate, None)  # submitted: the lines as stored, the award line included
    estimate.submitted_at, estimate.submitted_by_id = clock.now(), user.id
    estimate.comment = ""
    db.session.flush()
    audit.record("budget_estimate_submitted", estimate, before={"status": was},
                 after={"status": estimate.status, "lines": len(view.lines), "proposed": view.totals.proposed,
                        "appraised": view.totals.appraised, "award_money": award.total if award else 0},
                 summary=f"{letterhead.money(view.totals.proposed)} đ")
    link = "/conference/estimate"
    notifications.notify(_users_with_role(Role.FINANCE), _("Dự toán kinh phí hội nghị tổng kết chờ thẩm định"),
                         _("Tổng kinh phí đề nghị %(m)s đồng.", m=letterhead.money(view.totals.proposed)), link)
    db.session.commit()


def adjust_line(estimate: BudgetEstimate, line: BudgetLine, quantity: int, unit_price: int, comment: str,
                user) -> None:
    _check_appraisable(estimate)
    _manual(line)
    if not comment.strip():
        _refuse(_("Hãy ghi ý kiến thẩm định khi điều chỉnh một khoản chi."))
    amount = _amount(quantity, unit_price, allow_zero=True)
    before = line.as_dict()
    line.adjusted_quantity, line.adjusted_unit_price, line.adjusted_amount = quantity, unit_price, amount
    line.adjustment_comment = comment.strip()
    line.adjusted_by_id, line.adjusted_at = user.id, clock.now()
    audit.record("budget_line_adjusted", line, before=before, after=line.as_dict(),
                 summary=f"{line.item}: {letterhead.money(line.amount)} → {letterhead.money(amount)} đ")
    db.session.commit()


def approve(estimate: BudgetEstimate, comment: str, user) -> None:
    _check_appraisable(estimate)
    view = estimate_view(estimate, None)
    estimate.status = rules.APPROVED
    estimate.approved_total = view.totals.appraised
    estimate.appraised_at, estimate.appraised_by_id = clock.now(), user.id
    estimate.comment = comment.strip()
    db.session.flush()
    audit.record("budget_estimate_approved", estimate, before={"status": rules.SUBMITTED},
                 after={"status": estimate.status, "proposed": view.totals.proposed,
                        "approved": view.totals.appraised, "adjusted_lines": view.totals.adjusted_lines},
                 summary=f"{letterhead.money(view.totals.appraised)} đ")
    notifications.notify(_users_with_role(Role.COORDINATOR), _("Dự toán kinh phí hội nghị đã được thẩm định"),
                         _("Phòng Tài chính – Kế hoạch thống nhất tổng kinh phí %(m)s đồng.",
                           m=letterhead.money(view.totals.appraised)), "/conference/estimate")
    db.session.commit()


def return_estimate(estimate: BudgetEstimate, comment: str, user) -> None:
    _check_appraisable(estimate)
    if not comment.strip():
        _refuse(_("Hãy ghi lý do trả lại dự toán."))
    estimate.status = rules.RETURNED
    estimate.appraised_at, estimate.appraised_by_id = clock.now(), user.id
    estimate.comment = comment.strip()
    db.session.flush()
    audit.record("budget_estimate_returned", estimate, before={"status": rules.SUBMITTED},
                 after={"status": estimate.status, "comment": estimate.comment}, summary=estimate.comment)
    notifications.notify(_users_with_role(Role.COORDINATOR), _("Dự toán kinh phí hội nghị bị trả lại"),
                         estimate.comment, "/conference/estimate")
    db.session.commit()


