"""Jinja filters and globals: Vietnamese dates and money, the navigation of the current user."""

from __future__ import annotations

from datetime import date

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import clock, letterhead
from .auth.access import ANY_USER, PUBLIC, access_of
from .auth.roles import ROLE_LABELS
from .campaigns.rules import countdown
from .org.models import UNIT_KIND_LABELS

# (endpoint, label): shown to whoever may open the endpoint, so the menu and the access rules can
# never disagree.
NAVIGATION = [
    ("main.index", _l("Trang chủ")),
    ("reports.board", _l("Tiến độ báo cáo")),
    ("reports.totals", _l("Tổng hợp")),
    ("nominations.index", _l("Đề nghị khen thưởng")),
    ("nominations.config", _l("Cấu hình Hội đồng")),
    ("voting.index", _l("Phiên họp")),
    ("awards.index", _l("Danh sách khen thưởng")),
    ("conference.index", _l("Hội nghị tổng kết")),
    ("campaigns.index", _l("Kế hoạch")),
    ("org.units", _l("Đơn vị")),
    ("org.users", _l("Tài khoản")),
    ("org.audit", _l("Nhật ký")),
]


def may_open(endpoint: str, user=None) -> bool:
    user = user or current_user
    rule = access_of(current_app.view_functions.get(endpoint))
    if rule == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return rule == ANY_USER or bool(rule and user.roles & rule)


def unit_total(milestone, unit_counts: dict[str, int]) -> int:
    """How many active units a milestone applies to."""
    return sum(unit_counts.get(kind, 0) for kind in milestone.kinds)


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def register(app: Flask) -> None:
    # Every number and date a page prints is written the one way letterhead.py writes it.
    app.add_template_filter(letterhead.dmy, "dmy")
    app.add_template_filter(letterhead.dmyhm, "dmyhm")
    app.add_template_filter(letterhead.money, "money")
    app.add_template_filter(letterhead.vnd, "vnd")
    app.add_template_filter(letterhead.km, "km")
    app.add_template_filter(letterhead.decimal, "vn_decimal")
    app.add_template_global(percent)
    app.add_template_global(may_open)
    app.add_template_global(unit_total)

    @app.template_filter("unit_kind_label")
    def _unit_kind_label(kind: str) -> str:
        return str(UNIT_KIND_LABELS.get(kind, kind))

    @app.template_filter("countdown")
    def _countdown(due: date):
        return countdown(due, clock.today())

    @app.context_processor
    def globals_():
        nav = []
        if getattr(current_user, "is_authenticated", False) and not current_user.must_change_password:
            nav = [(ep, label) for ep, label in NAVIGATION if may_open(ep)]
        return {
            "nav_items": nav,
            "today": clock.today(),
            "clock_frozen": clock.is_frozen(),
            "role_labels": ROLE_LABELS,
            "languages": current_app.config["NTM_LANGUAGES"],
        }

