"""Deadline arithmetic as plain functions: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Countdown:
    state: str  # "upcoming", "today" or "overdue"
    days: int   # days left (upcoming), 0 (today) or days overdue

    @property
    def css(self) -> str:
        return {"upcoming": "ok", "today": "warn", "overdue": "bad"}[self.state]


def countdown(due: date, today: date) -> Countdown:
    """How a due date stands on a given day; the due date itself still counts as on time."""
    delta = (due - today).days
    if delta > 0:
        return Countdown("upcoming", delta)
    if delta == 0:
        return Countdown("today", 0)
    return Countdown("overdue", -delta)
