"""The conference: every state change (checked, audited, committed) and what its pages read.

Who may call what is the views' business (role decorators, unit scoping); the services check what
holds whoever asks: an approved estimate is locked, an estimate is appraised only once submitted,
a reply fits the invitation, the award line follows the approved list only while the estimate is
being drawn up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import lazyload

from .. import audit, clock
from ..auth.models import User, UserRole
from ..auth.roles import Role
from ..awards import services as awards
from ..awards.models import AwardList
from ..campaigns.models import Campaign
from ..extensions import db
from ..nominations.models import KIND_LABELS, KIND_ORDER, BoardMember, Kind
from ..org.models import Unit, UnitKind
from ..reports import notifications
from . import rules
from .models import (
    AGENCY,
    ATTENDING,
    BOARD,
    COMMUNE,
    DECLINED,
    GROUP_LABELS,
    GROUP_ORDER,
    GUEST,
    HONOUREE,
    PENDING,
    BudgetEstimate,
    BudgetLine,
    Conference,
    ConferenceAgendaItem,
    HonourOrder,
    Invitation,
)

AWARD_SOURCE = "Quỹ Thi đua – Khen thưởng huyện"
AWARD_UNIT = "suất"


class ConferenceError(Exception):
    """Refused, with a message for the user."""


def _refuse(message: str):
    raise ConferenceError(message)


# The conference and its agenda ----------------------------------------------------------------


def conference_of(campaign: Campaign | None) -> Conference | None:
    """The campaign's conference with its agenda, estimate and lines (selectin: a fixed number of queries)."""
    if campaign is None:
        return None
    return db.session.execute(db.select(Conference).filter_by(campaign_id=campaign.id)).scalar_one_or_none()


def default_title(campaign: Campaign) -> str:
    return (f"Hội nghị tổng kết phong trào thi đua “Chung sức xây dựng nông thôn mới” giai đoạn "
            f"{campaign.period_start}–{campaign.period_end}")


def save_conference(campaign: Campaign, conference: Conference | None, data: dict, user) -> Conference:
    """Create the campaign's conference (with an empty estimate being drawn up) or change its details."""
    if conference is None:
        if conference_of(campaign) is not None:
            _refuse(_("Kế hoạch này đã có hội nghị tổng kết."))
        conference = Conference(campaign_id=campaign.id, created_at=clock.now(), created_by_id=user.id, **data)
        conference.estimate = BudgetEstimate(status=rules.DRAFT)
        db.session.add(conference)
        db.session.flush()
        audit.record("conference_created", conference, after=conference.as_dict(), summary=conference.title)
    else:
        before = conference.as_dict()
        for key, value in data.items():
            setattr(conference, key, value)
        db.session.flush()
        audit.record("conference_updated", conference, before=before, after=conference.as_dict(),
                     summary=conference.title)
    db.session.commit()
    return conference


def add_agenda_item(conference: Conference, data: dict) -> ConferenceAgendaItem:
    position = max((i.position for i in conference.agenda), default=-1) + 1
    item = ConferenceAgendaItem(conference_id=conference.id, position=position, **data)
    conference.agenda.append(item)
    db.session.flush()
    audit.record("conference_agenda_added", item, after=item.as_dict(), summary=item.content)
    db.session.commit()
    return item


def update_agenda_item(item: ConferenceAgendaItem, data: dict) -> None:
    before = item.as_dict()
    for key, value in data.items():
        setattr(item, key, value)
    audit.record("conference_agenda_updated", item, before=before, after=item.as_dict(), summary=item.content)
    db.session.commit()


def delete_agenda_item(conference: Conference, item: ConferenceAgendaItem) -> None:
    audit.record("conference_agenda_deleted", item, before=item.as_dict(), summary=item.content)
    conference.agenda.remove(item)
    for position, other in enumerate(conference.agenda):
        other.position = position
    db.session.commit()


def move_agenda_item(conference: Conference, item: ConferenceAgendaItem, direction: str) -> None:
    try:
        order = rules.moved([i.id for i in conference.agenda], item.id, direction)
    except rules.RuleError as exc:
        raise ConferenceError(str(exc)) from exc
    before = item.position
    by_id = {i.id: i for i in conference.agenda}
    for position, item_id in enumerate(order):
        by_id[item_id].position = position
    audit.record("conference_agenda_moved", item, before={"position": before}, after={"position": item.position},
                 summary=item.content)
    db.session.commit()


