"""Which rows hold stored files: each room declares, once, the columns that hold a stored file's sha256.

The store is content-addressed and shared: the same bytes uploaded as a report and as a nomination file
are one file. Before a file is removed (discard() after a row failed to commit, sweep_pending() at start)
the package asks whether any row still refers to it. It knows no room's tables; the rooms say where to
look, beside the model, so the declaration is made whenever the model is imported:

    class ReportFile(db.Model):
        ...
        sha256: Mapped[str] = mapped_column(String(64), index=True)

    uploads.holds_files(ReportFile.sha256)
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import InstrumentedAttribute

from ..extensions import db

# (model class, column name) -> the column: declaring the same column twice (a module re-imported) is harmless
_HOLDERS: dict[tuple[type, str], InstrumentedAttribute] = {}


def holds_files(*columns: InstrumentedAttribute) -> None:
    """Declare model columns (ReportFile.sha256) whose values are the sha256 of files in the store."""
    for column in columns:
        if not isinstance(column, InstrumentedAttribute):
            raise TypeError(f"holds_files() takes mapped columns such as ReportFile.sha256, not {column!r}")
        _HOLDERS[(column.class_, column.key)] = column


def holders() -> tuple[InstrumentedAttribute, ...]:
    """The declared columns, in the order they were declared."""
    return tuple(_HOLDERS.values())


def referenced(shas: list[str]) -> set[str]:
    """Which of these stored files a declared row refers to (one query per declared column).

    With no column declared nothing can be known unused, so every one counts as referenced: a file kept
    by mistake costs space, a file removed by mistake loses what someone submitted.
    """
    if not _HOLDERS:
        logging.getLogger(__name__).warning("No room declared which rows hold stored files: nothing removed")
        return set(shas)
    found: set[str] = set()
    for column in _HOLDERS.values():
        found.update(db.session.execute(db.select(column).filter(column.in_(shas))).scalars())
    return found
