"""Pure rules: deadlines, passwords, text hygiene, role names, redirect targets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ntm_intranet.auth.roles import Role, parse_role
from ntm_intranet.auth.views import safe_next
from ntm_intranet.campaigns.rules import countdown
from ntm_intranet.text import clean, fold


@pytest.mark.parametrize(("today", "state", "days"), [
    (date(2015, 6, 22), "upcoming", 3),
    (date(2015, 6, 24), "upcoming", 1),
    (date(2015, 6, 25), "today", 0),
    (date(2015, 6, 26), "overdue", 1),
    (date(2015, 7, 10), "overdue", 15),
])
def test_countdown_to_the_25_june_deadline(today, state, days):
    result = countdown(date(2015, 6, 25), today)
    assert (result.state, result.days) == (state, days)


def test_countdown_over_a_year_of_days_is_consistent():
    due = date(2015, 6, 25)
    for offset in range(-400, 400):
        result = countdown(due, due + timedelta(days=offset))
        signed = {"upcoming": result.days, "today": 0, "overdue": -result.days}[result.state]
        assert signed == -offset


@pytest.mark.parametrize(("password", "ok"), [
    ("Ruong-bac-thang-7", True),
    ("ngan1", False),                 # too short
    ("chiconchucaidai", False),       # no digit
    ("12345678901", False),           # no letter
    ("lan-nguyen-2015", False),       # contains the username
    ("aaaaaaaaaa1", False),           # too few distinct characters
])
def test_password_policy(app, password, ok):
    from ntm_intranet.auth.rules import password_problems

    assert (password_problems(password, "lan") == []) is ok


def test_text_is_nfc_and_single_spaced():
    decomposed = "Xa\u0303  Trie\u0323\u0302u   Nguye\u0302n\u0000 "
    assert clean(decomposed) == "Xã Triệu Nguyên"
    assert fold("Xã Triệu Nguyên") == "xa trieu nguyen"
    assert fold("Đakrông") == "dakrong"


@pytest.mark.parametrize(("text", "role"), [
    ("reporter", Role.REPORTER), ("Cán bộ báo cáo của đơn vị", Role.REPORTER), ("thành viên", Role.MEMBER),
    ("THU KY", Role.SECRETARY), ("chair", Role.CHAIR), ("boss", None),
])
def test_roles_are_read_from_keys_or_vietnamese_labels(app, text, role):
    assert parse_role(text) == role


@pytest.mark.parametrize(("target", "ok"), [
    ("/campaigns", True), ("/units/3?x=1", True), ("//evil.example", False), ("https://evil.example/", False),
    ("javascript:alert(1)", False), ("/\\evil.example", False), ("", False),
])
def test_only_local_paths_are_redirect_targets(target, ok):
    assert (safe_next(target) == target) is ok
