"""Every number, date and text a person can type has a range, held by the forms and by the database.

The rule is one for the whole house, read from each column's type, so a field added later inherits it:

- money and the figures of a dossier or a nomination (đồng, labour days, m², trees: BIGINT columns, the
  forms' MoneyField) and decimals: below 10^15 in size, far inside a 64-bit integer (an OverflowError can
  never be reached); other whole numbers (INTEGER columns: counts, positions, years, minutes): what a
  32-bit integer holds on every database;
- dates and times: from 01/01/2000 to 31/12/2100;
- texts: at most the column's length (SQLite does not hold VARCHAR(n) by itself), a long text 100,000
  characters.

`constrain(metadata)` writes the rule as CHECK constraints on every table (the migrations add the same
ones to an existing database); `BaseForm` (forms.py) checks the same bounds with a Vietnamese message
before anything reaches a service.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, CheckConstraint, Date, DateTime, Integer, Numeric, String, Text
from werkzeug.routing import IntegerConverter

MAX_MAGNITUDE = 10**15 - 1          # 999.999.999.999.999
MAX_INTEGER = 2**31 - 1             # an INTEGER column on PostgreSQL
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
MAX_TEXT = 100_000
# Written by the app alone (hash-chained; its SQLite triggers would not survive a table rebuild).
UNBOUNDED_TABLES = frozenset({"audit_event", "alembic_version"})


def condition(column_name: str, type_) -> str | None:
    """The CHECK condition of a column of this type, or None for a type without a range (booleans, JSON)."""
    quoted = f'"{column_name}"'
    if isinstance(type_, BigInteger | Numeric):
        return f"{quoted} BETWEEN -{MAX_MAGNITUDE} AND {MAX_MAGNITUDE}"
    if isinstance(type_, Integer):
        return f"{quoted} BETWEEN -{MAX_INTEGER} AND {MAX_INTEGER}"
    if isinstance(type_, DateTime):
        return f"{quoted} >= '{FIRST_DAY.isoformat()}' AND {quoted} < '{date(LAST_DAY.year + 1, 1, 1).isoformat()}'"
    if isinstance(type_, Date):
        return f"{quoted} BETWEEN '{FIRST_DAY.isoformat()}' AND '{LAST_DAY.isoformat()}'"
    if isinstance(type_, String) and not isinstance(type_, Text) and type_.length:
        return f"length({quoted}) <= {type_.length}"
    if isinstance(type_, Text):
        return f"length({quoted}) <= {MAX_TEXT}"
    return None


def constraint_name(table: str, column: str) -> str:
    """The constraint's name in the database: ck_<table>_<column>_range (the metadata's naming convention
    puts the ck_<table>_ in front of the `<column>_range` given here)."""
    return f"ck_{table}_{column}_range"


def bounded_columns(metadata):
    """(table, column, condition) of every column the rule bounds."""
    for table in metadata.sorted_tables:
        if table.name in UNBOUNDED_TABLES:
            continue
        for column in table.columns:
            if column.primary_key or column.foreign_keys:
                continue
            rule = condition(column.name, column.type)
            if rule:
                yield table, column, rule


def constrain(metadata) -> None:
    """Add the range CHECK of every bounded column to its table (once)."""
    for table, column, rule in list(bounded_columns(metadata)):
        short = f"{column.name}_range"
        if not any(getattr(c, "name", None) in (short, constraint_name(table.name, column.name))
                   for c in table.constraints):
            table.append_constraint(CheckConstraint(rule, name=short))


class BoundedInt(IntegerConverter):
    """The URL converter for ids: a number too large for the database is simply no page (404)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (Werkzeug's own parameter name)
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)
