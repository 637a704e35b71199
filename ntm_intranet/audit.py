"""The audit log: one `record()` call in every state change, committed with the change itself.

The log is append-only and hash-chained. Each event stores `prev_hash` (the `hash` of the event
before it, 64 zeros for the first) and `hash` = sha256 over the canonical JSON of its fields and
`prev_hash` (`chain_hash`). The chain is computed when the events are flushed, in the order they
were added, after taking the chain lock:

- PostgreSQL: `pg_advisory_xact_lock`, held until the transaction ends, so two writers append one
  after the other. (`SELECT ... ORDER BY id DESC LIMIT 1 FOR UPDATE` would not do: a writer
  waiting on that row lock is still given the old last row, not the one the first writer just
  committed, and both would chain onto the same predecessor.) The ids are drawn after the lock, so
  id order is chain order.
- SQLite: a no-op UPDATE of audit_event first, which takes the database's single write lock
  (waiting up to busy_timeout), so nobody else can commit between reading the last hash and writing.

A unique constraint on `prev_hash` is the backstop: two events can never claim the same predecessor
(a transaction under REPEATABLE READ, which would read a stale last hash, fails on it rather than fork
the chain; the app uses PostgreSQL's default READ COMMITTED).

Editing is refused three times over: the ORM raises on an UPDATE or DELETE of an event (flush or
bulk statement), and a database trigger refuses UPDATE (PostgreSQL and SQLite) and, on PostgreSQL,
a DELETE that leaves other events behind. Whoever owns the database can still bypass all of that;
`verify_chain()` (`flask ntm verify-audit`) then shows which event was edited, deleted or inserted.
Accounts are deactivated, never deleted: deleting a user who appears in the log is refused by the
trigger, since `actor_id ... ON DELETE SET NULL` would edit sealed events.
Note for future migrations: an Alembic batch operation on audit_event (SQLite) recreates the table
without its trigger; run `guard_sql("sqlite")` again afterwards.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, event, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column, object_session

from . import clock, versioning
from .extensions import db

GENESIS = "0" * 64
# The fields sealed by the hash, besides prev_hash. The id is not among them (it is only known
# after the insert); the chain order is the id order, checked by verify_chain().
HASHED_FIELDS = ("at", "actor_id", "actor_name", "action", "object_type", "object_id", "summary",
                 "before", "after", "ip")
# Any constant will do: it only has to be the same for every writer of this database.
_PG_CHAIN_LOCK = 76_2015


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit event."""


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
    # Set at flush by _chain_new_events(); never by callers.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))


# The hash ---------------------------------------------------------------------------------------

def _utc(value: datetime) -> datetime:
    """Naive datetimes are UTC (SQLite keeps no offset; the app only writes UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _canonical_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "at":
        return _utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if name in ("before", "after"):
        # As the JSON column stores it: tuples become lists, keys become strings.
        return json.loads(json.dumps(value))
    if name == "actor_id":
        return int(value)
    return str(value)


def chain_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """sha256 hex of the canonical JSON (sorted keys, no spaces, UTF-8) of the fields and prev_hash."""
    payload = {name: _canonical_value(name, fields.get(name)) for name in HASHED_FIELDS}
    payload["prev_hash"] = prev_hash
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fields(ev: AuditEvent) -> dict[str, Any]:
    return {name: getattr(ev, name) for name in HASHED_FIELDS}


def _lock_chain(connection) -> None:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_CHAIN_LOCK})")
    elif dialect == "sqlite":
        connection.exec_driver_sql("UPDATE audit_event SET id = id WHERE 0")


@event.listens_for(Session, "before_flush")
def _chain_new_events(session, _flush_context, _instances):
    new = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not new:
        return
    new.sort(key=lambda obj: inspect(obj).insert_order)  # the order they were added = the id order
    table = AuditEvent.__table__
    with session.no_autoflush:
        connection = session.connection()
        _lock_chain(connection)
        prev = connection.execute(select(table.c.hash).order_by(table.c.id.desc()).limit(1)).scalar()
    prev = prev or GENESIS
    for ev in new:
        # Stored exactly as hashed: UTC time, plain strings (a lazy translation becomes its text).
        ev.at = _utc(ev.at or clock.now())
        for name in ("actor_name", "action", "object_type", "object_id", "summary", "ip"):
            value = getattr(ev, name)
            if value is not None and type(value) is not str:
                setattr(ev, name, str(value))
        if ev.summary is None:
            ev.summary = ""
        ev.prev_hash = prev
        ev.hash = chain_hash(_fields(ev), prev)
        prev = ev.hash


# Append-only ------------------------------------------------------------------------------------

@event.listens_for(AuditEvent, "before_update")
def _refuse_update(_mapper, _connection, target):
    session = object_session(target)
    if session is None or session.is_modified(target, include_collections=False):
        raise AuditLogIsAppendOnly(f"audit event {target.id} cannot be changed: the audit log is append-only")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(_mapper, _connection, target):
    raise AuditLogIsAppendOnly(f"audit event {target.id} cannot be deleted: the audit log is append-only")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state):
    if (state.is_update or state.is_delete) and any(m.class_ is AuditEvent for m in state.all_mappers):
        raise AuditLogIsAppendOnly("audit events cannot be changed or deleted: the audit log is append-only")


_PG_GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION USING MESSAGE = 'audit_event is append-only, event ' || OLD.id || ' cannot be changed';
    END IF;
    IF EXISTS (SELECT 1 FROM audit_event) THEN
        RAISE EXCEPTION USING MESSAGE = 'audit_event is append-only, events cannot be deleted';
    END IF;
    RETURN NULL;
END
$$"""


