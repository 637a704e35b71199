"""Backups: the database and the upload store in one .tar.gz, with a manifest of sha256 sums.

`create_backup(folder)` writes `ntm-backup-YYYYMMDD-HHMMSS.tar.gz` holding

- `database/ntm.sqlite3`: an online copy made with SQLite's backup API (consistent while the app
  runs), or `database/ntm.pgdump`: `pg_dump --format=custom` of the PostgreSQL database;
- `uploads/...`: every stored file (the content-addressed `<sha[:2]>/<sha>` tree), except the
  `tmp/` folder of uploads in progress;
- `manifest.json`: app version, kind of database, its Alembic revision, creation time, the head of
  the audit chain when the backup began, and the sha256 and size of every other file.

The database is copied before the files: a file is always stored before the row that names it is
committed, so every file the copied database refers to is already on disk when the files are read.

`restore_backup(archive)` works only on an empty instance (no row in any table, no file in the
upload folder). It checks every member against the manifest (no missing file, no extra file, sizes
and sha256 sums) before touching anything, then restores the database (SQLite: the file replaces
the configured one; PostgreSQL: `pg_restore --clean --if-exists --no-owner --single-transaction`)
and moves the files into the upload folder.

The manifest proves integrity (a damaged or edited archive is refused), not authenticity: whoever
can write the backups can also rewrite the manifest, so keep them where only administrators write.
pg_dump and pg_restore are taken from PATH and must be of the server's major version or newer.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import column, func, inspect, literal, select, table
from sqlalchemy.engine import URL

from . import clock
from .extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
DB_MEMBERS = {"sqlite": "database/ntm.sqlite3", "postgresql": "database/ntm.pgdump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Refused or failed, with a message for the operator."""


@dataclass
class BackupResult:
    path: Path
    files: int
    size: int


@dataclass
class RestoreResult:
    manifest: dict
    files: int
    revision_now: str | None


# Helpers ----------------------------------------------------------------------------------------

def _sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _app_version() -> str:
    try:
        return metadata.version("ntm-intranet")
    except metadata.PackageNotFoundError:
        return "unknown"


def _db_kind(url: URL) -> str:
    kind = url.get_backend_name()
    if kind not in DB_MEMBERS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {kind}.")
    return kind


def _libpq(url: URL) -> tuple[str, dict]:
    """A libpq connection string for pg_dump/pg_restore; the password goes in the environment, never
    on the command line (where `ps` would show it)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _run(tool: str, args: list[str], env: dict) -> None:
    binary = shutil.which(tool)
    if binary is None:
        raise BackupError(f"{tool} not found on PATH: install the PostgreSQL client of the server's version.")
    # An argument list, no shell: the URL and paths are arguments, never parsed as commands.
    done = subprocess.run([binary, *args], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{tool} failed (exit {done.returncode}): {done.stderr.strip()}")


def _revision(connection) -> str | None:
    """The database's Alembic revision (None when it was made by create_all, not by migrations)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(select(table("alembic_version", column("version_num")).c.version_num)).scalar()


def _audit_head(connection) -> dict | None:
    """The last link of the audit chain: a later cut of the log's tail shows against it."""
    if not inspect(connection).has_table("audit_event"):
        return None
    if "hash" not in {c["name"] for c in inspect(connection).get_columns("audit_event")}:
        return None
    events = table("audit_event", column("id"), column("hash"))
    count = connection.execute(select(func.count()).select_from(events)).scalar()
    last = connection.execute(select(events.c.id, events.c.hash).order_by(events.c.id.desc()).limit(1)).first()
    return {"count": count, "last_id": last.id if last else None, "hash": last.hash if last else None}


def _upload_files(root: Path):
    """(archive name, path) of every stored file, sorted; uploads in progress (tmp/) are not files yet."""
    if not root.is_dir():
        return []
    found = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if rel.parts[0] == "tmp" or not path.is_file() or path.is_symlink():
            continue
        found.append(("uploads/" + rel.as_posix(), path))
    return sorted(found)


# Backup -----------------------------------------------------------------------------------------

def _dump_database(kind: str, url: URL, target: Path) -> None:
    if kind == "sqlite":
        raw = db.engine.raw_connection()
        dest = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            dest.close()
            raw.close()
        return
    dsn, env = _libpq(url)
    _run("pg_dump", ["--format=custom", f"--file={target}", f"--dbname={dsn}"], env)


def _archive_name(folder: Path) -> Path:
    stamp = clock.now().astimezone(clock.VN).strftime("%Y%m%d-%H%M%S")
    path, n = folder / f"ntm-backup-{stamp}.tar.gz", 1
    while path.exists():
        n += 1
        path = folder / f"ntm-backup-{stamp}-{n}.tar.gz"
    return path


