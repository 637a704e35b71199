"""Every state change of an account: checks, writes, audits, commits."""

from __future__ import annotations

from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash

from .. import audit, clock
from ..extensions import db
from .models import User, hash_password


@cache
def _dummy_hash(_method: str) -> str:
    """Checked when the username is unknown, so a wrong username costs as long as a wrong password."""
    return hash_password("not-a-real-password-0")


def authenticate(username: str, password: str) -> tuple[User | None, str | None]:
    """(user, None) on success; (None, reason) with reason "invalid" or "inactive"."""
    user = db.session.execute(
        db.select(User).filter_by(username=(username or "").strip().lower())
    ).scalar_one_or_none()
    if user is None:
        check_password_hash(_dummy_hash(current_app.config.get("NTM_PASSWORD_HASH_METHOD", "scrypt")), password)
        audit.record("login_failed", object_type="user", summary=f"username={username[:80]!r}")
        db.session.commit()
        return None, "invalid"
    if not user.check_password(password):
        audit.record("login_failed", user, actor=user, summary="wrong password")
        db.session.commit()
        return None, "invalid"
    if not user.active:
        return None, "inactive"
    return user, None


def logged_in(user: User) -> None:
    user.last_login_at = clock.now()
    audit.record("login", user, actor=user)
    db.session.commit()


def logged_out(user: User) -> None:
    user.rotate_session()
    audit.record("logout", user, actor=user)
    db.session.commit()


def change_password(user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.must_change_password = False
    user.rotate_session()
    audit.record("password_changed", user, actor=user)
    db.session.commit()
