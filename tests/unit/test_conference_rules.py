"""The conference's rules: money of a line and totals, the award line, amounts in words, the agenda's
timetable, reordering, attendance replies, certificate positions. No database, no Flask."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ntm_intranet import letterhead
from ntm_intranet.conference import rules
from ntm_intranet.conference.rules import Line, RuleError

GK = "Giấy khen của Chủ tịch UBND huyện"
BK = "Bằng khen của Chủ tịch UBND tỉnh"


@pytest.mark.parametrize("text, value", [
    ("1.150.000", 1_150_000), ("1150000", 1_150_000), ("1 150 000", 1_150_000), ("1,150,000", 1_150_000),
    ("1.150.000 đ", 1_150_000), ("20.000đồng", 20_000), ("  150 ", 150), ("0", 0),
])
def test_whole_numbers_are_read_as_people_type_them(text, value):
    assert rules.parse_whole(text, "đơn giá") == value


@pytest.mark.parametrize("text, message", [
    ("-5", "Số lượng không được âm."),
    ("- 5", "Số lượng không được âm."),
    ("mười", "Số lượng phải là số nguyên, ví dụ 1.150.000."),
    ("1,5", "Số lượng phải là số nguyên, ví dụ 1.150.000."),
    ("1.15", "Số lượng phải là số nguyên, ví dụ 1.150.000."),
    ("1.150,000", "Số lượng phải là số nguyên, ví dụ 1.150.000."),
    ("", "Hãy nhập số lượng."),
])
def test_negative_decimal_or_worded_numbers_are_refused_with_a_sentence(text, message):
    with pytest.raises(RuleError) as refused:
        rules.parse_whole(text, "số lượng", "1.150.000")
    assert str(refused.value) == message


def test_a_line_costs_quantity_times_unit_price_in_whole_dong():
    assert rules.line_amount(150, 20_000) == 3_000_000
    assert rules.line_amount(3, 1_150_000) == 3_450_000
    assert rules.line_amount(0, 20_000, allow_zero=True) == 0  # finance may cut a line to nothing


@pytest.mark.parametrize("quantity, price, message", [
    (-1, 20_000, "Số lượng không được âm."),
    (0, 20_000, "Số lượng phải lớn hơn 0."),
    (5, -1, "Đơn giá không được âm."),
    (1_000_001, 1, "Số lượng quá lớn (tối đa 1.000.000)."),
    (1, 100_000_000_001, "Đơn giá quá lớn (tối đa 100.000.000.000 đồng)."),
])
def test_a_line_refuses_impossible_figures(quantity, price, message):
    with pytest.raises(RuleError) as refused:
        rules.line_amount(quantity, price)
    assert str(refused.value) == message


def test_totals_keep_what_was_proposed_beside_what_finance_set_and_add_up_per_source():
    lines = [Line(3_500_000, "Ngân sách huyện"), Line(3_000_000, "Ngân sách huyện", adjusted_amount=2_400_000),
             Line(1_500_000, "Xã hội hóa", adjusted_amount=0), Line(5_880_000, "Quỹ Thi đua – Khen thưởng huyện")]
    totals = rules.totals(lines)
    assert totals.proposed == 3_500_000 + 3_000_000 + 1_500_000 + 5_880_000 == 13_880_000
    assert totals.appraised == 3_500_000 + 2_400_000 + 0 + 5_880_000 == 11_780_000
    assert totals.difference == -2_100_000 and totals.adjusted_lines == 2
    assert totals.by_source == [("Ngân sách huyện", 5_900_000), ("Xã hội hóa", 0),
                                ("Quỹ Thi đua – Khen thưởng huyện", 5_880_000)]


@given(st.lists(st.tuples(st.integers(0, 10**12), st.one_of(st.none(), st.integers(0, 10**12))), max_size=40))
def test_the_appraised_total_is_the_sum_of_what_each_line_ends_at(pairs):
    totals = rules.totals(Line(amount, "x", adjusted) for amount, adjusted in pairs)
    assert totals.proposed == sum(a for a, _ in pairs)
    assert totals.appraised == sum(a if b is None else b for a, b in pairs)
    assert sum(amount for _source, amount in totals.by_source) == totals.appraised


def test_the_award_money_is_one_line_with_its_detail_per_form_and_amount():
    money = rules.award_money([(BK, 2_300_000), (BK, 1_150_000), (GK, 690_000), (GK, 690_000), (GK, 350_000),
                               (GK, 350_000), (GK, 350_000), (GK, 0)], "1234/QĐ-UBND", date(2015, 7, 10))
    assert (money.count, money.total) == (7, 2_300_000 + 1_150_000 + 2 * 690_000 + 3 * 350_000)
    assert money.item == ("Tiền thưởng cho các tập thể, cá nhân, hộ gia đình được khen thưởng (Quyết định số "
                          "1234/QĐ-UBND ngày 10/07/2015)")
    assert money.detail == (f"{BK}: 1 × 2.300.000 đ, 1 × 1.150.000 đ; {GK}: 2 × 690.000 đ, 3 × 350.000 đ")


@pytest.mark.parametrize("value, words", [
    (0, "Không đồng"),
    (5, "Năm đồng"),
    (10, "Mười đồng"),
    (15, "Mười lăm đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi bốn đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (350_000, "Ba trăm năm mươi nghìn đồng"),
    (1_150_000, "Một triệu một trăm năm mươi nghìn đồng"),
    (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
    (1_000_001, "Một triệu không trăm linh một đồng"),
    (16_600_000, "Mười sáu triệu sáu trăm nghìn đồng"),
    (2_000_000_000, "Hai tỷ đồng"),
    (1_005_000_000, "Một tỷ không trăm linh năm triệu đồng"),
    (1_234_567_891_011, "Một nghìn hai trăm ba mươi bốn tỷ năm trăm sáu mươi bảy triệu tám trăm chín mươi mốt "
                        "nghìn không trăm mười một đồng"),
])
def test_amounts_are_written_in_words_as_on_an_official_estimate(value, words):
    assert letterhead.amount_in_words(value) == words


@pytest.mark.parametrize("text, value", [
    ("7:30", time(7, 30)), ("7h30", time(7, 30)), ("07 giờ 30", time(7, 30)), ("7 giờ", time(7, 0)),
    ("14.00", time(14, 0)), ("8", time(8, 0)), ("7 giờ 30 phút", time(7, 30)), ("", None),
])
def test_a_time_of_day_is_read_as_written(text, value):
    assert rules.parse_time(text) == value


@pytest.mark.parametrize("text", ["25:00", "7:75", "sáng", "7:30:15"])
def test_an_impossible_time_is_refused(text):
    with pytest.raises(RuleError):
        rules.parse_time(text)


def test_the_agenda_timetable_runs_from_the_start_through_each_items_minutes():
    slots = rules.schedule(time(7, 30), [20, 10, 45])
    assert slots == [(time(7, 30), time(7, 50)), (time(7, 50), time(8, 0)), (time(8, 0), time(8, 45))]
    assert rules.schedule(None, [10, 20]) == [None, None]
    assert rules.time_words(time(7, 30)) == "7 giờ 30" and rules.time_words(time(14, 0)) == "14 giờ 00"
    assert rules.weekday_name(date(2015, 7, 17)) == "thứ Sáu" and rules.weekday_name(date(2015, 7, 19)) == "Chủ nhật"


def test_moving_swaps_with_the_neighbour_and_stops_at_the_ends():
    assert rules.moved([1, 2, 3], 2, "up") == [2, 1, 3]
    assert rules.moved([1, 2, 3], 2, "down") == [1, 3, 2]
    assert rules.moved([1, 2, 3], 1, "up") == [1, 2, 3]
    assert rules.moved([1, 2, 3], 3, "down") == [1, 2, 3]
    with pytest.raises(RuleError):
        rules.moved([1, 2, 3], 4, "up")
    with pytest.raises(RuleError):
        rules.moved([1, 2, 3], 2, "sideways")


def test_the_stage_order_keeps_what_was_set_and_appends_newcomers_in_list_order():
    assert rules.stage_order([10, 11, 12, 13], {}) == [10, 11, 12, 13]
    assert rules.stage_order([10, 11, 12, 13], {12: 0, 10: 1}) == [12, 10, 11, 13]
    assert rules.stage_order([10, 11], {99: 0, 11: 0}) == [11, 10]  # someone no longer on the list is ignored


def test_an_attendance_reply_counts_the_names_or_takes_the_count():
    named = rules.attendance_reply(True, "", "Hồ Văn Lâm – Trưởng thôn\n\n- Lê Thị Hồng\n")
    assert (named.count, named.names) == (2, ["Hồ Văn Lâm – Trưởng thôn", "Lê Thị Hồng"])
    assert rules.attendance_reply(True, "3", "").count == 3
    assert rules.attendance_reply(True, "2", "A\nB").count == 2
    declined = rules.attendance_reply(False, "5", "A")
    assert (declined.attending, declined.count, declined.names) == (False, 0, [])


@pytest.mark.parametrize("count, names, message", [
    ("3", "A\nB", "Số người tham dự (3) không khớp với số họ tên đã ghi (2)."),
    ("", "", "Hãy ghi số người tham dự hoặc họ tên người tham dự."),
    ("0", "", "Hãy ghi số người tham dự hoặc họ tên người tham dự."),
    ("-2", "", "Số người tham dự không được âm."),
    ("hai", "", "Số người tham dự phải là số nguyên, ví dụ 2."),
    ("51", "", "Mỗi giấy mời tối đa 50 người tham dự."),
])
def test_an_attendance_reply_that_does_not_add_up_is_refused(count, names, message):
    with pytest.raises(RuleError) as refused:
        rules.attendance_reply(True, count, names)
    assert str(refused.value) == message


def test_the_tally_counts_invitations_and_the_people_announced():
    result = rules.tally([("attending", 2), ("attending", 3), ("declined", 0), ("pending", 0), ("pending", 0)])
    assert (result.invited, result.attending, result.people, result.declined, result.pending) == (5, 2, 5, 1, 2)


def test_certificate_positions_must_fall_on_the_a4_landscape_sheet():
    rules.check_position(0, 0, "tên")
    rules.check_position(287, 205, "tên")
    for x, y in ((288, 10), (10, 206), (-1, 10)):
        with pytest.raises(RuleError) as refused:
            rules.check_position(x, y, "tên")
        assert "A4 ngang" in str(refused.value)
