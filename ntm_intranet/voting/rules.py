"""The board's rules as plain functions: quorum, pass thresholds, scores, quotas and ties, award money.

DOMAIN.md §6–§7. Every number that decides something comes with the sentence that explains it,
so the results page, the minutes and the tests all say the same thing.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction


def vn_number(value: float | Fraction, places: int = 1) -> str:
    """81.818 -> '81,8' (Vietnamese decimal comma)."""
    return f"{float(value):.{places}f}".replace(".", ",")


# Quorum ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    met: bool
    present: int
    total: int
    needed: int
    explanation: str


def quorum(present: int, total: int, share: Fraction = Fraction(2, 3)) -> Quorum:
    """Valid only when present >= share × all members (rounded up): 2/3 of 11 needs 8."""
    needed = math.ceil(share * total) if total else 1
    met = total > 0 and present >= needed
    sentence = (f"Có mặt {present}/{total} thành viên; cần ít nhất {needed} "
                f"({share.numerator}/{share.denominator} tổng số thành viên)")
    ending = ": đủ điều kiện họp." if met else ": chưa đủ điều kiện họp."
    return Quorum(met, present, total, needed, sentence + ending)


# Pass threshold ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    share: Fraction          # 1/2, 9/10 ...
    strict: bool             # True: more than (> 50 %); False: at least (>= 90 %)

    @property
    def label(self) -> str:
        percent = self.share * 100
        return f"{'>' if self.strict else '≥'} {vn_number(percent, 0 if percent.denominator == 1 else 1)} %"


def passes(agree: int, members_total: int, threshold: Threshold) -> bool:
    """Counted on ALL members of the board, not only those present (DOMAIN.md §6)."""
    if members_total <= 0:
        return False
    ratio = Fraction(agree, members_total)
    return ratio > threshold.share if threshold.strict else ratio >= threshold.share


def verdict(agree: int, members_total: int, threshold: Threshold) -> tuple[bool, str]:
    ok = passes(agree, members_total, threshold)
    percent = vn_number(Fraction(agree, members_total) * 100) if members_total else "0,0"
    word = "Đạt" if ok else "Không đạt"
    return ok, f"{word}: {agree}/{members_total} thành viên đồng ý = {percent} % {'' if ok else 'không '}" \
               f"{threshold.label}".replace("  ", " ")


@dataclass(frozen=True)
class AgreeLevel:
    agree: int          # a number of agree votes
    count: int          # how many candidates got exactly that many
    passed: bool        # whether that many passes the threshold
    explanation: str


def agree_levels(agrees: list[int], members_total: int, threshold: Threshold) -> list[AgreeLevel]:
    """Every number of agree votes from all members down to none, with how many candidates got it.

    A bar per candidate is readable for a few dozen of them; for hundreds, the results chart has a bar
    per number of votes instead: at most one more bar than the board has members.
    """
    counts: dict[int, int] = {}
    for agree in agrees:
        counts[agree] = counts.get(agree, 0) + 1
    top = max(members_total, max(counts, default=0))
    return [AgreeLevel(agree, counts.get(agree, 0), *verdict(agree, members_total, threshold))
            for agree in range(top, -1, -1)]


# Scores ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreSummary:
    count: int
    value: float | None   # mean or median of the ballots' weighted scores, on 0..100
    low: float | None
    high: float | None


def weighted_score(points: dict[int, float], criteria: dict[int, tuple[float, float]]) -> float:
    """One ballot's score on 0..100: Σ points×weight / Σ max×weight. criteria: id -> (max, weight)."""
    top = sum(maximum * weight for maximum, weight in criteria.values())
    if top <= 0:
        return 0.0
    return 100 * sum(points.get(cid, 0) * weight for cid, (_maximum, weight) in criteria.items()) / top


def summarise(scores: list[float], method: str = "mean") -> ScoreSummary:
    if not scores:
        return ScoreSummary(0, None, None, None)
    value = statistics.median(scores) if method == "median" else statistics.fmean(scores)
    return ScoreSummary(len(scores), round(value, 2), round(min(scores), 2), round(max(scores), 2))


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
