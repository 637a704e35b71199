"""`flask ntm ...`: the commands operations scripts and cron rely on.

Each command imports the rooms it uses when it runs (the CLI's usual lazy imports): `flask --help`
and the app factory stay light, and the demo and the benchmark builders load only when asked for.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .auth.models import User
from .auth.roles import Role
from .extensions import db
from .org.models import Unit


@click.group()
def ntm():
    """NTM Intranet commands."""


@ntm.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no unit and no account yet.")
@with_appcontext
def seed_demo(if_empty: bool):
    """Load the demo of plan 76/KH-UBND (idempotent). Never on a real installation."""
    from .demo import seed_demo as build_demo

    if if_empty and (db.session.execute(db.select(Unit.id).limit(1)).first()
                     or db.session.execute(db.select(User.id).limit(1)).first()):
        click.echo("Database not empty: demo data not loaded.")
        return
    added = build_demo()
    click.echo("Demo data: " + ", ".join(f"{k} +{v}" for k, v in added.items()))


@ntm.command("create-user")
@click.argument("username")
@click.option("--password", required=True, help="Initial password; the user must change it at first login.")
@click.option("--role", "roles", multiple=True, required=True,
              help="admin, coordinator, finance, secretary, member, chair or reporter (repeatable).")
@click.option("--unit", "unit_code", default=None, help="Unit code (required for a reporter).")
@click.option("--name", "full_name", default=None, help="Full name (defaults to the username).")
@click.option("--email", default=None)
@with_appcontext
def create_user(username, password, roles, unit_code, full_name, email):
    """Create an account."""
    from .auth.rules import password_problems
    from .org import services

    valid = {r.value for r in Role}
    unknown = [r for r in roles if r not in valid]
    if unknown:
        raise click.UsageError(f"Unknown role(s): {', '.join(unknown)}. Valid roles: {', '.join(sorted(valid))}.")
    username = username.strip().lower()
    if db.session.execute(db.select(User).filter_by(username=username)).scalar_one_or_none():
        raise click.ClickException(f"User '{username}' already exists.")
    unit = None
    if unit_code:
        unit = db.session.execute(db.select(Unit).filter_by(code=unit_code)).scalar_one_or_none()
        if unit is None:
            raise click.ClickException(f"Unknown unit code '{unit_code}'.")
    if "reporter" in roles and unit is None:
        raise click.UsageError("A reporter needs --unit CODE.")
    problems = password_problems(password, username)
    if problems:
        raise click.ClickException("Password refused: " + " ".join(problems))
    services.create_user(username=username, full_name=full_name or username, roles=roles, unit=unit,
                         email=email, password=password)
    click.echo(f"Created user '{username}' ({', '.join(roles)}); password must be changed at first login.")


def _import(kind: str, path: Path):
    from .org import importer

    try:
        run = importer.import_units if kind == "units" else importer.import_users
        result = run(path.name, path.read_bytes())
    except importer.SheetError as exc:
        raise click.ClickException(str(exc)) from exc
    if not result.ok:
        for line, message in result.errors:
            click.echo(f"line {line}: {message}", err=True)
        raise click.ClickException(f"{len(result.errors)} row(s) with errors: nothing imported.")
    click.echo(f"Imported: {result.created} created, {result.updated} updated.")
    for username, full_name, password in result.passwords:
        click.echo(f"{username}\t{full_name}\t{password}")


@ntm.command("import-units")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_units(file: Path):
    """Import units from an .xlsx or .csv sheet (all rows or none)."""
    _import("units", file)


@ntm.command("import-users")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_users(file: Path):
    """Import accounts from an .xlsx or .csv sheet (all rows or none); prints generated passwords."""
    _import("users", file)


@ntm.command("remind")
@with_appcontext
def remind():
    """Send today's scheduled reminders (for cron): N days before each due date, daily while overdue."""
    from flask import current_app

    from .reports.reminders import scheduled_reminders

    with current_app.test_request_context("/"):
        sent, skipped = scheduled_reminders()
    click.echo(f"Reminders sent: {sent}; already sent today: {skipped}.")


@ntm.command("seed-scale")
@click.option("--units", default=10_000, show_default=True, help="Reporting units to create.")
@click.option("--nominations", default=0, show_default=True,
              help="Candidates of a closed board session with every member's ballot (0: no session).")
@click.option("--members", default=15, show_default=True, help="Board members voting in that session.")
@click.option("--criteria", default=5, show_default=True, help="Scoring criteria of that session.")
@click.option("--seed", default=2015, show_default=True, help="Random seed (same seed, same data).")
@with_appcontext
def seed_scale(units: int, nominations: int, members: int, criteria: int, seed: int):
    """Build a synthetic province-scale campaign (for benchmarks), in a fresh database."""
    import time as _time

    from .demo.scale import seed_scale as build
    from .demo.scale import seed_session

    began = _time.perf_counter()
    result = build(units, seed)
    if nominations > 0:
        result["session"] = seed_session(nominations, members=members, criteria=criteria, seed=seed)
        result["ballots"] = nominations * members
    click.echo(", ".join(f"{k}: {v}" for k, v in result.items()) + f" in {_time.perf_counter() - began:.1f} s")


@ntm.command("verify-audit")
@with_appcontext
def verify_audit():
    """Walk the audit log's hash chain: exit 0 when intact, 1 naming each broken event."""
    from .audit import verify_chain

    report = verify_chain()
    if report.ok:
        click.echo(f"OK: {report.count} sự kiện (mã băm cuối: {report.head})")
        return
    for event_id, message in report.problems:
        click.echo(f"LỖI: sự kiện #{event_id}: {message}", err=True)
    click.echo(f"Chuỗi nhật ký bị phá vỡ: {len(report.problems)} lỗi trên {report.count} sự kiện.", err=True)
    raise SystemExit(1)


@ntm.command("backup")
@click.argument("dest", required=False, type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup(dest: Path | None):
    """Write one .tar.gz (database, uploaded files, manifest with sha256 sums) into DEST
    (default instance/backups/)."""
    from flask import current_app

    from .backup import BackupError, create_backup

    folder = dest or Path(current_app.instance_path) / "backups"
    try:
        result = create_backup(folder)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written: {result.path} ({result.files} files, {result.size:,} bytes).")


@ntm.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore(archive: Path):
    """Restore a backup archive into this EMPTY instance, after checking every file's sha256."""
    from .backup import BackupError, restore_backup

    try:
        result = restore_backup(archive)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    manifest = result.manifest
    click.echo(f"Restored {archive.name}: {manifest['db_kind']} database of {manifest['created_at']} "
               f"(version {manifest['app_version']}), {result.files} uploaded files.")
    click.echo("Next: `flask db upgrade` (brings an older backup to this version), then `flask ntm verify-audit`.")
