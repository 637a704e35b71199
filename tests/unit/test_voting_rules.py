"""The board's rules as pure functions: quorum, thresholds, scores, quotas and ties, award money (DOMAIN.md §6–§7)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ntm_intranet import letterhead
from ntm_intranet.awards import rules as award_rules
from ntm_intranet.awards.rules import Ranked
from ntm_intranet.voting import rules
from ntm_intranet.voting.rules import Threshold

MORE_THAN_HALF = Threshold(Fraction(1, 2), strict=True)
AT_LEAST_90 = Threshold(Fraction(9, 10), strict=False)
BASE_SALARY = 1_150_000  # lương cơ sở from 1/7/2013 (Decree 66/2013)


# Quorum ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("present", "met"), [(7, False), (8, True), (11, True), (0, False)])
def test_two_thirds_of_eleven_members_needs_eight(present, met):
    quorum = rules.quorum(present, 11)
    assert (quorum.met, quorum.needed, quorum.total, quorum.present) == (met, 8, 11, present)


def test_the_quorum_sentence_says_who_is_there_and_how_many_are_needed():
    assert rules.quorum(7, 11).explanation == \
        "Có mặt 7/11 thành viên; cần ít nhất 8 (2/3 tổng số thành viên): chưa đủ điều kiện họp."
    assert rules.quorum(8, 11).explanation == \
        "Có mặt 8/11 thành viên; cần ít nhất 8 (2/3 tổng số thành viên): đủ điều kiện họp."


def test_a_board_without_members_never_meets():
    quorum = rules.quorum(0, 0)
    assert not quorum.met and quorum.needed == 1
    assert "chưa đủ điều kiện họp" in quorum.explanation


@pytest.mark.parametrize(("share", "total", "needed"), [
    (Fraction(2, 3), 9, 6),      # exactly 2/3
    (Fraction(2, 3), 10, 7),     # 6.67 rounds up
    (Fraction(2, 3), 12, 8),
    (Fraction(1, 2), 11, 6),     # 5.5 rounds up
    (Fraction(1, 2), 10, 5),     # half of ten: five present is enough
    (Fraction(3, 4), 11, 9),
    (Fraction(1, 1), 7, 7),      # everyone
    (Fraction(2, 3), 1, 1),
])
def test_other_quorum_shares(share, total, needed):
    quorum = rules.quorum(needed, total, share)
    assert quorum.needed == needed and quorum.met
    assert not rules.quorum(needed - 1, total, share).met
    assert f"({share.numerator}/{share.denominator} tổng số thành viên)" in quorum.explanation


shares = st.builds(Fraction, st.integers(1, 10), st.integers(1, 10)).filter(lambda f: f <= 1)


@given(total=st.integers(0, 200), present=st.integers(0, 200), extra=st.integers(0, 50), share=shares)
def test_quorum_is_monotone_in_the_members_present(total, present, extra, share):
    present, more = min(present, total), min(present + extra, total)
    if rules.quorum(present, total, share).met:
        assert rules.quorum(more, total, share).met


@given(total=st.integers(1, 200), share=shares)
def test_the_quorum_needed_is_the_smallest_count_at_or_above_the_share(total, share):
    needed = rules.quorum(total, total, share).needed
    assert Fraction(needed, total) >= share
    assert Fraction(needed - 1, total) < share
    assert rules.quorum(total, total, share).met


# Thresholds --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("agree", "ok"), [(5, False), (6, True), (9, True), (11, True), (0, False)])
def test_more_than_half_of_all_eleven_members(agree, ok):
    assert rules.passes(agree, 11, MORE_THAN_HALF) is ok


def test_exactly_half_is_not_more_than_half():
    assert not rules.passes(5, 10, MORE_THAN_HALF)
    assert rules.passes(6, 10, MORE_THAN_HALF)


def test_at_least_ninety_percent_includes_ninety():
    assert rules.passes(9, 10, AT_LEAST_90)          # exactly 90 %
    assert not rules.passes(8, 10, AT_LEAST_90)
    assert not rules.passes(9, 11, AT_LEAST_90)      # 81,8 %
    assert rules.passes(10, 11, AT_LEAST_90)         # 90,9 %


def test_the_threshold_is_counted_on_all_members_not_on_those_present():
    # 8 present, all 8 agree except 2: 6 of the 8 present (75 %), but only 6 of 11 members (54,5 %)
    assert rules.passes(6, 11, MORE_THAN_HALF)
    # 8 present, 5 agree: a majority of those present (62,5 %), yet not of the board (45,5 %)
    assert not rules.passes(5, 11, MORE_THAN_HALF)
    ok, sentence = rules.verdict(5, 11, MORE_THAN_HALF)
    assert not ok and "5/11" in sentence


def test_no_members_never_pass():
    assert not rules.passes(0, 0, MORE_THAN_HALF)
    ok, sentence = rules.verdict(0, 0, MORE_THAN_HALF)
    assert not ok and sentence.startswith("Không đạt")


@pytest.mark.parametrize(("agree", "total", "threshold", "sentence"), [
    (9, 11, MORE_THAN_HALF, "Đạt: 9/11 thành viên đồng ý = 81,8 % > 50 %"),
    (6, 11, MORE_THAN_HALF, "Đạt: 6/11 thành viên đồng ý = 54,5 % > 50 %"),
    (5, 11, MORE_THAN_HALF, "Không đạt: 5/11 thành viên đồng ý = 45,5 % không > 50 %"),
    (5, 10, MORE_THAN_HALF, "Không đạt: 5/10 thành viên đồng ý = 50,0 % không > 50 %"),
    (10, 11, AT_LEAST_90, "Đạt: 10/11 thành viên đồng ý = 90,9 % ≥ 90 %"),
    (9, 10, AT_LEAST_90, "Đạt: 9/10 thành viên đồng ý = 90,0 % ≥ 90 %"),
    (9, 11, AT_LEAST_90, "Không đạt: 9/11 thành viên đồng ý = 81,8 % không ≥ 90 %"),
    (2, 3, Threshold(Fraction(2, 3), strict=False), "Đạt: 2/3 thành viên đồng ý = 66,7 % ≥ 66,7 %"),
])
def test_the_verdict_explains_itself(agree, total, threshold, sentence):
    ok, explanation = rules.verdict(agree, total, threshold)
    assert explanation == sentence
    assert ok is rules.passes(agree, total, threshold)


def test_threshold_labels():
    assert MORE_THAN_HALF.label == "> 50 %"
    assert AT_LEAST_90.label == "≥ 90 %"
    assert Threshold(Fraction(2, 3), strict=True).label == "> 66,7 %"


def test_the_chart_of_many_candidates_counts_them_per_number_of_agree_votes():
    levels = rules.agree_levels([15, 8, 8, 7, 0, 8], 15, MORE_THAN_HALF)
    assert [level.agree for level in levels] == list(range(15, -1, -1))  # every level, the empty ones too
    counts = {level.agree: level.count for level in levels}
    assert (counts[15], counts[8], counts[7], counts[0], counts[14]) == (1, 3, 1, 1, 0)
    assert sum(counts.values()) == 6
    passing = {level.agree for level in levels if level.passed}
    assert passing == set(range(8, 16))  # 8/15 = 53,3 % > 50 %; 7/15 = 46,7 % is not
    assert levels[15 - 7].explanation == "Không đạt: 7/15 thành viên đồng ý = 46,7 % không > 50 %"


def test_vietnamese_numbers_use_a_decimal_comma():
    assert letterhead.decimal(81.818, trim=False) == "81,8"
    assert letterhead.decimal(Fraction(200, 3), 2, trim=False) == "66,67"
    assert letterhead.decimal(50, 0, trim=False) == "50"


thresholds = st.builds(Threshold, st.builds(Fraction, st.integers(0, 100), st.just(100)), st.booleans())


@st.composite
def agree_and_members(draw):
    members = draw(st.integers(1, 300))
    return draw(st.integers(0, members)), members


@given(votes=agree_and_members(), more=st.integers(0, 300), threshold=thresholds)
def test_more_agree_votes_never_turn_a_pass_into_a_fail(votes, more, threshold):
    agree, members = votes
    if rules.passes(agree, members, threshold):
        assert rules.passes(min(agree + more, members), members, threshold)


@given(votes=agree_and_members(), low=st.integers(0, 100), high=st.integers(0, 100), strict=st.booleans())
def test_a_higher_threshold_never_passes_what_a_lower_one_failed(votes, low, high, strict):
    agree, members = votes
    low, high = sorted((low, high))
    if not rules.passes(agree, members, Threshold(Fraction(low, 100), strict)):
        assert not rules.passes(agree, members, Threshold(Fraction(high, 100), strict))


@given(votes=agree_and_members(), share=st.integers(0, 100))
def test_strictly_more_is_never_easier_than_at_least(votes, share):
    agree, members = votes
    if rules.passes(agree, members, Threshold(Fraction(share, 100), strict=True)):
        assert rules.passes(agree, members, Threshold(Fraction(share, 100), strict=False))


@given(votes=st.lists(st.integers(0, 40), max_size=200), members=st.integers(1, 40), threshold=thresholds)
def test_the_agree_levels_hold_every_candidate_once_and_agree_with_the_verdict(votes, members, threshold):
    votes = [min(v, members) for v in votes]
    levels = rules.agree_levels(votes, members, threshold)
    assert len(levels) == members + 1 and sum(level.count for level in levels) == len(votes)
    for level in levels:
        assert level.count == votes.count(level.agree)
        assert level.passed is rules.passes(level.agree, members, threshold)


@given(votes=agree_and_members(), threshold=thresholds)
def test_the_sentence_always_agrees_with_the_verdict(votes, threshold):
    agree, members = votes
    ok, sentence = rules.verdict(agree, members, threshold)
    assert ok is rules.passes(agree, members, threshold)
    assert sentence.startswith("Đạt: " if ok else "Không đạt: ")
    assert f"{agree}/{members} thành viên đồng ý" in sentence and sentence.endswith(threshold.label)
    assert ("không " + threshold.label in sentence) is (not ok)


# Scores ------------------------------------------------------------------------------------------

CRITERIA = {1: (10, 3), 2: (10, 2), 3: (10, 1)}  # the demo's three criteria: max 10, weights 3, 2, 1


def test_a_weighted_score_on_a_hundred():
    assert rules.weighted_score({1: 10, 2: 10, 3: 10}, CRITERIA) == 100
    assert rules.weighted_score({1: 0, 2: 0, 3: 0}, CRITERIA) == 0
    # (8×3 + 6×2 + 10×1) / (10×6) = 46/60
    assert rules.weighted_score({1: 8, 2: 6, 3: 10}, CRITERIA) == pytest.approx(76.6667, abs=1e-3)


def test_the_weight_matters():
    heavy = rules.weighted_score({1: 10, 2: 0, 3: 0}, CRITERIA)
    light = rules.weighted_score({1: 0, 2: 0, 3: 10}, CRITERIA)
    assert heavy == pytest.approx(50) and light == pytest.approx(100 / 6)


def test_a_missing_criterion_counts_as_zero_and_no_criteria_score_zero():
    assert rules.weighted_score({1: 10}, CRITERIA) == pytest.approx(50)
    assert rules.weighted_score({}, {}) == 0.0


def test_mean_and_median_summaries():
    scores = [40.0, 50.0, 90.0]
    mean, median = rules.summarise(scores), rules.summarise(scores, "median")
    assert (mean.count, mean.value, mean.low, mean.high) == (3, 60.0, 40.0, 90.0)
    assert (median.count, median.value, median.low, median.high) == (3, 50.0, 40.0, 90.0)
    assert rules.summarise([10.0, 20.0], "median").value == 15.0
    assert rules.summarise([100 / 3]).value == 33.33


def test_no_ballots_no_score():
    assert rules.summarise([]) == rules.ScoreSummary(0, None, None, None)


@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=30), st.sampled_from(["mean", "median"]))
def test_a_summary_lies_between_the_lowest_and_highest_ballot(scores, method):
    summary = rules.summarise(scores, method)
    assert summary.count == len(scores)
    assert summary.low <= summary.value <= summary.high


@given(st.dictionaries(st.integers(1, 5), st.tuples(st.integers(1, 100), st.integers(1, 10)), min_size=1),
       st.data())
def test_a_weighted_score_stays_within_zero_and_a_hundred(criteria, data):
    points = {cid: data.draw(st.integers(0, maximum)) for cid, (maximum, _w) in criteria.items()}
    assert 0 <= rules.weighted_score(points, criteria) <= 100 + 1e-9


# Quotas and ties ---------------------------------------------------------------------------------


def cand(key, score, agree=8, passed=True) -> Ranked:
    return Ranked(key=key, passed=passed, agree=agree, score=score)


def by_key(result) -> dict[int, Ranked]:
    return {r.key: r for r in result.ranked}


def test_within_the_quota_everyone_who_passed_is_kept():
    result = award_rules.apply_quota([cand(1, 80), cand(2, 70), cand(3, 60)], 5)
    assert not result.tie_at_cut
    assert all(r.within_quota and r.note == "Trong hạn mức." for r in result.ranked)
    assert [r.rank for r in result.ranked] == [1, 2, 3]


def test_no_quota_keeps_everyone_who_passed():
    result = award_rules.apply_quota([cand(i, 50 + i) for i in range(20)], None)
    assert all(r.within_quota for r in result.ranked) and not result.tie_at_cut


def test_beyond_the_quota_the_lower_scores_are_cut_with_a_reason():
    result = award_rules.apply_quota([cand(1, 60), cand(2, 90), cand(3, 75), cand(4, 50)], 2)
    ranked = by_key(result)
    assert [r.key for r in result.ranked] == [2, 3, 1, 4]
    assert ranked[2].within_quota and ranked[3].within_quota
    assert not ranked[1].within_quota and ranked[1].note == "Ngoài hạn mức 2 (xếp thứ 3)."
    assert not ranked[4].within_quota and ranked[4].note == "Ngoài hạn mức 2 (xếp thứ 4)."
    assert not result.tie_at_cut


def test_equal_scores_are_separated_by_the_number_of_agree_votes():
    result = award_rules.apply_quota([cand(1, 80, agree=7), cand(2, 80, agree=10)], 1)
    ranked = by_key(result)
    assert ranked[2].within_quota and ranked[2].rank == 1
    assert not ranked[1].within_quota and ranked[1].rank == 2 and not result.tie_at_cut


def test_a_tie_at_the_cut_goes_to_the_chair_and_nobody_is_silently_cut():
    result = award_rules.apply_quota([cand(1, 90), cand(2, 80), cand(3, 80), cand(4, 70)], 2)
    ranked = by_key(result)
    assert result.tie_at_cut
    assert ranked[1].within_quota and ranked[1].note == "Trong hạn mức."
    for key in (2, 3):
        assert not ranked[key].within_quota and ranked[key].tied_at_cut and ranked[key].rank == 2
        assert ranked[key].note == "Ngang điểm ở vị trí cuối hạn mức (2): Chủ tịch quyết định."
    assert ranked[4].note == "Ngoài hạn mức 2 (xếp thứ 4)." and not ranked[4].tied_at_cut
    assert not ranked[1].tied_at_cut


def test_a_tie_entirely_inside_the_quota_is_no_tie_at_the_cut():
    result = award_rules.apply_quota([cand(1, 90), cand(2, 90), cand(3, 70)], 2)
    ranked = by_key(result)
    assert not result.tie_at_cut
    assert ranked[1].within_quota and ranked[2].within_quota and ranked[1].rank == ranked[2].rank == 1
    assert not ranked[3].within_quota


def test_without_scores_the_agree_votes_rank():
    result = award_rules.apply_quota([cand(1, None, 9), cand(2, None, 11), cand(3, None, 9)], 1)
    ranked = by_key(result)
    assert ranked[2].within_quota and not result.tie_at_cut
    assert ranked[1].rank == ranked[3].rank == 2 and not ranked[1].within_quota


def test_candidates_who_failed_the_vote_never_enter_the_quota():
    result = award_rules.apply_quota([cand(1, 95, agree=4, passed=False), cand(2, 60)], 3)
    ranked = by_key(result)
    assert [r.key for r in result.ranked] == [2, 1]
    assert not ranked[1].within_quota and ranked[1].rank is None
    assert ranked[1].note == "Không đạt ngưỡng biểu quyết."
    assert ranked[2].within_quota


def test_a_quota_of_zero_keeps_nobody_and_flags_no_tie():
    result = award_rules.apply_quota([cand(1, 90), cand(2, 80)], 0)
    assert not any(r.within_quota for r in result.ranked) and not result.tie_at_cut
    assert [r.note for r in result.ranked] == ["Ngoài hạn mức 0 (xếp thứ 1).", "Ngoài hạn mức 0 (xếp thứ 2)."]


scores = st.one_of(st.none(), st.integers(0, 4).map(lambda n: n * 25.0))  # few values: ties are common


@st.composite
def candidate_lists(draw):
    n = draw(st.integers(0, 12))
    return [Ranked(key=i, passed=draw(st.booleans()), agree=draw(st.integers(0, 3)), score=draw(scores))
            for i in range(n)]


@given(candidate_lists(), st.one_of(st.none(), st.integers(0, 12)))
def test_the_quota_never_keeps_more_than_allowed_and_never_silently_cuts_a_tie(candidates, quota):
    result = award_rules.apply_quota(candidates, quota)
    ranked = result.ranked
    assert sorted(r.key for r in ranked) == list(range(len(candidates)))
    kept = [r for r in ranked if r.within_quota]
    tied = [r for r in ranked if "Ngang điểm" in r.note]
    passing = [r for r in ranked if r.passed]
    assert all(r.passed for r in kept + tied)
    if quota is not None:
        assert len(kept) <= quota
        assert len(kept) + len(tied) >= min(quota, len(passing))  # the quota is filled, or the chair decides
    else:
        assert len(kept) == len(passing)
    assert result.tie_at_cut is bool(tied)
    # nobody cut ranks at or above somebody kept or somebody tied at the cut
    cut = [r for r in passing if not r.within_quota and r not in tied]
    for loser in cut:
        assert all(loser.rank > other.rank for other in kept + tied)
        assert loser.note.startswith("Ngoài hạn mức")
    # two candidates with the same score and agree votes share a fate
    for a in passing:
        for b in passing:
            if (a.score, a.agree) == (b.score, b.agree):
                assert (a.within_quota, a in tied, a.rank) == (b.within_quota, b in tied, b.rank)
    for r in ranked:
        if not r.passed:
            assert not r.within_quota and r.note == "Không đạt ngưỡng biểu quyết."


@given(candidate_lists(), st.integers(1, 12))
def test_ranks_follow_the_order_of_the_list(candidates, quota):
    passing = [r for r in award_rules.apply_quota(candidates, quota).ranked if r.passed]
    assert [r.rank for r in passing] == sorted(r.rank for r in passing)
    assert not passing or passing[0].rank == 1


# Award money -------------------------------------------------------------------------------------


def test_a_giay_khen_for_a_person_is_rounded_up_to_the_next_ten_thousand():
    # 0,3 × 1.150.000 = 345.000 -> 350.000
    assert award_rules.award_amount(Decimal("0.3"), BASE_SALARY, collective=False) == 350_000


def test_a_collective_receives_twice_the_individual_amount():
    # 2 × 345.000 = 690.000, already a multiple of 10.000
    assert award_rules.award_amount(Decimal("0.3"), BASE_SALARY, collective=True) == 690_000


@pytest.mark.parametrize(("coefficient", "collective", "rounding", "amount"), [
    ("0.3", False, 1, 345_000),
    ("0.3", False, 10_000, 350_000),
    ("0.3", True, 1, 690_000),
    ("0.15", False, 10_000, 180_000),     # commune chairman's Giấy khen: 172.500 -> 180.000
    ("0.15", False, 1_000, 173_000),
    ("0.15", False, 1, 172_500),
    ("1.0", False, 10_000, 1_150_000),    # provincial Bằng khen
    ("1.0", True, 10_000, 2_300_000),
    ("3.5", False, 10_000, 4_030_000),    # Prime Minister's: 4.025.000 -> 4.030.000
    ("3.5", True, 10_000, 8_050_000),
    ("0", False, 10_000, 0),
])
def test_award_money(coefficient, collective, rounding, amount):
    assert award_rules.award_amount(Decimal(coefficient), BASE_SALARY, collective, rounding) == amount


def test_rounding_one_keeps_the_exact_amount_and_rounds_only_fractions_of_a_dong_up():
    assert award_rules.award_amount(Decimal("0.333"), 1_000_001, False, 1) == 333_001  # 333.000,333 -> 333.001


coefficients = st.decimals(min_value=0, max_value=100, places=3, allow_nan=False, allow_infinity=False)


@given(coefficient=coefficients, salary=st.integers(0, 50_000_000), collective=st.booleans(),
       rounding=st.sampled_from([1, 10, 500, 1_000, 10_000, 100_000, 1_000_000]))
def test_award_money_is_the_product_rounded_up_to_the_rounding(coefficient, salary, collective, rounding):
    raw = coefficient * salary * (2 if collective else 1)
    amount = award_rules.award_amount(coefficient, salary, collective, rounding)
    assert isinstance(amount, int)
    assert amount >= raw
    assert amount < raw + rounding
    assert amount % rounding == 0


@given(coefficient=coefficients, salary=st.integers(1, 50_000_000))
def test_a_collective_never_receives_less_than_an_individual(coefficient, salary):
    assume(coefficient > 0)
    single = award_rules.award_amount(coefficient, salary, False)
    double = award_rules.award_amount(coefficient, salary, True)
    assert single <= double <= 2 * single