def guard_sql(dialect: str) -> list[str]:
    """The database's own refusal of edits to the log (PostgreSQL: UPDATE, and a DELETE that leaves
    events behind; emptying the whole table, as the test suite does, stays possible. SQLite: UPDATE)."""
    if dialect == "postgresql":
        return [
            _PG_GUARD_FUNCTION,
            "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
            "CREATE TRIGGER audit_event_no_partial_delete AFTER DELETE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
        ]
    if dialect == "sqlite":
        return ["CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"]
    return []


def drop_guard_sql(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return ["DROP TRIGGER IF EXISTS audit_event_no_partial_delete ON audit_event",
                "DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event",
                "DROP FUNCTION IF EXISTS audit_event_append_only()"]
    if dialect == "sqlite":
        return ["DROP TRIGGER IF EXISTS audit_event_no_update"]
    return []


@event.listens_for(AuditEvent.__table__, "after_create")
def _create_guard(target, connection, **_kw):
    for statement in guard_sql(connection.dialect.name):
        connection.exec_driver_sql(statement)


# Verification -----------------------------------------------------------------------------------

@dataclass
class ChainReport:
    count: int = 0
    head: str = GENESIS
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(session=None) -> ChainReport:
    """Walk the log in id order: every hash must match its event, every event must chain onto the
    one just before it. Reports each broken event by id (in Vietnamese, for `flask ntm verify-audit`)."""
    session = session or db.session
    report = ChainReport()
    seen: dict[str, int] = {}  # hash -> id, to tell a deletion from an insertion
    prev_id: int | None = None
    prev_stored = GENESIS
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000))
    for ev in rows.scalars():
        report.count += 1
        if ev.prev_hash != prev_stored:
            if prev_id is None:
                message = ("không mở đầu chuỗi: các sự kiện trước nó đã bị xoá, "
                           "hoặc nó bị chèn ngoài chuỗi")
            elif ev.prev_hash in seen:
                message = (f"nối vào sự kiện #{seen[ev.prev_hash]} chứ không vào #{prev_id} ngay trước nó: "
                           f"#{prev_id} bị chèn ngoài chuỗi")
            else:
                message = (f"không nối vào sự kiện #{prev_id} ngay trước nó: có sự kiện bị xoá giữa "
                           f"#{prev_id} và #{ev.id}, hoặc #{prev_id} bị sửa cả mã băm, "
                           f"hoặc #{ev.id} bị chèn ngoài chuỗi")
            report.problems.append((ev.id, message))
        if chain_hash(_fields(ev), ev.prev_hash) != ev.hash:
            report.problems.append((ev.id, "nội dung đã bị sửa: mã băm không khớp"))
        seen[ev.hash] = ev.id
        prev_id, prev_stored = ev.id, ev.hash
        session.expunge(ev)
    report.head = prev_stored
    return report


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


def save(obj, data: dict[str, Any], noun: str, summary=lambda obj: "", expected_version: int | None = None):
    """Create or update a row from form data, record "<noun>_created" / "<noun>_updated" with the diff,
    and commit: the one shape of the simple administrative changes (units, campaigns, award forms...).
    `expected_version`, the version the person's page was drawn from, refuses an edit over a newer one."""
    if obj.id:
        versioning.check(obj, expected_version)
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
