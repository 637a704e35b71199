"""The uploads package knows no room's tables: a room declares which columns hold stored files
(`uploads.holds_files(ReportFile.sha256)`), and discard() and the sweep at start keep every file such a
row refers to. Here a table the package has never heard of is declared, to show that the declaration,
not a list of the rooms' models, decides what is kept.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time

import pytest
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from werkzeug.datastructures import FileStorage

from ntm_intranet import uploads
from ntm_intranet.extensions import db
from ntm_intranet.nominations.models import NominationFile
from ntm_intranet.reports.models import ReportFile
from ntm_intranet.uploads import registry

from .test_uploads import pdf_bytes

ROOMS = ("auth", "awards", "campaigns", "conference", "nominations", "org", "reports", "voting")


class _Base(DeclarativeBase):  # its own metadata: the app's schema and migrations never see this table
    pass


class Annex(_Base):
    """A room's table that holds stored files, unknown to the uploads package."""

    __tablename__ = "test_upload_annex"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))


@pytest.fixture
def only_annex(app, upload_dir, monkeypatch):
    """The registry holds only Annex.sha256 (the rooms' own declarations are set aside for the test)."""
    monkeypatch.setattr(registry, "_HOLDERS", {})
    uploads.holds_files(Annex.sha256)
    _Base.metadata.create_all(db.engine)
    yield upload_dir
    db.session.rollback()
    _Base.metadata.drop_all(db.engine)


def _stored_and_abandoned(upload_dir, text: str) -> uploads.StoredFile:
    """A file stored whose own row never committed: still marked pending, the mark an hour old."""
    stored = uploads.store(FileStorage(io.BytesIO(pdf_bytes(text)), filename="Phụ lục.pdf"))
    db.session.rollback()
    old = time.time() - 2 * 3600
    os.utime(upload_dir / "tmp" / "pending" / stored.sha256, (old, old))
    return stored


def test_the_rooms_declare_the_columns_that_hold_their_files():
    assert {(column.class_, column.key) for column in registry.holders()} >= {
        (ReportFile, "sha256"), (NominationFile, "sha256")}


def test_the_sweep_keeps_a_file_a_declared_row_refers_to_and_removes_one_no_row_refers_to(only_annex):
    held = _stored_and_abandoned(only_annex, "an annex row refers to these bytes")
    orphan = _stored_and_abandoned(only_annex, "no row refers to these bytes")
    db.session.add(Annex(sha256=held.sha256))
    db.session.commit()

    assert uploads.sweep_pending(only_annex, 3600) == 1

    assert uploads.path_for(held.sha256).read_bytes() == pdf_bytes("an annex row refers to these bytes")
    assert not uploads.path_for(orphan.sha256).exists()
    assert not any((only_annex / "tmp" / "pending").iterdir())


def test_discard_keeps_a_file_a_declared_row_refers_to_and_removes_one_no_row_refers_to(only_annex):
    held = _stored_and_abandoned(only_annex, "an annex row refers to these bytes")
    orphan = _stored_and_abandoned(only_annex, "no row refers to these bytes")
    db.session.add(Annex(sha256=held.sha256))
    db.session.commit()

    uploads.discard(held)
    uploads.discard(orphan)

    assert uploads.path_for(held.sha256).exists()
    assert not uploads.path_for(orphan.sha256).exists()


def test_with_no_column_declared_nothing_is_taken_for_unused(app, upload_dir, monkeypatch):
    monkeypatch.setattr(registry, "_HOLDERS", {})
    stored = _stored_and_abandoned(upload_dir, "whose row is unknown")

    assert uploads.sweep_pending(upload_dir, 3600) == 0
    uploads.discard(stored)

    assert uploads.path_for(stored.sha256).exists()
    assert (upload_dir / "tmp" / "pending" / stored.sha256).exists()  # left for a start that knows


def test_only_mapped_columns_can_be_declared():
    with pytest.raises(TypeError):
        uploads.holds_files("report_file.sha256")


def test_the_uploads_package_loads_no_room():
    """Imported alone, in a fresh process, the package pulls in no room's module."""
    rooms = tuple(f"ntm_intranet.{room}" for room in ROOMS)
    code = f"import sys, ntm_intranet.uploads; print(sorted(m for m in sys.modules if m.startswith({rooms!r})))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
