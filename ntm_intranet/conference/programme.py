"""The honours programme (calling order of the honourees by award form) and the certificates."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from .. import audit
from ..awards.models import AwardList
from ..campaigns.models import Campaign
from ..extensions import db
from ..nominations.models import KIND_LABELS, KIND_ORDER, Kind
from . import rules
from .models import (
    Conference,
    HonourOrder,
)
from .services import ConferenceError, _refuse

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