def save_layout(conference: Conference, layout: dict[str, int]) -> None:
    """Where the certificate's name, achievement line and decision number are printed (mm)."""
    names = {"cert_name": _("tên"), "cert_line": _("dòng thành tích"), "cert_decision": _("số quyết định")}
    for prefix, what in names.items():
        try:
            rules.check_position(layout[f"{prefix}_x"], layout[f"{prefix}_y"], what)
        except rules.RuleError as exc:
            raise ConferenceError(str(exc)) from exc
    before = conference.layout()
    for key, value in layout.items():
        setattr(conference, key, value)
    audit.record("certificate_layout_updated", conference, before=before, after=conference.layout(),
                 summary=conference.title)
    db.session.commit()


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
                 summary=f"{rules.money_text(view.totals.proposed)} đ")
    link = "/conference/estimate"
    notifications.notify(_users_with_role(Role.FINANCE), _("Dự toán kinh phí hội nghị tổng kết chờ thẩm định"),
                         _("Tổng kinh phí đề nghị %(m)s đồng.", m=rules.money_text(view.totals.proposed)), link)
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
                 summary=f"{line.item}: {rules.money_text(line.amount)} → {rules.money_text(amount)} đ")
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
                 summary=f"{rules.money_text(view.totals.appraised)} đ")
    notifications.notify(_users_with_role(Role.COORDINATOR), _("Dự toán kinh phí hội nghị đã được thẩm định"),
                         _("Phòng Tài chính – Kế hoạch thống nhất tổng kinh phí %(m)s đồng.",
                           m=rules.money_text(view.totals.appraised)), "/conference/estimate")
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


# Invitations ----------------------------------------------------------------------------------


def invitations_of(conference: Conference) -> list[Invitation]:
    """The list in the order of its groups, then as built (one query, the units joined)."""
    rows = db.session.execute(db.select(Invitation).filter_by(conference_id=conference.id)
                              .order_by(Invitation.position, Invitation.id)).scalars().all()
    return sorted(rows, key=lambda i: (GROUP_ORDER.index(i.category), i.position, i.id))


@dataclass
class Group:
    category: str
    label: str
    invitations: list[Invitation]
    tally: rules.Tally


def grouped_invitations(invitations: list[Invitation]) -> tuple[list[Group], rules.Tally]:
    groups = []
    for category in GROUP_ORDER:
        rows = [i for i in invitations if i.category == category]
        if rows:
            groups.append(Group(category, str(GROUP_LABELS[category]), rows,
                                rules.tally((i.status, i.attendee_count) for i in rows)))
    return groups, rules.tally((i.status, i.attendee_count) for i in invitations)


def _wanted(campaign: Campaign) -> list[dict]:
    """Who the list invites, in order: the board, the agencies, the town and communes, the honourees."""
    wanted: list[dict] = []
    members = db.session.execute(db.select(BoardMember).filter_by(campaign_id=campaign.id)
                                 .order_by(BoardMember.id)).scalars().all()
    for member in members:
        detail = ", ".join(p for p in (member.board_role, member.user.position) if p)
        wanted.append({"category": BOARD, "user_id": member.user_id, "name": member.user.full_name,
                       "detail": detail})
    units = db.session.execute(db.select(Unit).filter(Unit.active.is_(True), Unit.kind.in_(
        [UnitKind.AGENCY.value, UnitKind.TOWN.value, UnitKind.COMMUNE.value]))
        .order_by(Unit.sort_order, Unit.code)).scalars().all()
    for kind in (AGENCY, COMMUNE):
        for unit in units:
            if (unit.kind == UnitKind.AGENCY) == (kind == AGENCY):
                wanted.append({"category": kind, "unit_id": unit.id, "name": unit.name, "detail": ""})
    approved = awards.approved_list(campaign)
    if approved is not None:
        sections, _total = awards.grouped(approved)
        for section in sections:
            for form, entries, _subtotal in section.forms:
                for entry in entries:
                    n = entry.nomination
                    where = ", ".join(p for p in (n.position, n.address) if p)
                    wanted.append({"category": HONOUREE, "nomination_id": n.id, "unit_id": n.unit_id,
                                   "name": n.name, "detail": f"{form.name}" + (f" · {where}" if where else "")})
    return wanted


def _identity(category: str, user_id=None, unit_id=None, nomination_id=None) -> tuple:
    """What makes an invitation the same one when the list is built again."""
    return category, {BOARD: user_id, HONOUREE: nomination_id}.get(category, unit_id)


