"""The audit log: one `record()` call in every state change, committed with the change itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from . import clock
from .extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Kept as text too, so the log still reads after an account is renamed.
    actor_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(64))


def _actor(actor):
    if actor is not None:
        return actor
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user
    return None


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None):
    """Only the keys that changed, so a long record reads as what happened."""
    if before is None or after is None:
        return before, after
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(action: str, obj=None, *, summary: str = "", before=None, after=None, actor=None,
           object_type: str | None = None, object_id=None) -> AuditEvent:
    """Add an audit event to the current transaction (the caller's service commits it)."""
    who = _actor(actor)
    before, after = diff(before, after)
    event = AuditEvent(
        at=clock.now(),
        actor_id=getattr(who, "id", None),
        actor_name=getattr(who, "username", None) or "system",
        action=action,
        object_type=object_type or (type(obj).__name__.lower() if obj is not None else "-"),
        object_id=str(object_id if object_id is not None else getattr(obj, "id", "") or "") or None,
        summary=summary,
        before=before,
        after=after,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event


def save(obj, data: dict[str, Any], noun: str, summary=lambda obj: ""):
    """Create or update a row from form data, record "<noun>_created" / "<noun>_updated" with the diff,
    and commit: the one shape of the simple administrative changes (units, campaigns, award forms...)."""
    before = obj.as_dict() if obj.id else None
    for key, value in data.items():
        setattr(obj, key, value)
    db.session.add(obj)
    db.session.flush()
    db.session.expire(obj)  # a changed foreign key (a unit's parent) must show its new target in the log
    record(f"{noun}_updated" if before else f"{noun}_created", obj, before=before, after=obj.as_dict(),
           summary=summary(obj))
    db.session.commit()
    return obj
