"""The one clock of the application.

`today()` is the calendar date in Vietnam; `now()` an aware UTC datetime. Both honour the
`NTM_TODAY` setting (demo of the 2015 timeline, frozen tests), so no other module calls
`datetime.now()` or `date.today()`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _frozen() -> date | None:
    if has_app_context():
        return current_app.config.get("NTM_TODAY")
    return None


def now() -> datetime:
    """Aware UTC now; on a frozen day, that day at the current Vietnamese wall-clock time."""
    real = datetime.now(UTC)
    frozen = _frozen()
    if frozen is None:
        return real
    local_time = real.astimezone(VN).time()
    return datetime.combine(frozen, local_time, tzinfo=VN).astimezone(UTC)


def today() -> date:
    return now().astimezone(VN).date()


def is_frozen() -> bool:
    return _frozen() is not None


def to_local(value: datetime) -> datetime:
    """A stored UTC datetime (naive from SQLite, aware from PostgreSQL) in Vietnamese time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(VN)


def start_of_local_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VN).astimezone(UTC)
