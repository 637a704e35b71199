"""Invitations: the list built from the board, the agencies, the communes and the honourees, plus
guests; sending; each unit's reply; the counts per group."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import lazyload

from .. import audit, clock
from ..auth.models import User, UserRole
from ..auth.roles import Role
from ..awards import services as awards
from ..campaigns import services as campaigns
from ..campaigns.models import Campaign
from ..extensions import db
from ..nominations.models import BoardMember
from ..notifications import services as notifications
from ..org.models import Unit, UnitKind
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
    Conference,
    Invitation,
)
from .services import ConferenceError, _refuse

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


