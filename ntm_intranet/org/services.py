"""Units and accounts: queries scoped to the viewer, and every state change (audited)."""

from __future__ import annotations

import secrets

from flask import abort

from .. import audit, clock, versioning
from ..auth.models import User
from ..auth.roles import Role
from ..extensions import db
from .models import Unit

# Roles that see every unit of the district; a reporter sees only his or her own unit.
DISTRICT_WIDE = {Role.ADMIN, Role.COORDINATOR, Role.SECRETARY, Role.CHAIR, Role.FINANCE}


def visible_units(user):
    """A select() of the units this user may see: the access rule lives in the query."""
    query = db.select(Unit)
    if user.roles & DISTRICT_WIDE:
        return query
    if Role.REPORTER in user.roles and user.unit_id is not None:
        return query.filter(Unit.id == user.unit_id)
    return query.filter(db.false())


def unit_for(user, unit_id: int) -> Unit:
    """The unit if this user may see it; 404 otherwise, so another unit's existence does not leak."""
    unit = db.session.execute(visible_units(user).filter(Unit.id == unit_id)).scalar_one_or_none()
    if unit is None:
        abort(404)
    return unit


def units_ordered(include_inactive: bool = True) -> list[Unit]:
    query = db.select(Unit).order_by(Unit.kind, Unit.sort_order, Unit.code)
    if not include_inactive:
        query = query.filter_by(active=True)
    return list(db.session.execute(query).scalars())


def save_unit(unit: Unit, data: dict, expected_version: int | None = None) -> Unit:
    return audit.save(unit, data, "unit", lambda u: f"{u.code} {u.name}", expected_version)


def temporary_password() -> str:
    """A one-time password an admin can read out on the phone: 4 groups, letters and digits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)]
    return "-".join(groups) + str(secrets.randbelow(10))


def user_dict(user: User) -> dict:
    return {"username": user.username, "full_name": user.full_name, "email": user.email,
            "position": user.position, "unit": user.unit.code if user.unit else None,
            "roles": sorted(r.value for r in user.roles), "active": user.active}


def create_user(*, username: str, full_name: str, roles, unit: Unit | None = None, email: str | None = None,
                position: str | None = None, password: str | None = None, active: bool = True,
                must_change_password: bool = True, is_demo: bool = False, commit: bool = True,
                password_hash: str | None = None) -> tuple[User, str | None]:
    """Create an account; returns it with its password (generated when neither it nor a hash is given)."""
    user = User(username=username.strip().lower(), full_name=full_name, email=email or None,
                position=position or None, unit=unit, active=active,
                must_change_password=must_change_password, is_demo=is_demo, created_at=clock.now())
    if password_hash:
        user.password_hash = password_hash
    else:
        password = password or temporary_password()
        user.set_password(password)
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    audit.record("user_created", user, after=user_dict(user), summary=user.username)
    if commit:
        db.session.commit()
    return user, password


def update_user(user: User, *, full_name: str, roles, unit: Unit | None, email: str | None,
                position: str | None, active: bool, commit: bool = True, expected_version: int | None = None) -> User:
    versioning.check(user, expected_version)
    user.version = (user.version or 1) + 1
    before = user_dict(user)
    user.full_name = full_name
    user.email = email or None
    user.position = position or None
    user.unit = unit
    user.set_roles(roles)
    if user.active and not active:
        user.rotate_session()  # a deactivated account is logged out everywhere at once
    user.active = active
    db.session.flush()
    audit.record("user_updated", user, before=before, after=user_dict(user), summary=user.username)
    if commit:
        db.session.commit()
    return user


def reset_password(user: User) -> str:
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.rotate_session()
    audit.record("password_reset", user, summary=user.username)
    db.session.commit()
    return password
