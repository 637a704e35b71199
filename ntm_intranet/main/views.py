"""Home pages per role, the unit page, language choice and the health check."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import func, text

from .. import clock
from ..audit import AuditEvent
from ..auth.access import any_user, public, roles
from ..auth.models import User, UserRole
from ..auth.roles import Role
from ..auth.rules import safe_next
from ..campaigns import services as campaigns
from ..extensions import db
from ..org import services as org
from ..org.models import Unit
from ..reports import deadline_board
from ..reports import services as reports
from ..voting.models import BoardSession

bp = Blueprint("main", __name__)

HOME_ENDPOINTS = {
    Role.ADMIN: "main.home_admin",
    Role.COORDINATOR: "main.home_coordinator",
    Role.FINANCE: "main.home_finance",
    Role.SECRETARY: "main.home_secretary",
    Role.MEMBER: "main.home_member",
    Role.CHAIR: "main.home_chair",
    Role.REPORTER: "main.home_reporter",
}


@bp.route("/")
@any_user
def index():
    role = current_user.home_role
    if role is None:
        return render_template("main/no_role.html")
    return redirect(url_for(HOME_ENDPOINTS[role]))


def _board_members() -> list[User]:
    return list(db.session.execute(
        db.select(User).join(UserRole).filter(UserRole.role == Role.MEMBER.value, User.active.is_(True))
        .order_by(User.full_name)
    ).scalars())


def _campaign_context() -> dict:
    campaign = campaigns.active_campaign()
    return {"campaign": campaign, "unit_counts": campaigns.active_unit_counts()}


def _board_context() -> dict:
    """The board's pending sessions (prepared or open) first: members come to the home page to vote."""
    context = _campaign_context()
    campaign = context["campaign"]
    context["sessions"] = list(db.session.execute(
        db.select(BoardSession).filter(BoardSession.campaign_id == (campaign.id if campaign else None),
                                       BoardSession.status != "closed").order_by(BoardSession.held_on)).scalars())
    context["members"] = _board_members()
    return context


@bp.route("/home/admin")
@roles(Role.ADMIN)
def home_admin():
    users_active = db.session.execute(db.select(func.count(User.id)).filter_by(active=True)).scalar_one()
    must_change = db.session.execute(
        db.select(func.count(User.id)).filter_by(active=True, must_change_password=True)).scalar_one()
    events = db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(10)).scalars()
    return render_template("main/home_admin.html", users_active=users_active, must_change=must_change,
                           events=list(events), **_campaign_context())


@bp.route("/home/coordinator")
@roles(Role.COORDINATOR)
def home_coordinator():
    context = _campaign_context()
    campaign = context["campaign"]
    board = deadline_board.board(campaign, clock.today(), per_page=10, sort="late") if campaign else None
    return render_template("main/home_coordinator.html", board=board, **context)


@bp.route("/home/finance")
@roles(Role.FINANCE)
def home_finance():
    return render_template("main/home_office.html", heading_role=Role.FINANCE, **_campaign_context())


@bp.route("/home/secretary")
@roles(Role.SECRETARY)
def home_secretary():
    return render_template("main/home_board.html", heading_role=Role.SECRETARY, **_board_context())


@bp.route("/home/chair")
@roles(Role.CHAIR)
def home_chair():
    return render_template("main/home_board.html", heading_role=Role.CHAIR, **_board_context())


@bp.route("/home/member")
@roles(Role.MEMBER)
def home_member():
    return render_template("main/home_board.html", heading_role=Role.MEMBER, **_board_context())


@bp.route("/home/reporter")
@roles(Role.REPORTER)
def home_reporter():
    if current_user.unit_id is None:
        return render_template("main/no_unit.html")
    return _unit_page(current_user.unit)


@bp.route("/units/<int:unit_id>")
@roles(Role.ADMIN, Role.COORDINATOR, Role.SECRETARY, Role.CHAIR, Role.FINANCE, Role.REPORTER)
def unit(unit_id: int):
    return _unit_page(org.unit_for(current_user, unit_id))


def _unit_page(unit: Unit):
    campaign = campaigns.active_campaign()
    sub = reports.submission_for(campaign, unit) if campaign else None
    states = reports.unit_states(campaign, unit, sub) if campaign else []
    reporters = list(db.session.execute(
        db.select(User).join(UserRole).filter(UserRole.role == Role.REPORTER.value, User.unit_id == unit.id)
        .order_by(User.full_name)
    ).scalars())
    return render_template("main/unit.html", unit=unit, campaign=campaign, states=states, sub=sub,
                           reporters=reporters, reminders=reports.reminders_of(unit))


@bp.route("/lang", methods=["POST"])
@public
def set_language():
    lang = request.form.get("lang")
    if lang not in ("vi", "en"):
        abort(400)
    session["lang"] = lang
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


@bp.route("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        dialect = db.engine.dialect.name
    except Exception:  # noqa: BLE001  any database failure means "not healthy"
        db.session.rollback()
        return jsonify({"status": "error", "database": "unavailable"}), 503
    return jsonify({"status": "ok", "database": "ok", "dialect": dialect,
                    "time": clock.now().isoformat(timespec="seconds"),
                    "today": clock.today().isoformat()})
