"""`flask ntm backup` and `flask ntm restore`: one archive with the database, the uploaded files and a manifest
of sha256 sums; restored only into an empty instance, only when every sum matches.

Runs on the suite's database: SQLite, or PostgreSQL (pg_dump / pg_restore) when TEST_DATABASE_URL names one."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from ntm_intranet import uploads
from ntm_intranet.audit import AuditEvent, verify_chain
from ntm_intranet.auth.models import User
from ntm_intranet.extensions import db
from ntm_intranet.nominations.models import NominationFile
from ntm_intranet.org.models import Unit
from ntm_intranet.reports.models import ReportFile

from .. import factories
from ..conftest import REPORTS_DAY, make_app
from .test_migrations import _drop_database, _empty_database

KEY_COLUMNS = {User: ("id", "username", "password_hash", "unit_id", "active"), Unit: ("id", "code", "name"),
               AuditEvent: ("id", "action", "prev_hash", "hash"), ReportFile: ("id", "sha256", "size"),
               NominationFile: ("id", "sha256", "size")}


@pytest.fixture
def source(app, tmp_path):
    """The whole demo (reports and board dossiers with their uploaded files) in its own upload folder."""
    from ntm_intranet.demo import seed_demo

    app.config["NTM_UPLOAD_DIR"] = str(tmp_path / "uploads")
    app.config["NTM_TODAY"] = REPORTS_DAY
    seed_demo(with_reports=True)
    return app


@pytest.fixture
def small(app, tmp_path):
    """A unit, an account and two stored files: enough to back up, quicker than the whole demo."""
    app.config["NTM_UPLOAD_DIR"] = str(tmp_path / "uploads")
    factories.user(unit=factories.unit())
    for content in (b"%PDF-1.4 bao cao\n", b"%PDF-1.4 bien ban\n"):
        path = uploads.path_for(hashlib.sha256(content).hexdigest())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return app


@pytest.fixture
def fresh(tmp_path):
    """A second, empty instance: a new database brought to the current schema, an empty upload folder."""
    url, cleanup = _empty_database(tmp_path)
    app = make_app(SQLALCHEMY_DATABASE_URI=url, NTM_UPLOAD_DIR=str(tmp_path / "fresh-uploads"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    _drop_database(cleanup)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_of(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): sha256(p) for p in folder.rglob("*") if p.is_file()}


def contents() -> dict:
    """Row counts of every table, and the key columns of the main ones."""
    db.session.expire_all()
    counts = {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
              for t in db.metadata.sorted_tables}
    keys = {model.__name__: db.session.execute(sa.select(*(getattr(model, c) for c in cols))
                                               .order_by(model.id)).all()
            for model, cols in KEY_COLUMNS.items()}
    return {"counts": counts, "keys": keys}


def backup(app, dest: Path | None = None) -> Path:
    result = app.test_cli_runner().invoke(args=["ntm", "backup", *([str(dest)] if dest else [])])
    assert result.exit_code == 0, result.output
    archives = sorted((dest or Path(app.instance_path) / "backups").glob("ntm-backup-*.tar.gz"))
    assert len(archives) == 1 and str(archives[0]) in result.output
    return archives[0]


def restore(app, archive: Path):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["ntm", "restore", str(archive)])


def rewrite(archive: Path, target: Path, change):
    """Copy an archive member by member, letting change(name, data) alter or drop (None) each one."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(target, "w:gz") as out:
        for member in src:
            data = change(member.name, src.extractfile(member).read())
            if data is not None:
                member.size = len(data)
                out.addfile(member, io.BytesIO(data))
    return target


