"""Lateness and reminders as pure functions: across day boundaries, extensions and reviews."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from ntm_intranet.clock import VN
from ntm_intranet.reports import rules

DUE = date(2015, 6, 25)


@pytest.mark.parametrize(("today", "code", "left", "overdue"), [
    (date(2015, 6, 22), rules.PENDING, 3, None),
    (date(2015, 6, 25), rules.PENDING, 0, None),
    (date(2015, 6, 26), rules.OVERDUE, None, 1),
    (date(2015, 7, 10), rules.OVERDUE, None, 15),
])
def test_a_unit_that_has_not_delivered(today, code, left, overdue):
    state = rules.milestone_state(DUE, today)
    assert (state.code, state.days_left, state.days_overdue) == (code, left, overdue)


@pytest.mark.parametrize(("done", "code", "late"), [
    (date(2015, 6, 20), rules.ON_TIME, 0),
    (date(2015, 6, 25), rules.ON_TIME, 0),   # the due date itself is on time
    (date(2015, 6, 26), rules.LATE, 1),
    (date(2015, 6, 30), rules.LATE, 5),
])
def test_a_unit_that_delivered(done, code, late):
    state = rules.milestone_state(DUE, date(2015, 7, 1), done)
    assert (state.code, state.days_late) == (code, late)


def test_an_extension_moves_the_due_date_before_and_after_delivery():
    pending = rules.milestone_state(DUE, date(2015, 6, 27), extended_to=date(2015, 6, 30))
    assert (pending.code, pending.due, pending.days_left) == (rules.EXTENDED, date(2015, 6, 30), 3)
    overdue = rules.milestone_state(DUE, date(2015, 7, 2), extended_to=date(2015, 6, 30))
    assert (overdue.code, overdue.days_overdue) == (rules.OVERDUE, 2)
    on_time = rules.milestone_state(DUE, date(2015, 7, 2), date(2015, 6, 29), extended_to=date(2015, 6, 30))
    assert on_time.code == rules.ON_TIME and on_time.share == rules.ON_TIME_SHARE


def test_an_extension_earlier_than_the_due_date_never_shortens_it():
    state = rules.milestone_state(DUE, date(2015, 6, 24), extended_to=date(2015, 6, 20))
    assert (state.code, state.due) == (rules.PENDING, DUE)


def test_reviews_keep_the_lateness_of_the_first_delivery():
    returned = rules.milestone_state(DUE, date(2015, 7, 1), date(2015, 6, 27), review="returned")
    accepted = rules.milestone_state(DUE, date(2015, 7, 1), date(2015, 6, 24), review="accepted")
    assert (returned.code, returned.days_late, returned.share) == (rules.RETURNED, 2, rules.LATE_SHARE)
    assert (accepted.code, accepted.days_late, accepted.share) == (rules.ACCEPTED, 0, rules.ON_TIME_SHARE)


def test_the_vietnamese_day_decides_lateness_not_the_utc_day():
    # 25/06 23:30 in Hà Nội is still 25/06 there (16:30 UTC); 00:30 on 26/06 there is 17:30 UTC on 25/06.
    just_in_time = datetime(2015, 6, 25, 16, 30, tzinfo=UTC).astimezone(VN).date()
    just_late = datetime(2015, 6, 25, 17, 30, tzinfo=UTC).astimezone(VN).date()
    assert rules.milestone_state(DUE, date(2015, 6, 27), just_in_time).code == rules.ON_TIME
    assert rules.milestone_state(DUE, date(2015, 6, 27), just_late).code == rules.LATE


def test_states_sort_worst_first():
    today = date(2015, 6, 27)
    states = [rules.milestone_state(DUE, today, date(2015, 6, 20)),
              rules.milestone_state(DUE, date(2015, 6, 24)),
              rules.milestone_state(DUE, today),
              rules.milestone_state(DUE, today, date(2015, 6, 26)),
              rules.milestone_state(date(2015, 6, 20), today)]
    ordered = sorted(states, key=lambda s: -s.urgency)
    assert [s.code for s in ordered] == [rules.OVERDUE, rules.OVERDUE, rules.PENDING, rules.LATE, rules.ON_TIME]
    assert ordered[0].days_overdue == 7


@pytest.mark.parametrize(("today", "before_sent", "expected"), [
    (date(2015, 6, 21), False, None),        # 4 days left, N = 3
    (date(2015, 6, 22), False, "before"),    # 3 days left
    (date(2015, 6, 23), True, None),         # the "before" reminder goes once
    (date(2015, 6, 24), False, "before"),    # a cron that missed the day still sends it
    (date(2015, 6, 26), True, "overdue"),    # daily after the due date
    (date(2015, 7, 3), True, "overdue"),
])
def test_the_reminder_schedule(today, before_sent, expected):
    assert rules.reminder_kind(rules.milestone_state(DUE, today), 3, before_sent) == expected


def test_no_reminder_once_delivered():
    for offset in range(-5, 10):
        state = rules.milestone_state(DUE, DUE + timedelta(days=offset), date(2015, 6, 24))
        assert rules.reminder_kind(state, 3) is None


def test_shares_and_criteria_average():
    today = date(2015, 6, 27)
    states = [rules.milestone_state(DUE, today, date(2015, 6, 24)),
              rules.milestone_state(DUE, today, date(2015, 6, 26)),
              rules.milestone_state(DUE, today)]
    assert rules.shares(states) == {"on_time": 1, "late": 1, "missing": 1}
    assert rules.criteria_average([10, 5, 4, 6]) == 6.2
    assert rules.criteria_average([]) == 0.0
