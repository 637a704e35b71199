"""Administration: units, accounts, imports from a sheet, and the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_

from ..audit import AuditEvent
from ..auth.access import roles
from ..auth.models import User, UserRole
from ..auth.roles import Role
from ..extensions import db
from ..forms import choices
from . import importer, services
from .forms import ImportForm, UnitForm, UserForm
from .models import Unit

bp = Blueprint("org", __name__)


def _unit_choices(blank_label: str, exclude: int | None = None):
    units = services.units_ordered(include_inactive=False)
    return choices([(0, blank_label)] + [(u.id, f"{u.name} ({u.code})") for u in units if u.id != exclude])


def _is_self_or_below(candidate_id: int | None, unit_id: int | None) -> bool:
    """True when candidate_id is unit_id or one of its descendants: as parent it would make a loop."""
    seen = set()
    while candidate_id and unit_id and candidate_id not in seen:
        if candidate_id == unit_id:
            return True
        seen.add(candidate_id)
        candidate_id = db.session.scalar(db.select(Unit.parent_id).filter_by(id=candidate_id))
    return False


def _get_or_404(model, object_id):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


# Units ----------------------------------------------------------------------------------------


@bp.route("/units")
@roles(Role.ADMIN)
def units():
    rows = db.session.execute(
        db.select(Unit, func.count(User.id))
        .outerjoin(User, (User.unit_id == Unit.id) & User.active.is_(True))
        .group_by(Unit.id).order_by(Unit.kind, Unit.sort_order, Unit.code)
    ).all()
    return render_template("org/units.html", rows=rows)


@bp.route("/units/new", methods=["GET", "POST"])
@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@roles(Role.ADMIN)
def unit_form(unit_id: int | None = None):
    unit = _get_or_404(Unit, unit_id) if unit_id else Unit()
    form = UnitForm(obj=unit if unit_id else None)
    form.parent_id.choices = _unit_choices(_("— Không có —"), exclude=unit_id)
    if request.method == "GET" and unit_id:
        form.parent_id.data = unit.parent_id or 0
    if form.validate_on_submit():
        clash = db.session.execute(db.select(Unit).filter(Unit.code == form.code.data, Unit.id != unit_id)) \
            .scalar_one_or_none()
        if clash:
            form.code.errors.append(_("Mã này đã dùng cho đơn vị “%(n)s”.", n=clash.name))
        elif _is_self_or_below(form.parent_id.data, unit_id):
            form.parent_id.errors.append(_("Không thể chọn đơn vị cấp dưới của chính đơn vị này làm cấp trên."))
        else:
            services.save_unit(unit, {
                "code": form.code.data, "name": form.name.data, "kind": form.kind.data,
                "parent_id": form.parent_id.data or None, "sort_order": form.sort_order.data or 0,
                "active": form.active.data,
            }, form.expected_version)
            flash(_("Đã lưu đơn vị “%(n)s”.", n=unit.name), "success")
            return redirect(url_for("org.units"))
    return render_template("org/unit_form.html", form=form, unit=unit if unit_id else None)


def _import_view(kind: str):
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(current_app.config["NTM_IMPORT_MAX_BYTES"] + 1)
        if len(data) > current_app.config["NTM_IMPORT_MAX_BYTES"]:
            form.file.errors.append(_("Tệp lớn hơn 5 MB: hãy tách thành nhiều tệp nhỏ hơn."))
        else:
            try:
                run = importer.import_units if kind == "units" else importer.import_users
                result = run(upload.filename or "", data)
            except importer.SheetError as exc:
                form.file.errors.append(str(exc))
            if result is not None and result.ok:
                flash(_("Đã nhập xong: %(c)d mới, %(u)d cập nhật.", c=result.created, u=result.updated), "success")
                if kind == "units" or not result.passwords:
                    return redirect(url_for("org.units" if kind == "units" else "org.users"))
    return render_template("org/import.html", form=form, result=result, kind=kind)


@bp.route("/units/import", methods=["GET", "POST"])
@roles(Role.ADMIN)
def import_units():
    return _import_view("units")


# Users ----------------------------------------------------------------------------------------


@bp.route("/users")
@roles(Role.ADMIN)
def users():
    q = (request.args.get("q") or "").strip()
    role = request.args.get("role") or ""
    query = db.select(User).order_by(User.username)
    if q:
        like = f"%{q}%"
        query = query.filter(or_(User.username.ilike(like), User.full_name.ilike(like)))
    if role in {r.value for r in Role}:
        query = query.filter(User.id.in_(db.select(UserRole.user_id).filter_by(role=role)))
    people = list(db.session.execute(query).unique().scalars())
    return render_template("org/users.html", users=people, q=q, role=role, roles=list(Role))


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles(Role.ADMIN)
def user_form(user_id: int | None = None):
    user = _get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=user)
    form.unit_id.choices = _unit_choices(_("— Không thuộc đơn vị —"))
    if request.method == "GET" and user:
        form.roles.data = sorted(r.value for r in user.roles)
        form.unit_id.data = user.unit_id or 0
    if user:
        form.username.data = user.username  # usernames are permanent: the audit log refers to them
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
        fields = {"full_name": form.full_name.data, "roles": form.roles.data, "unit": unit,
                  "email": form.email.data, "position": form.position.data, "active": form.active.data}
        if user is None:
            exists = db.session.execute(db.select(User).filter_by(username=form.username.data)).scalar_one_or_none()
            if exists:
                form.username.errors.append(_("Tên đăng nhập này đã có người dùng."))
            else:
                new_user, password = services.create_user(username=form.username.data, **fields)
                return render_template("org/password_shown.html", user=new_user, password=password, created=True)
        elif user.id == current_user.id and (not form.active.data or Role.ADMIN.value not in form.roles.data):
            flash(_("Bạn không thể tự khoá tài khoản của mình hay bỏ vai trò quản trị của chính mình."), "error")
        else:
            services.update_user(user, **fields, expected_version=form.expected_version)
            flash(_("Đã lưu tài khoản “%(u)s”.", u=user.username), "success")
            return redirect(url_for("org.users"))
    return render_template("org/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@roles(Role.ADMIN)
def reset_password(user_id: int):
    user = _get_or_404(User, user_id)
    password = services.reset_password(user)
    return render_template("org/password_shown.html", user=user, password=password, created=False)


@bp.route("/users/import", methods=["GET", "POST"])
@roles(Role.ADMIN)
def import_users():
    return _import_view("users")


# Audit log ------------------------------------------------------------------------------------

PAGE_SIZE = 50


# What the coordinator may read of the log: the reports' life, not the accounts'.
REPORT_OBJECTS = ("submission", "reportfile", "extension", "reminder")


@bp.route("/audit")
@roles(Role.ADMIN, Role.COORDINATOR)
def audit():
    page = max(request.args.get("page", 1, type=int), 1)
    action = (request.args.get("action") or "").strip()
    who = (request.args.get("who") or "").strip()
    scope = db.select(AuditEvent)
    if not current_user.has_role(Role.ADMIN):
        scope = scope.filter(AuditEvent.object_type.in_(REPORT_OBJECTS))
    query = scope.order_by(AuditEvent.id.desc())
    if action:
        query = query.filter(AuditEvent.action == action)
    if who:
        query = query.filter(AuditEvent.actor_name == who.lower())
    events = list(db.session.execute(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).scalars())
    actions = sorted(set(db.session.execute(scope.with_only_columns(AuditEvent.action).distinct()).scalars()))
    return render_template("org/audit.html", events=events[:PAGE_SIZE], has_next=len(events) > PAGE_SIZE,
                           page=page, action=action, who=who, actions=actions)