def test_a_backup_restores_into_a_fresh_instance_with_the_same_rows_and_files(source, fresh, tmp_path):
    uploads = Path(source.config["NTM_UPLOAD_DIR"])
    stored = files_of(uploads)
    before = contents()
    assert len(stored) >= 10 and before["counts"]["report_file"] and before["counts"]["nomination_file"]
    head = verify_chain()
    assert head.ok and head.count > 0

    archive = backup(source, tmp_path / "backups")
    assert archive.stat().st_mode & 0o077 == 0  # password hashes inside: the owner's only
    with tarfile.open(archive, "r:gz") as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    kind = db.engine.url.get_backend_name()
    database = {"sqlite": "database/ntm.sqlite3", "postgresql": "database/ntm.pgdump"}[kind]
    assert names == {"manifest.json", database} | {f"uploads/{name}" for name in stored}
    assert manifest["db_kind"] == kind and manifest["app_version"] == "0.1.0" and manifest["created_at"]
    assert manifest["audit_head"] == {"count": head.count, "last_id": before["keys"]["AuditEvent"][-1].id,
                                      "hash": head.head}
    assert {name: entry["sha256"] for name, entry in manifest["files"].items() if name != database} == {
        f"uploads/{name}": digest for name, digest in stored.items()}
    assert all(entry["size"] > 0 for entry in manifest["files"].values())

    result = restore(fresh, archive)
    assert result.exit_code == 0, (result.output, result.exception)
    assert f"{len(stored)} uploaded files" in result.output
    with fresh.app_context():
        after = contents()
        report = verify_chain()
    assert after == before
    assert report.ok and (report.count, report.head) == (head.count, head.head)
    assert files_of(Path(fresh.config["NTM_UPLOAD_DIR"])) == stored


def test_backup_goes_to_instance_backups_by_default(small):
    archive = backup(small)
    try:
        assert archive.parent == Path(small.instance_path) / "backups"
    finally:
        archive.unlink()


def test_a_tampered_archive_is_refused_and_nothing_is_restored(small, fresh, tmp_path):
    archive = backup(small, tmp_path / "backups")
    with tarfile.open(archive, "r:gz") as tar:
        victim = next(n for n in tar.getnames() if n.startswith("uploads/"))

    def flip_a_byte(name, data):
        return bytes([data[0] ^ 1]) + data[1:] if name == victim else data

    def slip_in(name, data):
        return data  # every member copied; the intruder is added below

    added = rewrite(archive, tmp_path / "added.tar.gz", slip_in)
    with tarfile.open(added, "r:gz") as src:
        members = [(m, src.extractfile(m).read()) for m in src]
    with tarfile.open(added, "w:gz") as out:
        for member, data in members:
            out.addfile(member, io.BytesIO(data))
        intruder = tarfile.TarInfo("uploads/ab/intruder")
        intruder.size = 4
        out.addfile(intruder, io.BytesIO(b"evil"))

    cases = {
        "edited": (rewrite(archive, tmp_path / "edited.tar.gz", flip_a_byte),
                   f"{victim} does not match its sha256 in the manifest"),
        "removed": (rewrite(archive, tmp_path / "removed.tar.gz", lambda n, d: None if n == victim else d),
                    f"missing from the archive: {victim}"),
        "added": (added, "not in its manifest: uploads/ab/intruder"),
    }
    for label, (tampered, message) in cases.items():
        result = restore(fresh, tampered)
        assert result.exit_code == 1, label
        assert message in result.output, (label, result.output)
        with fresh.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0, label
        assert not files_of(Path(fresh.config["NTM_UPLOAD_DIR"])), label


def test_restore_refuses_an_instance_that_is_not_empty(small, fresh, tmp_path):
    archive = backup(small, tmp_path / "backups")
    into_itself = small.test_cli_runner().invoke(args=["ntm", "restore", str(archive)])
    assert into_itself.exit_code == 1
    assert "Refused: the database is not empty (rows in " in into_itself.output and "user" in into_itself.output

    stray = Path(fresh.config["NTM_UPLOAD_DIR"]) / "ab" / "old-file"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"left over")
    result = restore(fresh, archive)
    assert result.exit_code == 1 and "already holds files" in result.output
    with fresh.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
