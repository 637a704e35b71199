"""Campaigns and milestones: queries and every state change (checked, audited, committed)."""

from __future__ import annotations

from sqlalchemy import func

from .. import audit
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


def criteria_of(campaign: Campaign) -> list[Criterion]:
    return list(db.session.execute(
        db.select(Criterion).filter_by(set_code=campaign.criteria_set).order_by(Criterion.number)
    ).scalars())


def save_campaign(campaign: Campaign, data: dict) -> Campaign:
    return audit.save(campaign, data, "campaign", lambda c: c.doc_number)


def save_milestone(milestone: Milestone, data: dict) -> Milestone:
    return audit.save(milestone, data, "milestone", lambda m: m.title)


def delete_milestone(milestone: Milestone) -> None:
    audit.record("milestone_deleted", milestone, before=milestone.as_dict(), summary=milestone.title)
    db.session.delete(milestone)
    db.session.commit()
