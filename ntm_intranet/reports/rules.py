"""Where a unit stands on a milestone, as plain functions over plain values (no Flask, no database).

The board, the unit page, the exports and the reminders all ask these functions, so "late by how
many days" has one answer everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# State codes, in the order the board sorts "worst first".
OVERDUE = "overdue"        # not done, the (extended) due date has passed: quá hạn N ngày
RETURNED = "returned"      # sent back for revision: cần bổ sung
PENDING = "pending"        # not done, still time: chưa nộp (còn N ngày)
EXTENDED = "extended"      # not done, still time thanks to an extension: gia hạn đến dd/mm
LATE = "late"              # done after the due date: nộp muộn N ngày
ON_TIME = "on_time"        # done on or before the due date: đã nộp đúng hạn
ACCEPTED = "accepted"      # accepted by the coordinator: đã duyệt

ORDER = [OVERDUE, RETURNED, PENDING, EXTENDED, LATE, ON_TIME, ACCEPTED]
CSS = {OVERDUE: "bad", RETURNED: "warn", PENDING: "muted", EXTENDED: "info", LATE: "warn", ON_TIME: "ok",
       ACCEPTED: "ok"}

# For the shares per unit kind: did the unit deliver on time, late, or not (yet)?
ON_TIME_SHARE, LATE_SHARE, MISSING_SHARE = "on_time", "late", "missing"


@dataclass(frozen=True)
class MilestoneState:
    code: str
    due: date                  # the date that counts: the extension's, if any
    extended: bool
    days_left: int | None      # PENDING / EXTENDED
    days_overdue: int | None   # OVERDUE
    days_late: int | None      # done after the due date (LATE, and RETURNED/ACCEPTED when late)
    done_on: date | None

    @property
    def css(self) -> str:
        return CSS[self.code]

    @property
    def share(self) -> str:
        if self.done_on is None:
            return MISSING_SHARE
        return LATE_SHARE if self.days_late else ON_TIME_SHARE

    @property
    def urgency(self) -> int:
        """Sort key, larger is worse: days overdue, then days late, then little time left."""
        if self.code == OVERDUE:
            return 10_000 + (self.days_overdue or 0)
        if self.code == RETURNED:
            return 5_000
        if self.done_on is None:
            return 1_000 - min(self.days_left or 0, 999)
        return self.days_late or 0


def milestone_state(due: date, today: date, done_on: date | None = None, extended_to: date | None = None,
                    review: str | None = None) -> MilestoneState:
    """The state of one unit on one milestone.

    `done_on` is the Vietnamese calendar day the unit delivered (first submission, or the day the
    meeting was held); `review` is "returned" or "accepted" for a reviewed report. An extension
    replaces the due date, before and after delivery alike.
    """
    effective = max(due, extended_to) if extended_to else due
    extended = effective != due
    if done_on is not None:
        late = max((done_on - effective).days, 0)
        if review == "accepted":
            code = ACCEPTED
        elif review == "returned":
            code = RETURNED
        else:
            code = LATE if late else ON_TIME
        return MilestoneState(code, effective, extended, None, None, late, done_on)
    delta = (effective - today).days
    if delta < 0:
        return MilestoneState(OVERDUE, effective, extended, None, -delta, None, None)
    return MilestoneState(EXTENDED if extended else PENDING, effective, extended, delta, None, None, None)


def reminder_kind(state: MilestoneState, days_before: int, before_sent: bool = False) -> str | None:
    """Which scheduled reminder a unit should get today, if any.

    "before": once, when the due date is `days_before` days away or closer (so a cron that missed
    the exact day still sends it); "overdue": every day after the due date while nothing has been
    delivered. A unit that delivered gets none.
    """
    if state.done_on is not None:
        return None
    if state.code == OVERDUE:
        return "overdue"
    if state.days_left is not None and state.days_left <= days_before and not before_sent:
        return "before"
    return None


def shares(states) -> dict[str, int]:
    counts = {ON_TIME_SHARE: 0, LATE_SHARE: 0, MISSING_SHARE: 0}
    for state in states:
        counts[state.share] += 1
    return counts


def criteria_average(met_counts: list[int]) -> float:
    """Bình quân tiêu chí/xã: the mean number of criteria met per commune, one decimal."""
    if not met_counts:
        return 0.0
    return round(sum(met_counts) / len(met_counts), 1)