def build_invitations(conference: Conference, campaign: Campaign, user) -> tuple[int, int]:
    """Add who is missing (units, board, honourees of the approved list); drop who no longer belongs and has
    not answered. Guests the coordinator added stay. Returns (added, removed)."""
    existing = {_identity(i.category, i.user_id, i.unit_id, i.nomination_id): i
                for i in invitations_of(conference) if i.category != GUEST}
    wanted = _wanted(campaign)
    keys = set()
    added_units: set[int] = set()
    added = removed = 0
    for position, row in enumerate(wanted):
        key = _identity(row["category"], row.get("user_id"), row.get("unit_id"), row.get("nomination_id"))
        keys.add(key)
        invitation = existing.get(key)
        if invitation is None:
            invitation = Invitation(conference_id=conference.id, status=PENDING, **row)
            db.session.add(invitation)
            added += 1
            if row.get("unit_id"):
                added_units.add(row["unit_id"])
        invitation.position = position
        invitation.name, invitation.detail = row["name"], row["detail"]
    for key, invitation in existing.items():
        if key not in keys and invitation.status == PENDING:
            db.session.delete(invitation)
            removed += 1
    db.session.flush()
    audit.record("invitations_built", conference, after={"added": added, "removed": removed, "wanted": len(wanted)},
                 summary=conference.title)
    if conference.invitations_sent_at is not None and added_units:
        _notify_units(conference, added_units)
    db.session.commit()
    return added, removed


def _notify_units(conference: Conference, unit_ids: set[int]) -> int:
    reporters = list(db.session.execute(db.select(User).join(UserRole).filter(
        UserRole.role == Role.REPORTER.value, User.active.is_(True), User.unit_id.in_(unit_ids))).scalars())
    when = f"{rules.time_words(conference.starts_at)} ngày {conference.held_on:%d/%m/%Y}".strip()
    return notifications.notify(reporters, _("Giấy mời dự %(t)s", t=conference.title),
                                _("Thời gian: %(w)s; địa điểm: %(p)s. Hãy xác nhận người tham dự trên trang đơn vị.",
                                  w=when, p=conference.place), "/")


def send_invitations(conference: Conference, user) -> int:
    """Make the invitations visible to the units (and tell their reporters); returns how many units."""
    if conference.invitations_sent_at is not None:
        _refuse(_("Giấy mời đã được gửi ngày %(d)s.", d=clock.to_local(conference.invitations_sent_at)
                  .strftime("%d/%m/%Y")))
    invitations = invitations_of(conference)
    if not invitations:
        _refuse(_("Chưa có danh sách khách mời: hãy lập danh sách trước."))
    if conference.held_on < clock.today():
        _refuse(_("Hội nghị đã diễn ra."))
    conference.invitations_sent_at = clock.now()
    unit_ids = {i.unit_id for i in invitations if i.unit_id}
    db.session.flush()
    audit.record("invitations_sent", conference, after={"invitations": len(invitations), "units": len(unit_ids)},
                 summary=conference.title)
    _notify_units(conference, unit_ids)
    db.session.commit()
    return len(unit_ids)


def add_guest(conference: Conference, name: str, detail: str) -> Invitation:
    if not name.strip():
        _refuse(_("Hãy nhập tên đại biểu hoặc cơ quan được mời."))
    position = db.session.execute(db.select(func.max(Invitation.position)).filter_by(
        conference_id=conference.id, category=GUEST)).scalar()
    invitation = Invitation(conference_id=conference.id, category=GUEST, name=name.strip(), detail=detail.strip(),
                            position=(position or 0) + 1, status=PENDING)
    db.session.add(invitation)
    db.session.flush()
    audit.record("invitation_added", invitation, after={"name": invitation.name, "detail": invitation.detail},
                 summary=invitation.name)
    db.session.commit()
    return invitation


def delete_invitation(invitation: Invitation) -> None:
    if invitation.category != GUEST:
        _refuse(_("Chỉ xoá được đại biểu khách mời thêm tay; các đơn vị, thành viên Hội đồng và người được khen "
                  "thưởng theo danh sách."))
    audit.record("invitation_deleted", invitation, before={"name": invitation.name, "status": invitation.status},
                 summary=invitation.name)
    db.session.delete(invitation)
    db.session.commit()


def reply(conference: Conference, invitation: Invitation, attending: bool, count_text: str, names_text: str,
          user, for_unit: bool) -> None:
    """A unit's answer (`for_unit`: the unit's reporter, only once the invitations are sent and before the
    day), or the coordinator's record of an answer given on the phone."""
    if for_unit:
        if conference.invitations_sent_at is None:
            _refuse(_("Giấy mời chưa được gửi."))
        if conference.held_on < clock.today():
            _refuse(_("Hội nghị đã diễn ra: không xác nhận được nữa."))
    try:
        answer = rules.attendance_reply(attending, count_text, names_text)
    except rules.RuleError as exc:
        raise ConferenceError(str(exc)) from exc
    before = invitation.as_dict()
    invitation.status = ATTENDING if answer.attending else DECLINED
    invitation.attendee_count = answer.count
    invitation.attendee_names = "\n".join(answer.names)
    invitation.replied_at, invitation.replied_by_id = clock.now(), user.id
    audit.record("invitation_replied", invitation, before=before, after=invitation.as_dict(), summary=invitation.name)
    db.session.commit()


