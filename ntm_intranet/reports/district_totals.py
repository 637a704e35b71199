"""The district totals: the figures of the accepted reports (and, apart, of those awaiting review) and
the communes × criteria table, in a fixed number of queries."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func

from ..campaigns.models import Campaign, Criterion
from ..extensions import db
from ..org.models import COMMUNE_KINDS, Unit
from . import rules
from .models import FIGURE_NAMES, CriterionResult, Status, Submission
from .services import BOARD_KINDS

# ---------------------------------------------------------------------------------------------
# District totals


@dataclass
class CommuneCriteria:
    unit_id: int
    code: str
    name: str
    status: str | None
    met_start: set[int]
    met_end: set[int]

    @property
    def count_start(self) -> int:
        return len(self.met_start)

    @property
    def count_end(self) -> int:
        return len(self.met_end)


@dataclass
class Totals:
    accepted: dict[str, int]
    with_submitted: dict[str, int]
    accepted_units: int
    submitted_units: int
    expected_units: int
    criteria: list[Criterion]
    communes: list[CommuneCriteria]
    average_start: float
    average_end: float
    met_per_criterion: dict[int, int]
    page: int = 1
    pages: int = 1
    communes_total: int = 0
    communes_reported: int = 0

    @property
    def money_accepted(self) -> int:
        return sum(self.accepted[k] for k in ("money_state", "money_people", "money_other"))

    @property
    def money_with_submitted(self) -> int:
        return sum(self.with_submitted[k] for k in ("money_state", "money_people", "money_other"))


def totals(campaign: Campaign, page: int = 1, per_page: int = 60, paginate: bool = True) -> Totals:
    """The district's sums, and the communes × criteria table (one page of communes, or all of them)."""
    columns = [func.coalesce(func.sum(getattr(Submission, n)), 0) for n in FIGURE_NAMES]
    by_status = {row[0]: row[1:] for row in db.session.execute(
        db.select(Submission.status, func.count(Submission.id), *columns)
        .filter(Submission.campaign_id == campaign.id,
                Submission.status.in_([Status.ACCEPTED.value, Status.SUBMITTED.value]))
        .group_by(Submission.status))}
    zero = (0,) * (len(FIGURE_NAMES) + 1)
    acc, sub = by_status.get(Status.ACCEPTED.value, zero), by_status.get(Status.SUBMITTED.value, zero)
    accepted = {n: int(acc[i + 1]) for i, n in enumerate(FIGURE_NAMES)}
    with_submitted = {n: int(acc[i + 1]) + int(sub[i + 1]) for i, n in enumerate(FIGURE_NAMES)}
    expected = db.session.execute(db.select(func.count(Unit.id)).filter(
        Unit.active.is_(True), Unit.kind.in_(BOARD_KINDS))).scalar_one()
    criteria = list(db.session.execute(
        db.select(Criterion).filter_by(set_code=campaign.criteria_set).order_by(Criterion.number)).scalars())

    counted = [Status.ACCEPTED.value, Status.SUBMITTED.value]
    commune = (Unit.active.is_(True), Unit.kind.in_(COMMUNE_KINDS))
    counted_subs = (Submission.campaign_id == campaign.id, Submission.status.in_(counted))
    # Criteria met per reporting commune (for the averages), and communes meeting each criterion.
    met_counts = db.session.execute(
        db.select(func.sum(db.case((CriterionResult.met_start, 1), else_=0)),
                  func.sum(db.case((CriterionResult.met_end, 1), else_=0)))
        .select_from(Submission).join(Unit, Unit.id == Submission.unit_id)
        .outerjoin(CriterionResult, CriterionResult.submission_id == Submission.id)
        .filter(*commune, *counted_subs).group_by(Submission.id)).all()
    met_per_criterion = {c.number: 0 for c in criteria}
    met_per_criterion.update(dict(db.session.execute(
        db.select(Criterion.number, func.count(CriterionResult.id))
        .select_from(CriterionResult).join(Criterion, Criterion.id == CriterionResult.criterion_id)
        .join(Submission, Submission.id == CriterionResult.submission_id).join(Unit, Unit.id == Submission.unit_id)
        .filter(CriterionResult.met_end.is_(True), *commune, *counted_subs).group_by(Criterion.number)).all()))

    communes_total = db.session.execute(db.select(func.count(Unit.id)).filter(*commune)).scalar_one()
    pages = max(1, math.ceil(communes_total / per_page)) if paginate else 1
    page = min(max(page, 1), pages)
    rows_query = (db.select(Unit.id, Unit.code, Unit.name, Submission.status)
                  .outerjoin(Submission, (Submission.unit_id == Unit.id) & (Submission.campaign_id == campaign.id))
                  .filter(*commune).order_by(Unit.sort_order, Unit.code, Unit.id))
    if paginate:
        rows_query = rows_query.offset((page - 1) * per_page).limit(per_page)
    communes = {unit_id: CommuneCriteria(unit_id, code, name, status, set(), set())
                for unit_id, code, name, status in db.session.execute(rows_query)}
    results = (db.select(Submission.unit_id, Criterion.number, CriterionResult.met_start, CriterionResult.met_end)
               .join(CriterionResult, CriterionResult.submission_id == Submission.id)
               .join(Criterion, Criterion.id == CriterionResult.criterion_id)
               .join(Unit, Unit.id == Submission.unit_id).filter(*commune, *counted_subs))
    if paginate:
        results = results.filter(Submission.unit_id.in_(list(communes)))
    for unit_id, number, met_start, met_end in db.session.execute(results):
        if unit_id in communes:
            if met_start:
                communes[unit_id].met_start.add(number)
            if met_end:
                communes[unit_id].met_end.add(number)
    return Totals(accepted, with_submitted, int(acc[0]), int(sub[0]), expected, criteria, list(communes.values()),
                  rules.criteria_average([int(start or 0) for start, _end in met_counts]),
                  rules.criteria_average([int(end or 0) for _start, end in met_counts]), met_per_criterion,
                  page, pages, communes_total, len(met_counts))
