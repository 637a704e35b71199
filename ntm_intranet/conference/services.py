"""The conference: every state change (checked, audited, committed) and what its pages read.

Who may call what is the views' business (role decorators, unit scoping); the services check what
holds whoever asks: an approved estimate is locked, an estimate is appraised only once submitted,
a reply fits the invitation, the award line follows the approved list only while the estimate is
being drawn up.
"""

from __future__ import annotations

from flask_babel import gettext as _

from .. import audit, clock
from ..campaigns.models import Campaign
from ..extensions import db
from . import rules
from .models import (
    BudgetEstimate,
    Conference,
    ConferenceAgendaItem,
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
