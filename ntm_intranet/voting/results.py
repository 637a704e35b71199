"""The results of a session: per candidate the votes on all members, the threshold's sentence, the scores,
the ranking within each award form's quota (ties at its edge left to the chair), counted in SQL."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import func

from .. import audit, letterhead
from ..awards import rules as award_rules
from ..campaigns.models import Campaign
from ..extensions import db
from ..nominations.models import AwardForm, Nomination, ScoringCriterion
from . import rules
from .models import (
    AgendaItem,
    Ballot,
    BallotScore,
    BoardSession,
    PaperCount,
)
from .services import CHOICES, criteria_of

# Results -----------------------------------------------------------------------------------------


@dataclass
class ItemResult:
    item: AgendaItem
    form: AwardForm
    agree: int = 0
    disagree: int = 0
    invalid: int = 0
    written: int = 0
    issued: int | None = None
    returned: int | None = None
    score: rules.ScoreSummary | None = None
    passed: bool = False
    explanation: str = ""
    rank: int | None = None
    within_quota: bool = False
    tied_at_cut: bool = False
    quota_note: str = ""

    @property
    def percent(self) -> float:
        total = self.item.session.members_total
        return round(100 * self.agree / total, 1) if total else 0.0

    @property
    def proposed(self) -> bool:
        """The board proposes the award: passed and within the quota, or tied at the quota's edge (then the
        chair decides). The draft award list and the proposal list are built by this rule."""
        return self.passed and (self.within_quota or self.tied_at_cut)

    # What the results page shows, worked out in Python once rather than by filters in every table cell.

    @property
    def badge(self) -> str:
        return "ok" if self.passed and self.within_quota else ("warn" if self.passed else "bad")

    @property
    def score_text(self) -> str:
        """'62,9', or '' when the candidate has no score."""
        return letterhead.decimal(self.score.value, trim=False) if self.score and self.score.value is not None else ""

    @property
    def score_range(self) -> str:
        """The lowest and highest ballot's score, '20–86'."""
        if not self.score or self.score.low is None:
            return ""
        return f"{self.score.low:.0f}–{self.score.high:.0f}"


@dataclass
class FormResults:
    form: AwardForm
    items: list[ItemResult] = field(default_factory=list)
    tie_at_cut: bool = False

    def agree_levels(self, members_total: int) -> list[rules.AgreeLevel]:
        """How many of this form's candidates got each number of agree votes (the chart of a large group)."""
        return rules.agree_levels([r.agree for r in self.items], members_total, _threshold(self.form))


def _threshold(form: AwardForm) -> rules.Threshold:
    return rules.Threshold(Fraction(form.threshold_percent, 100), form.threshold_strict)


def results_stamp(session: BoardSession, campaign: Campaign) -> tuple:
    """What a closed session's results page depends on, in one cheap statement.

    The ballots and paper counts cannot change once the session is closed; the award forms' thresholds and
    quotas, the criteria and the campaign's settings are changed only through audited actions, and the
    nominations (names, units, forms) carry an ORM version counter. Events about user accounts (logins,
    password changes) change nothing here and are left out, so a day of logins does not empty the cache.
    """
    one = db.select
    on_agenda = one(AgendaItem.nomination_id).filter(AgendaItem.session_id == session.id)
    values = db.session.execute(one(
        one(func.max(audit.AuditEvent.id)).filter(audit.AuditEvent.object_type != "user").scalar_subquery(),
        one(func.count(Nomination.id)).filter(Nomination.id.in_(on_agenda)).scalar_subquery(),
        one(func.coalesce(func.sum(Nomination.version), 0)).filter(Nomination.id.in_(on_agenda)).scalar_subquery(),
    )).one()
    return (session.id, session.status, session.version, session.members_total, campaign.scoring_enabled,
            campaign.score_method, *values)


def results(session: BoardSession, campaign: Campaign) -> list[FormResults]:
    """Per award form, each candidate's tally, score, verdict and place in the quota. A fixed number of
    queries: tallies and score summaries are SQL aggregates over the anonymous ballots."""
    items = {i.id: i for i in session.items}
    by_item = {i.id: ItemResult(i, i.nomination.form) for i in session.items}
    if session.paper:
        for row in db.session.execute(db.select(PaperCount).filter(PaperCount.item_id.in_(list(items)))).scalars():
            r = by_item[row.item_id]
            r.agree, r.disagree, r.issued, r.returned = row.agree, row.disagree, row.issued, row.returned
            r.invalid = row.returned - row.valid
    else:
        for r in by_item.values():
            r.written = r.item.written_ballots or 0
        for item_id, choice, count in db.session.execute(
                db.select(Ballot.item_id, Ballot.choice, func.count(Ballot.id))
                .filter(Ballot.session_id == session.id).group_by(Ballot.item_id, Ballot.choice)):
            r = by_item[item_id]
            setattr(r, choice if choice in CHOICES else "invalid", getattr(r, choice if choice in CHOICES
                                                                         else "invalid") + count)
        criteria = criteria_of(campaign)
        if criteria:
            top = sum(c.max_points * c.weight for c in criteria) or 1
            per_ballot = (db.select(Ballot.item_id.label("item_id"),
                                    (100.0 * func.sum(BallotScore.points * ScoringCriterion.weight) / top).label("s"))
                          .join(BallotScore, BallotScore.ballot_id == Ballot.id)
                          .join(ScoringCriterion, ScoringCriterion.id == BallotScore.criterion_id)
                          .filter(Ballot.session_id == session.id).group_by(Ballot.id, Ballot.item_id).subquery())
            if campaign.score_method == "median":
                values = defaultdict(list)
                for item_id, score in db.session.execute(db.select(per_ballot.c.item_id, per_ballot.c.s)):
                    values[item_id].append(float(score))
                for item_id, scores in values.items():
                    by_item[item_id].score = rules.summarise(scores, "median")
            else:
                score = per_ballot.c.s
                for item_id, count, mean, low, high in db.session.execute(
                        db.select(per_ballot.c.item_id, func.count(), func.avg(score), func.min(score), func.max(score))
                        .group_by(per_ballot.c.item_id)):
                    by_item[item_id].score = rules.ScoreSummary(count, round(float(mean), 2), round(float(low), 2),
                                                                round(float(high), 2))
    groups: dict[int, FormResults] = {}
    verdicts: dict[tuple[int, int], tuple[bool, str]] = {}  # one sentence per form and number of votes
    for r in by_item.values():
        key = (r.form.id, r.agree)
        if key not in verdicts:
            verdicts[key] = rules.verdict(r.agree, session.members_total, _threshold(r.form))
        r.passed, r.explanation = verdicts[key]
        groups.setdefault(r.form.id, FormResults(r.form)).items.append(r)
    ordered = sorted(groups.values(), key=lambda g: (g.form.sort_order, g.form.id))
    for group in ordered:
        ranked = award_rules.apply_quota(
            [award_rules.Ranked(r.item.id, r.passed, r.agree, r.score.value if r.score else None)
             for r in group.items], group.form.quota)
        group.tie_at_cut = ranked.tie_at_cut
        by_id = {r.item.id: r for r in group.items}
        group.items = []
        for rk in ranked.ranked:
            r = by_id[rk.key]
            r.rank, r.within_quota, r.tied_at_cut, r.quota_note = rk.rank, rk.within_quota, rk.tied_at_cut, rk.note
            group.items.append(r)
    return ordered
