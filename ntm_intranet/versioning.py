"""Optimistic locking: every record a person edits carries a version, and a lost race is told, never a 500
and never a silent overwrite.

- `Versioned` gives a model its `version` column, which SQLAlchemy checks and bumps on every UPDATE
  (`version_id_col`): two requests writing at the same instant cannot both succeed.
- A form that edits such a record sends back the version its page was drawn from (`forms.VersionedForm`);
  the service calls `check(record, expected)` before it writes, so an edit made on a page someone else
  has changed since is refused even when the two requests are minutes apart.
- Either way errors.py answers with the page again, its current values and a message (`LostRace` here,
  SQLAlchemy's StaleDataError for the same-instant case).
"""

from __future__ import annotations

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class LostRace(Exception):
    """The record changed since the person's page was drawn: nothing is written."""


class Versioned:
    """Mixin for an editable model: a version column that every UPDATE checks and increments."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1", nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:  # noqa: N805 (a declared_attr receives the class)
        return {"version_id_col": cls.__table__.c.version}


def check(record, expected: int | None) -> None:
    """Refuse to write over a record that changed since the page was drawn (None: a new record, or a
    caller without a page, such as the CLI)."""
    if expected is not None and record.version is not None and record.version != expected:
        raise LostRace(f"{type(record).__name__} {getattr(record, 'id', '?')}: version {record.version}, "
                       f"page drawn at {expected}")
