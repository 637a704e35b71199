"""Notifying people: who a unit's reporters are, writing a notification, reading and marking them."""

from __future__ import annotations

from sqlalchemy import func

from .. import clock
from ..auth.models import User, UserRole
from ..auth.roles import Role
from ..extensions import db
from .models import Notification


def unit_reporters(unit_id: int) -> list[User]:
    return list(db.session.execute(
        db.select(User).join(UserRole).filter(UserRole.role == Role.REPORTER.value, User.unit_id == unit_id,
                                              User.active.is_(True))
    ).scalars())


def notify(users, title: str, body: str = "", link: str | None = None) -> int:
    now = clock.now()
    for user in users:
        db.session.add(Notification(user_id=user.id, created_at=now, title=title, body=body, link=link))
    return len(users)


def unread_count(user) -> int:
    return db.session.execute(
        db.select(func.count(Notification.id)).filter_by(user_id=user.id).filter(Notification.read_at.is_(None))
    ).scalar_one()


def latest(user, limit: int = 100) -> list[Notification]:
    return list(db.session.execute(
        db.select(Notification).filter_by(user_id=user.id).order_by(Notification.id.desc()).limit(limit)
    ).scalars())


def mark_all_read(user) -> None:
    db.session.execute(
        db.update(Notification).filter_by(user_id=user.id).filter(Notification.read_at.is_(None))
        .values(read_at=clock.now())
    )
    db.session.commit()