def create_backup(folder: Path) -> BackupResult:
    url = db.engine.url
    kind = _db_kind(url)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with db.engine.connect() as connection:
        revision, head = _revision(connection), _audit_head(connection)
    created = clock.now()
    members: list[tuple[str, Path]] = []
    with tempfile.TemporaryDirectory(dir=folder, prefix=".backup-") as tmp:
        dump = Path(tmp) / "database"
        _dump_database(kind, url, dump)
        members.append((DB_MEMBERS[kind], dump))
        members += _upload_files(Path(current_app.config["NTM_UPLOAD_DIR"]))

        manifest = {
            "format": FORMAT,
            "app": "ntm-intranet",
            "app_version": _app_version(),
            "db_kind": kind,
            "db_revision": revision,
            "created_at": created.isoformat(),
            "audit_head": head,
            "files": {},
        }
        target = _archive_name(folder)
        partial = target.with_name(target.name + ".part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # password hashes inside
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                for name, path in members:
                    with path.open("rb") as fh:
                        info = tar.gettarinfo(arcname=name, fileobj=fh)
                        info.uid = info.gid = 0
                        info.uname = info.gname = ""
                        hashing = _HashingReader(fh)
                        tar.addfile(info, hashing)
                    manifest["files"][name] = {"sha256": hashing.hexdigest(), "size": hashing.size}
                body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(created.timestamp()), 0o600
                tar.addfile(info, _BytesReader(body))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(target, len(members), target.stat().st_size)


class _HashingReader:
    """The file as tarfile reads it, hashed on the way: each byte is read once, and the sum is of the
    bytes that went into the archive."""

    def __init__(self, fh):
        self.fh, self.digest, self.size = fh, hashlib.sha256(), 0

    def read(self, n=-1):
        chunk = self.fh.read(n)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def read(self, n=-1):
        end = len(self.data) if n is None or n < 0 else self.pos + n
        chunk, self.pos = self.data[self.pos:end], min(end, len(self.data))
        return chunk


# Restore ----------------------------------------------------------------------------------------

def _nonempty_tables(connection) -> list[str]:
    names = [n for n in inspect(connection).get_table_names() if n != "alembic_version"]
    return [n for n in sorted(names)
            if connection.execute(select(literal(1)).select_from(table(n)).limit(1)).first() is not None]


def _refuse_unless_empty(upload_dir: Path) -> None:
    with db.engine.connect() as connection:
        tables = _nonempty_tables(connection)
    if tables:
        shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more tables" if len(tables) > 5 else "")
        raise BackupError(f"Refused: the database is not empty (rows in {shown}). Restore only "
                          "into a new, empty instance: a new database (created empty or by `flask db upgrade`).")
    if upload_dir.is_dir() and any(p.is_file() for p in upload_dir.rglob("*")):
        raise BackupError(f"Refused: the upload folder {upload_dir} already holds files. Restore only into an "
                          "empty upload folder.")


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or name != path.as_posix():
        raise BackupError(f"Refused: the archive holds an unsafe path: {name!r}.")
    if name != MANIFEST and path.parts[0] not in ("database", "uploads"):
        raise BackupError(f"Refused: the archive holds an unexpected file: {name}.")
    return name


def _unpack(archive: Path, staging: Path) -> tuple[dict, dict[str, tuple[str, int]]]:
    """Extract regular files only, under safe names, hashing them on the way."""
    found: dict[str, tuple[str, int]] = {}
    manifest = None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(f"Refused: the archive holds a link or special file: {member.name}.")
                name = _safe_name(member.name)
                if name in found or (name == MANIFEST and manifest is not None):
                    raise BackupError(f"Refused: the archive holds {name} twice.")
                source = tar.extractfile(member)
                if name == MANIFEST:
                    manifest = json.loads(source.read().decode("utf-8"))
                    continue
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                found[name] = (digest.hexdigest(), size)
    except (tarfile.TarError, OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"Refused: {archive.name} is not a readable backup archive ({exc}).") from exc
    if manifest is None:
        raise BackupError("Refused: the archive has no manifest.json.")
    return manifest, found


def _check(manifest: dict, found: dict[str, tuple[str, int]], kind: str) -> None:
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise BackupError("Refused: manifest.json is not a backup manifest of this application.")
    listed = manifest["files"]
    missing = sorted(set(listed) - set(found))
    extra = sorted(set(found) - set(listed))
    if missing:
        raise BackupError("Refused: files listed in the manifest are missing from the archive: " + ", ".join(missing))
    if extra:
        raise BackupError("Refused: the archive holds files not in its manifest: " + ", ".join(extra))
    for name in sorted(listed):
        expected = listed[name]
        digest, size = found[name]
        if expected.get("sha256") != digest or expected.get("size") != size:
            raise BackupError(f"Refused: {name} does not match its sha256 in the manifest: the archive is damaged "
                              "or was altered. Nothing was restored.")
    if manifest.get("db_kind") != kind:
        raise BackupError(f"Refused: this is a backup of a {manifest.get('db_kind')} database; the configured "
                          f"database is {kind}.")
    if DB_MEMBERS[kind] not in listed:
        raise BackupError("Refused: the archive holds no database.")


def _restore_database(kind: str, url: URL, dump: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    if kind == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("Refused: the configured SQLite database is in memory.")
        target = Path(url.database)
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        partial = target.with_name(target.name + ".restoring")
        shutil.copyfile(dump, partial)
        os.replace(partial, target)
        return
    dsn, env = _libpq(url)
    _run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
                        "--exit-on-error", f"--dbname={dsn}", str(dump)], env)


def restore_backup(archive: Path) -> RestoreResult:
    url = db.engine.url
    kind = _db_kind(url)
    upload_dir = Path(current_app.config["NTM_UPLOAD_DIR"])
    _refuse_unless_empty(upload_dir)
    upload_dir.mkdir(parents=True, exist_ok=True)
    # Staged beside the upload folder, so the files are moved in, not copied twice.
    with tempfile.TemporaryDirectory(dir=upload_dir.parent, prefix=".restore-") as tmp:
        staging = Path(tmp)
        manifest, found = _unpack(archive, staging)
        _check(manifest, found, kind)
        _restore_database(kind, url, staging / DB_MEMBERS[kind])
        files = 0
        for name in sorted(found):
            if not name.startswith("uploads/"):
                continue
            target = upload_dir / name[len("uploads/"):]
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, target)
            os.chmod(target, 0o640)
            files += 1
    with db.engine.connect() as connection:
        revision_now = _revision(connection)
    return RestoreResult(manifest, files, revision_now)
