"""The deadline board: every unit with its state on the report and the meeting, filtered, sorted and
paged, kept in memory until the data changes; and the roll-up per district (DHIS2's reporting rates).

Loaded in a fixed number of queries whatever the number of units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func

from .. import audit, memo
from ..campaigns.models import Campaign, Milestone
from ..extensions import db
from ..org.models import Unit
from . import rules
from .models import Extension, Reminder, Submission
from .services import BOARD_KINDS, _extensions, state_of

# ---------------------------------------------------------------------------------------------
# The deadline board


@dataclass
class BoardRow:
    unit_id: int
    code: str
    name: str
    kind: str
    submission_id: int | None
    status: str | None
    report: rules.MilestoneState | None
    meeting: rules.MilestoneState | None
    report_milestone_id: int | None
    meeting_milestone_id: int | None
    last_reminder: date | None
    district_id: int | None = None   # the unit above: a district in a province-wide install

    def state(self, which: str):
        return self.report if which == "report" else self.meeting

    def milestone_id(self, which: str) -> int | None:
        return self.report_milestone_id if which == "report" else self.meeting_milestone_id


@dataclass
class Board:
    rows: list[BoardRow]
    total: int
    page: int
    pages: int
    counts: dict[str, int]                        # state code -> units (report milestone, after kind filter)
    shares: dict[str, dict[str, int]]             # unit kind -> {on_time, late, missing}
    filters: dict = field(default_factory=dict)

    @property
    def late_or_missing(self) -> int:
        return self.counts.get(rules.OVERDUE, 0)


_BOARD_CACHE = "ntm_board_cache"
_BOARD_CACHE_SIZE = 16


def _board_stamp(campaign: Campaign, today: date) -> tuple:
    """What the board's rows depend on, in one cheap statement: every state change is audited (the last
    event's id), and units, dossiers (their ORM version counter moves on every update), extensions and
    reminders are counted, so even a change made without an audit event (an import, a bulk seed) is seen."""
    one = db.select
    values = db.session.execute(one(
        one(func.max(audit.AuditEvent.id)).scalar_subquery(),
        one(func.count(Unit.id)).scalar_subquery(),
        one(func.max(Unit.id)).scalar_subquery(),
        one(func.count(Submission.id)).filter(Submission.campaign_id == campaign.id).scalar_subquery(),
        one(func.coalesce(func.sum(Submission.version), 0)).filter(Submission.campaign_id == campaign.id)
        .scalar_subquery(),
        one(func.count(Extension.id)).scalar_subquery(),
        one(func.max(Extension.id)).scalar_subquery(),
        one(func.max(Reminder.id)).scalar_subquery(),
    )).one()
    milestones = tuple((m.id, m.kind, m.unit_kinds, m.due_date) for m in campaign.milestones)
    return (today, *values, milestones)


def _board_rows(campaign: Campaign, today: date, district: int | None):
    """The board's rows and shares, computed once per state of the data and kept by the app process.

    Working out 10,000 units' states takes a good part of a second; the stamp query that tells whether
    anything changed takes milliseconds, so a board nobody has changed since is served from memory.
    """
    # the rows, the shares per kind, and the filtered and sorted views of them that board() keeps beside
    return memo.kept(_BOARD_CACHE, (campaign.id, district), _board_stamp(campaign, today),
                     lambda: (*_compute_board_rows(campaign, today, district), {}), _BOARD_CACHE_SIZE)


def _compute_board_rows(campaign: Campaign, today: date, district: int | None):
    query = (db.select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id)
             .filter(Unit.active.is_(True), Unit.kind.in_(BOARD_KINDS)).order_by(Unit.sort_order, Unit.code))
    if district is not None:
        query = query.filter(Unit.parent_id == district)
    units = db.session.execute(query).all()
    units.sort(key=lambda u: BOARD_KINDS.index(u.kind))  # agencies, the town, then the communes (stable)
    subs = {row.unit_id: row for row in db.session.execute(
        db.select(Submission.unit_id, Submission.id, Submission.status, Submission.first_submitted_at,
                  Submission.meeting_held_on).filter_by(campaign_id=campaign.id))}
    extensions = _extensions(campaign)
    last_reminders = dict(db.session.execute(
        db.select(Reminder.unit_id, func.max(Reminder.sent_on)).join(Milestone)
        .filter(Milestone.campaign_id == campaign.id).group_by(Reminder.unit_id)).all())
    milestones = {(k, mk): campaign.milestone_for(k, mk) for k in BOARD_KINDS for mk in ("report", "meeting")}

    rows = []
    for unit_id, code, name, unit_kind, parent_id in units:
        sub = subs.get(unit_id)
        report_m, meeting_m = milestones[(unit_kind, "report")], milestones[(unit_kind, "meeting")]
        rows.append(BoardRow(
            unit_id, code, name, unit_kind, sub.id if sub else None, sub.status if sub else None,
            state_of(report_m, unit_id, sub, extensions, today) if report_m else None,
            state_of(meeting_m, unit_id, sub, extensions, today) if meeting_m else None,
            report_m.id if report_m else None, meeting_m.id if meeting_m else None,
            last_reminders.get(unit_id), parent_id))

    shares: dict[str, dict[str, int]] = {}
    for row in rows:
        if row.report is not None:
            bucket = shares.setdefault(row.kind, {rules.ON_TIME_SHARE: 0, rules.LATE_SHARE: 0, rules.MISSING_SHARE: 0})
            bucket[row.report.share] += 1
    return rows, shares


def board(campaign: Campaign, today: date, kind: str | None = None, state: str | None = None,
          which: str = "report", sort: str = "name", page: int = 1, per_page: int = 50,
          paginate: bool = True, district: int | None = None) -> Board:
    """Every unit of the board's kinds with its state on the report and meeting milestones; `district`
    keeps the units under one district (the drill-down of the province roll-up)."""
    which = which if which in ("report", "meeting") else "report"
    kind = kind if kind in BOARD_KINDS else None
    state = state if state in rules.ORDER else None
    sort = sort if sort == "late" else "name"
    all_rows, shares, views = _board_rows(campaign, today, district)
    # Filtering and sorting 10,000 rows costs more than drawing a page of them: each view (at most a few
    # hundred combinations of the filters) is worked out once per state of the data and kept beside it.
    view = views.get((kind, state, which, sort))
    if view is None:
        view = views[(kind, state, which, sort)] = _board_view(all_rows, kind, state, which, sort)
    rows, counts = view
    total = len(rows)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    rows = list(rows[(page - 1) * per_page: page * per_page] if paginate else rows)  # the kept view stays as it is
    return Board(rows, total, page, pages, dict(counts), shares,
                 {"kind": kind or "", "state": state or "", "which": which, "sort": sort, "district": district})


def _board_view(rows, kind: str | None, state: str | None, which: str, sort: str) -> tuple[tuple, dict[str, int]]:
    """The rows of one kind (or all), their counts per state, then those in one state (or all), sorted."""
    if kind is not None:
        rows = [r for r in rows if r.kind == kind]
    counts: dict[str, int] = {}
    for row in rows:
        current = row.state(which)
        if current is not None:
            counts[current.code] = counts.get(current.code, 0) + 1
    if state is not None:
        rows = [r for r in rows if r.state(which) is not None and r.state(which).code == state]
    if sort == "late":
        rows = sorted(rows, key=lambda r: -(r.state(which).urgency if r.state(which) else -1))
    return tuple(rows), counts


@dataclass
class DistrictRate:
    """A district's reporting rates, as DHIS2 shows them: of the units expected to report, how many have
    (completeness) and how many did so by their deadline (timeliness)."""

    district_id: int | None
    name: str
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    overdue: int = 0

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def completeness(self) -> float:
        return round(100 * self.reported / self.expected, 1) if self.expected else 0.0

    @property
    def timeliness(self) -> float:
        return round(100 * self.on_time / self.expected, 1) if self.expected else 0.0


@dataclass
class Rollup:
    districts: list[DistrictRate]
    total: DistrictRate
    which: str


def rollup(campaign: Campaign, today: date, which: str = "report") -> Rollup:
    """The board rolled up per district (the units' parent), the least complete first. The board's fixed
    queries plus one for the districts' names, however many units."""
    which = which if which in ("report", "meeting") else "report"
    rows = board(campaign, today, which=which, paginate=False).rows
    names = dict(db.session.execute(db.select(Unit.id, Unit.name).filter(
        Unit.id.in_(db.select(Unit.parent_id).filter(Unit.kind.in_(BOARD_KINDS)).distinct()))).all())
    rates: dict[int | None, DistrictRate] = {}
    total = DistrictRate(None, "")
    for row in rows:
        current = row.state(which)
        if current is None:
            continue
        rate = rates.get(row.district_id)
        if rate is None:
            rate = rates[row.district_id] = DistrictRate(row.district_id, names.get(row.district_id, ""))
        for bucket in (rate, total):
            bucket.expected += 1
            share = current.share
            if share == rules.ON_TIME_SHARE:
                bucket.on_time += 1
            elif share == rules.LATE_SHARE:
                bucket.late += 1
            else:
                bucket.missing += 1
                bucket.overdue += current.code == rules.OVERDUE
    districts = sorted(rates.values(), key=lambda r: (r.completeness, r.timeliness, r.name))
    return Rollup(districts, total, which)