def unit_invitations(unit: Unit) -> tuple[Conference, list[Invitation]] | None:
    """What a unit's page shows: the sent invitations it answers (its own and its honourees')."""
    from ..campaigns import services as campaigns

    campaign = campaigns.active_campaign()
    if campaign is None:
        return None
    # The unit page needs the conference's details only, not its agenda and estimate.
    conference = db.session.execute(db.select(Conference).filter_by(campaign_id=campaign.id).options(
        lazyload(Conference.agenda), lazyload(Conference.estimate))).scalar_one_or_none()
    if conference is None or conference.invitations_sent_at is None:
        return None
    rows = db.session.execute(db.select(Invitation).filter_by(conference_id=conference.id, unit_id=unit.id)
                              .order_by(Invitation.position, Invitation.id)).scalars().all()
    if not rows:
        return None
    return conference, sorted(rows, key=lambda i: (GROUP_ORDER.index(i.category), i.position, i.id))


# The honours programme and the certificates ---------------------------------------------------


@dataclass
class Honouree:
    nomination_id: int
    name: str
    kind_label: str
    detail: str
    summary: str
    amount: int


@dataclass
class StageGroup:
    form_id: int
    form_name: str
    honourees: list[Honouree]


def programme(conference: Conference, approved: AwardList | None) -> list[StageGroup]:
    """The approved honourees grouped by award form (the list's order of forms), each group in the order
    the coordinator set; honourees not placed yet come after, as the list has them."""
    if approved is None:
        return []
    saved = {h.nomination_id: h.position for h in db.session.execute(
        db.select(HonourOrder).filter_by(conference_id=conference.id)).scalars()}
    forms: dict[int, list] = {}
    for entry in sorted((e for e in approved.entries if not e.struck),
                        key=lambda e: (e.form.sort_order, e.form_id, KIND_ORDER.index(Kind(e.nomination.kind)),
                                       e.position)):
        forms.setdefault(entry.form_id, []).append(entry)
    groups = []
    for form_id, entries in forms.items():
        by_id = {e.nomination_id: e for e in entries}
        order = rules.stage_order([e.nomination_id for e in entries], saved)
        honourees = []
        for nid in order:
            n = by_id[nid].nomination
            honourees.append(Honouree(nid, n.name, str(KIND_LABELS[Kind(n.kind)]),
                                      ", ".join(p for p in (n.position, n.address) if p), n.summary,
                                      by_id[nid].amount or 0))
        groups.append(StageGroup(form_id, entries[0].form.name, honourees))
    return groups


def move_honouree(conference: Conference, approved: AwardList | None, nomination_id: int, direction: str) -> None:
    group = next((g for g in programme(conference, approved)
                  if any(h.nomination_id == nomination_id for h in g.honourees)), None)
    if group is None:
        _refuse(_("Không có người này trong danh sách khen thưởng đã phê duyệt."))
    ids = [h.nomination_id for h in group.honourees]
    try:
        order = rules.moved(ids, nomination_id, direction)
    except rules.RuleError as exc:
        raise ConferenceError(str(exc)) from exc
    saved = {h.nomination_id: h for h in db.session.execute(db.select(HonourOrder).filter(
        HonourOrder.conference_id == conference.id, HonourOrder.nomination_id.in_(ids))).scalars()}
    for position, nid in enumerate(order):
        row = saved.get(nid) or HonourOrder(conference_id=conference.id, nomination_id=nid)
        row.position = position
        db.session.add(row)
    audit.record("honour_order_changed", conference, before={"order": ids}, after={"order": order},
                 summary=group.form_name)
    db.session.commit()


@dataclass(frozen=True)
class Certificate:
    name: str
    detail: str
    line: str
    decision: str


def certificates(groups: list[StageGroup], approved: AwardList, campaign: Campaign,
                 form_id: int | None = None) -> list[Certificate]:
    """One certificate per honouree, in calling order; optionally one award form only."""
    generic = (f"Đã có thành tích xuất sắc trong phong trào thi đua “Chung sức xây dựng nông thôn mới” "
               f"giai đoạn {campaign.period_start}–{campaign.period_end}")
    decision = f"Quyết định số {approved.decision_number}"
    if approved.decision_date:
        decision += f" ngày {approved.decision_date:%d/%m/%Y}"
    return [Certificate(h.name, h.detail, h.summary or generic, decision)
            for g in groups if form_id in (None, g.form_id) for h in g.honourees]

