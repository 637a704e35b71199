"""The words users read for a unit's state on a milestone, shared by the HTML pages and the exports.

Pure functions over plain values. The strings go through Flask-Babel, so a page in English reads
English; outside a request (or in a Vietnamese one) they are the Vietnamese source strings.
"""

from __future__ import annotations

import functools

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from ..letterhead import dmy
from . import rules


def state_text(state: rules.MilestoneState | None, kind: str = "report") -> str:
    """"quá hạn 3 ngày", "đã nộp đúng hạn", "gia hạn đến 30/06/2015"... ("" for no state).

    `kind` "meeting" speaks of a meeting held ("đã tổ chức đúng hạn") rather than a report sent.
    """
    if state is None:
        return ""
    code = state.code
    if kind == "meeting" and code in (rules.PENDING, rules.ON_TIME, rules.LATE):
        return _meeting_text(state)
    if code == rules.PENDING:
        if not state.days_left:
            return _("chưa nộp (hạn hôm nay)")
        return ngettext("chưa nộp (còn %(num)d ngày)", "chưa nộp (còn %(num)d ngày)", state.days_left)
    if code == rules.EXTENDED:
        return _("gia hạn đến %(date)s", date=dmy(state.due))
    if code == rules.OVERDUE:
        if state.extended:
            return ngettext("quá hạn %(num)d ngày (đã gia hạn đến %(date)s)",
                            "quá hạn %(num)d ngày (đã gia hạn đến %(date)s)", state.days_overdue or 0,
                            date=dmy(state.due))
        return ngettext("quá hạn %(num)d ngày", "quá hạn %(num)d ngày", state.days_overdue or 0)
    if code == rules.LATE:
        return ngettext("nộp muộn %(num)d ngày", "nộp muộn %(num)d ngày", state.days_late or 0)
    if code == rules.ON_TIME:
        return _("đã nộp đúng hạn")
    if code == rules.RETURNED:
        return _("cần bổ sung")
    if code == rules.ACCEPTED:
        return _("đã duyệt")
    return code


def said(state: rules.MilestoneState | None, kind: str = "report") -> str:
    """state_text, looked up once per state, kind and language: states are frozen values, and a board of
    thousands of rows holds a few hundred distinct ones, so Babel is asked once for each."""
    return _said(state, kind, str(get_locale()))


@functools.lru_cache(maxsize=4096)
def _said(state, kind: str, locale: str) -> str:
    return state_text(state, kind)


def _meeting_text(state: rules.MilestoneState) -> str:
    if state.code == rules.PENDING:
        if not state.days_left:
            return _("chưa tổ chức (hạn hôm nay)")
        return ngettext("chưa tổ chức (còn %(num)d ngày)", "chưa tổ chức (còn %(num)d ngày)", state.days_left)
    if state.code == rules.LATE:
        return ngettext("tổ chức muộn %(num)d ngày", "tổ chức muộn %(num)d ngày", state.days_late or 0)
    return _("đã tổ chức đúng hạn")
