"""The awards' own rules as plain functions: the ranking of passing candidates within an award form's
quota (ties at the quota's edge left to the chair) and the award money (coefficient × lương cơ sở,
doubled for a collective, rounded up).

A pure rules module: no database, no Flask, no other room. The voting room ranks its results with it
and the awards room computes the money with it; the import contracts (pyproject.toml) allow any floor
to import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

# Quotas and ranking ------------------------------------------------------------------------------


@dataclass
class Ranked:
    key: int                  # the candidate (nomination) id
    passed: bool
    agree: int
    score: float | None
    rank: int | None = None
    within_quota: bool = False
    tied_at_cut: bool = False  # tied with the quota's last place across its edge: the chair decides
    note: str = ""


@dataclass
class QuotaResult:
    ranked: list[Ranked] = field(default_factory=list)
    tie_at_cut: bool = False


def apply_quota(candidates: list[Ranked], quota: int | None) -> QuotaResult:
    """Rank the passing candidates of one award form and keep those within the quota.

    Order: weighted score (when scored), then number of agree votes. Candidates tied with the last
    place inside the quota are all marked as a tie for the chair to decide, never silently cut.
    """
    passing = sorted((c for c in candidates if c.passed),
                     key=lambda c: (-(c.score if c.score is not None else -1), -c.agree))
    for failed in (c for c in candidates if not c.passed):
        failed.note = "Không đạt ngưỡng biểu quyết."
    result = QuotaResult(sorted(candidates, key=lambda c: (not c.passed,)))
    previous, rank = None, 0
    for position, cand in enumerate(passing, start=1):
        key = (cand.score, cand.agree)
        if key != previous:
            rank = position
        cand.rank, previous = rank, key
    if quota is None or len(passing) <= quota:
        for cand in passing:
            cand.within_quota, cand.note = True, "Trong hạn mức."
        result.ranked = passing + [c for c in candidates if not c.passed]
        return result
    if quota <= 0:  # nobody fits (passing[quota - 1] would be the LAST candidate, wrongly "tied")
        for cand in passing:
            cand.note = f"Ngoài hạn mức {quota} (xếp thứ {cand.rank})."
        result.ranked = passing + [c for c in candidates if not c.passed]
        return result
    cut_key = (passing[quota - 1].score, passing[quota - 1].agree)
    tied = [c for c in passing if (c.score, c.agree) == cut_key]
    tie_crosses = any(passing.index(c) >= quota for c in tied)
    for index, cand in enumerate(passing):
        if (cand.score, cand.agree) == cut_key and tie_crosses:
            cand.within_quota, cand.tied_at_cut = False, True
            cand.note = f"Ngang điểm ở vị trí cuối hạn mức ({quota}): Chủ tịch quyết định."
            result.tie_at_cut = True
        elif index < quota:
            cand.within_quota, cand.note = True, "Trong hạn mức."
        else:
            cand.note = f"Ngoài hạn mức {quota} (xếp thứ {cand.rank})."
    result.ranked = passing + [c for c in candidates if not c.passed]
    return result


# Award money -------------------------------------------------------------------------------------


def award_amount(coefficient: Decimal, base_salary: int, collective: bool, rounding: int = 10_000) -> int:
    """coefficient × lương cơ sở, doubled for a collective, rounded UP to `rounding` đồng (§7)."""
    raw = Decimal(coefficient) * base_salary * (2 if collective else 1)
    if rounding <= 1:
        return int(raw.to_integral_value(rounding=ROUND_CEILING))
    steps = (raw / rounding).to_integral_value(rounding=ROUND_CEILING)
    return int(steps * rounding)
