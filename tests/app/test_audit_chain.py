"""The audit log is append-only and hash-chained; `flask ntm verify-audit` finds what was edited, deleted
or slipped in behind the application's back."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from ntm_intranet import audit
from ntm_intranet.audit import GENESIS, HASHED_FIELDS, AuditEvent, AuditLogIsAppendOnly, chain_hash, verify_chain
from ntm_intranet.extensions import db

from ..conftest import make_app
from .test_migrations import _drop_database, _empty_database


def events() -> list[AuditEvent]:
    return list(db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars())


def record_some(*actions):
    for action in actions:
        audit.record(action, object_type="test", object_id=action, summary=f"Sự kiện {action}",
                     before={"n": 1}, after={"n": 2, "ds": ["a", "b"]})


def tamper(sql, **params):
    """What someone holding the database can do: write past the application and its trigger."""
    db.session.close()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            conn.execute(sa.text(sql), params)
            return
        conn.exec_driver_sql("DROP TRIGGER audit_event_no_update")
        try:
            conn.execute(sa.text(sql), params)
        finally:
            for statement in audit.guard_sql("sqlite"):
                conn.exec_driver_sql(statement)


def verify(app):
    return app.test_cli_runner().invoke(args=["ntm", "verify-audit"])


def assert_chained(rows):
    assert rows and rows[0].prev_hash == GENESIS
    for before, event in zip([None, *rows], rows, strict=False):
        if before is not None:
            assert event.prev_hash == before.hash, event.id
        assert event.hash == chain_hash({f: getattr(event, f) for f in HASHED_FIELDS}, event.prev_hash)


# The chain --------------------------------------------------------------------------------------


def test_events_chain_in_the_order_they_were_added_within_and_across_transactions(app):
    record_some("a1", "a2", "a3")  # three in one transaction
    db.session.commit()
    record_some("b1")
    db.session.flush()  # two flushes in one transaction
    record_some("b2")
    db.session.commit()
    db.session.expire_all()
    rows = events()
    assert [e.action for e in rows] == ["a1", "a2", "a3", "b1", "b2"]
    assert_chained(rows)
    assert len({e.hash for e in rows}) == 5
    report = verify_chain()
    assert report.ok and report.count == 5 and report.head == rows[-1].hash


def test_the_hash_seals_every_field_and_reads_any_instant_the_same_way():
    at = datetime(2015, 7, 10, 2, 30, 15, 123456, tzinfo=UTC)
    fields = {"at": at, "actor_id": 7, "actor_name": "chutich", "action": "award_list_approved",
              "object_type": "awardlist", "object_id": "3", "summary": "1234/QĐ-UBND",
              "before": None, "after": {"total": 5_880_000}, "ip": "10.0.0.5"}
    sealed = chain_hash(fields, GENESIS)
    assert len(sealed) == 64 and int(sealed, 16) >= 0
    changed = {"at": at + timedelta(microseconds=1), "actor_id": 8, "actor_name": "noivu", "action": "x",
               "object_type": "y", "object_id": "4", "summary": "1235/QĐ-UBND", "before": {},
               "after": {"total": 5_880_001}, "ip": "10.0.0.6"}
    assert set(changed) == set(HASHED_FIELDS)
    for name, value in changed.items():
        assert chain_hash({**fields, name: value}, GENESIS) != sealed, name
    assert chain_hash(fields, "1" * 64) != sealed
    # the same instant written naive (SQLite), in UTC or in Vietnam time gives the same hash
    vn = at.astimezone(timezone(timedelta(hours=7)))
    assert chain_hash({**fields, "at": vn}, GENESIS) == sealed
    assert chain_hash({**fields, "at": at.replace(tzinfo=None)}, GENESIS) == sealed


def _chain_is_free() -> bool:
    """Could another writer of this database append to the chain right now?"""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        other = sa.create_engine(url, poolclass=sa.pool.NullPool)
        with other.connect() as conn:
            return conn.execute(sa.text(f"SELECT pg_try_advisory_xact_lock({audit._PG_CHAIN_LOCK})")).scalar()
    other = sqlite3.connect(url.database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        other.close()


def test_the_last_hash_is_read_under_the_chain_lock_held_until_commit(app):
    record_some("first")
    db.session.commit()
    seen = []

    def probe(_conn, _cursor, statement, *_args):
        if statement.lstrip().startswith("SELECT audit_event.hash"):
            seen.append(_chain_is_free())

    sa.event.listen(db.engine, "before_cursor_execute", probe)
    try:
        record_some("second")
        db.session.flush()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", probe)
    assert seen == [False]  # nobody else could append between reading the last hash and writing
    assert not _chain_is_free()
    db.session.commit()
    assert _chain_is_free()
    assert_chained(events())


# Append-only ------------------------------------------------------------------------------------


def test_the_application_cannot_change_or_delete_an_audit_event(app):
    record_some("a1", "a2")
    db.session.commit()
    first = events()[0]
    first.summary = "đã sửa"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(events()[0])
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(db.update(AuditEvent).values(summary="đã sửa"))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(db.delete(AuditEvent).where(AuditEvent.action == "a1"))
    db.session.rollback()
    db.session.expire_all()
    assert [(e.action, e.summary) for e in events()] == [("a1", "Sự kiện a1"), ("a2", "Sự kiện a2")]
    assert verify_chain().ok


def test_the_database_refuses_an_update_and_postgresql_a_partial_delete(app):
    record_some("a1", "a2", "a3")
    db.session.commit()
    db.session.close()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_event SET summary = 'đã sửa'"))
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM audit_event WHERE action = 'a2'"))
    assert [e.summary for e in events()] == ["Sự kiện a1", "Sự kiện a2", "Sự kiện a3"]


# flask ntm verify-audit -------------------------------------------------------------------------


def test_verify_audit_accepts_the_untouched_demo(demo):
    record_some("a1", "a2")
    db.session.commit()
    total = len(events())
    result = verify(demo)
    assert result.exit_code == 0, result.output + result.stderr
    assert result.output.startswith(f"OK: {total} sự kiện")


def test_verify_audit_names_an_event_edited_with_raw_sql(demo):
    record_some("a1", "a2", "a3")
    db.session.commit()
    target = events()[-2]
    tamper("UPDATE audit_event SET summary = :s WHERE id = :id", s="Ai đó sửa lại", id=target.id)
    result = verify(demo)
    assert result.exit_code == 1
    assert f"sự kiện #{target.id}: nội dung đã bị sửa" in result.stderr
    assert result.stderr.count("LỖI") == 1  # the next event still chains onto the stored hash


def test_verify_audit_names_the_gap_when_a_middle_event_is_deleted(demo):
    record_some("a1", "a2", "a3")
    db.session.commit()
    before, gone, after = events()[-3:]
    tamper("DELETE FROM audit_event WHERE id = :id", id=gone.id)
    result = verify(demo)
    assert result.exit_code == 1
    assert (f"sự kiện #{after.id}: không nối vào sự kiện #{before.id} ngay trước nó: có sự kiện bị xoá giữa "
            f"#{before.id} và #{after.id}") in result.stderr


def test_verify_audit_names_an_event_inserted_out_of_chain(app):
    record_some("a1", "a2")
    db.session.commit()
    forged = {f: getattr(events()[-1], f) for f in HASHED_FIELDS} | {"summary": "Sự kiện giả"}
    tamper("INSERT INTO audit_event (at, actor_name, action, object_type, summary, prev_hash, hash) "
           "VALUES (:at, 'admin', 'forged', 'test', 'Sự kiện giả', :prev, :hash)",
           at=forged["at"], prev="f" * 64, hash=chain_hash(forged, "f" * 64))
    forged_id = events()[-1].id
    result = verify(app)
    assert result.exit_code == 1
    assert f"sự kiện #{forged_id}: không nối vào sự kiện" in result.stderr


# The migration ----------------------------------------------------------------------------------


def test_the_migration_chains_the_events_already_in_the_log(tmp_path):
    url, cleanup = _empty_database(tmp_path)
    try:
        app = make_app(SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade(revision="0003")
            with db.engine.begin() as conn:
                for n in range(3):
                    conn.execute(sa.text(
                        "INSERT INTO audit_event (at, actor_name, action, object_type, summary, \"before\", "
                        "\"after\") VALUES (:at, 'system', :action, 'test', :summary, :before, NULL)"),
                        {"at": datetime(2015, 6, 22, 1, n, tzinfo=UTC), "action": f"old{n}",
                         "summary": f"Cũ {n}", "before": json.dumps({"n": n})})
            upgrade()
            rows = events()
            assert [e.action for e in rows] == ["old0", "old1", "old2"]
            assert_chained(rows)
            record_some("new")
            db.session.commit()
            report = verify_chain()
            assert report.ok and report.count == 4
            db.session.close()
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
                conn.execute(sa.text("UPDATE audit_event SET summary = 'x'"))
            db.engine.dispose()
    finally:
        _drop_database(cleanup)
