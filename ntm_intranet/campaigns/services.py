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
    before = campaign.as_dict() if campaign.id else None
    for key, value in data.items():
        setattr(campaign, key, value)
    db.session.add(campaign)
    db.session.flush()
    audit.record("campaign_updated" if before else "campaign_created", campaign, before=before,
                 after=campaign.as_dict(), summary=campaign.doc_number)
    db.session.commit()
    return campaign


def save_milestone(milestone: Milestone, data: dict) -> Milestone:
    before = milestone.as_dict() if milestone.id else None
    for key, value in data.items():
        setattr(milestone, key, value)
    db.session.add(milestone)
    db.session.flush()
    audit.record("milestone_updated" if before else "milestone_created", milestone, before=before,
                 after=milestone.as_dict(), summary=milestone.title)
    db.session.commit()
    return milestone


def delete_milestone(milestone: Milestone) -> None:
    audit.record("milestone_deleted", milestone, before=milestone.as_dict(), summary=milestone.title)
    db.session.delete(milestone)
    db.session.commit()
