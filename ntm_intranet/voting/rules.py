"""The board's rules as plain functions: quorum, pass thresholds, scores (quotas, ties and award money
are the awards room's rules, awards/rules.py).

DOMAIN.md §6–§7. Every number that decides something comes with the sentence that explains it,
so the results page, the minutes and the tests all say the same thing.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from fractions import Fraction

from ..letterhead import decimal

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
        return f"{'>' if self.strict else '≥'} {decimal(percent, 0 if percent.denominator == 1 else 1, trim=False)} %"


def passes(agree: int, members_total: int, threshold: Threshold) -> bool:
    """Counted on ALL members of the board, not only those present (DOMAIN.md §6)."""
    if members_total <= 0:
        return False
    ratio = Fraction(agree, members_total)
    return ratio > threshold.share if threshold.strict else ratio >= threshold.share


def verdict(agree: int, members_total: int, threshold: Threshold) -> tuple[bool, str]:
    ok = passes(agree, members_total, threshold)
    percent = decimal(Fraction(agree, members_total) * 100, trim=False) if members_total else "0,0"
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
