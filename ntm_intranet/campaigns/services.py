"""Campaigns and milestones: queries and every state change (checked, audited, committed)."""

from __future__ import annotations

from sqlalchemy import func

from .. import audit, letterhead
from ..auth.models import User, UserRole
from ..extensions import db
from ..org.models import Unit
from .models import Campaign, Criterion, Milestone


def active_campaign() -> Campaign | None:
    """The campaign people work on now: the active one with the latest document date."""
    return db.session.execute(
        db.select(Campaign).filter_by(active=True).order_by(Campaign.doc_date.desc(), Campaign.id.desc())
    ).scalars().first()


def active_unit_counts() -> dict[str, int]:
    rows = db.session.execute(
        db.select(Unit.kind, func.count(Unit.id)).filter(Unit.active.is_(True)).group_by(Unit.kind)
    ).all()
    return {kind: count for kind, count in rows}


def office_name(role: str) -> str | None:
    """The name of the office that holds a role for the district ("Phòng Nội vụ" for the secretary,
    "Phòng Nông nghiệp và PTNT" for the coordinator): the unit of the oldest active account with it."""
    return db.session.execute(
        db.select(Unit.name).join(User, User.unit_id == Unit.id).join(UserRole, UserRole.user_id == User.id)
        .filter(UserRole.role == role, User.active.is_(True)).order_by(User.id).limit(1)).scalar()


def office_issuer(campaign: Campaign, role: str) -> letterhead.Issuer:
    """The office holding `role` as the issuer of a paper; the committee itself when no office holds it."""
    name = office_name(role)
    district = letterhead.house(campaign)
    return district.office(name) if name else district.committee()


def criteria_of(campaign: Campaign) -> list[Criterion]:
    return list(db.session.execute(
        db.select(Criterion).filter_by(set_code=campaign.criteria_set).order_by(Criterion.number)
    ).scalars())


def save_campaign(campaign: Campaign, data: dict, expected_version: int | None = None) -> Campaign:
    return audit.save(campaign, data, "campaign", lambda c: c.doc_number, expected_version)


def save_milestone(milestone: Milestone, data: dict, expected_version: int | None = None) -> Milestone:
    return audit.save(milestone, data, "milestone", lambda m: m.title, expected_version)


def delete_milestone(milestone: Milestone) -> None:
    audit.record("milestone_deleted", milestone, before=milestone.as_dict(), summary=milestone.title)
    db.session.delete(milestone)
    db.session.commit()


def add_criteria(set_code: str, rows: list[tuple[int, str, str, str]]) -> int:
    """Load a national criteria set, (number, group number, group name, name) per criterion, or what is
    missing of it: the numbers already there are left as they are. Returns how many were added."""
    have = set(db.session.execute(db.select(Criterion.number).filter_by(set_code=set_code)).scalars())
    added = sorted(number for number, *_rest in rows if number not in have)
    for number, group_no, group_name, name in rows:
        if number not in have:
            db.session.add(Criterion(set_code=set_code, number=number, group_no=group_no, group_name=group_name,
                                     name=name))
    if added:
        db.session.flush()
        audit.record("criteria_added", object_type="criterion_set", object_id=set_code,
                     after={"numbers": added}, summary=f"{set_code}: {len(added)}")
    db.session.commit()
    return len(added)
