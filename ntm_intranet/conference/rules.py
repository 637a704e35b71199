"""The conference's rules as plain functions: money of a budget line, totals, the award-money line,
the agenda's timetable, the order of the honourees, attendance replies.

No database and no Flask here: the pages, the exports and the tests use the same functions.
Money is an integer number of đồng throughout.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from ..letterhead import money

# Limits that keep an amount far inside a 64-bit integer and catch a slipped finger.
MAX_QUANTITY = 1_000_000
MAX_UNIT_PRICE = 100_000_000_000        # 100 tỷ đồng for one unit
MAX_ATTENDEES = 50                      # people one invitation may bring

# Estimate states.
DRAFT, SUBMITTED, RETURNED, APPROVED = "draft", "submitted", "returned", "approved"
EDITABLE = frozenset({DRAFT, RETURNED})


class RuleError(ValueError):
    """Input a rule refuses; the message is the sentence shown to the user."""


# Numbers as people type them ------------------------------------------------------------------

_GROUPED = re.compile(r"^\d{1,3}(?:([., ])\d{3})?(?:\1\d{3})*$")


def parse_whole(text: str | None, what: str, example: str = "1.150.000") -> int:
    """"1.150.000", "1 150 000", "1,150,000", "1150000" (and "1.150.000 đ") -> 1150000.

    Refuses a negative number, a decimal ("1,5") and words, each with its own sentence naming `what`.
    """
    raw = (text or "").strip().lower()
    for suffix in ("đồng", "đ", "vnd"):
        if raw.endswith(suffix):
            raw = raw[: -len(suffix)].strip()
    if not raw:
        raise RuleError(f"Hãy nhập {what}.")
    if raw.startswith("-") and raw[1:].strip()[:1].isdigit():
        raise RuleError(f"{what.capitalize()} không được âm.")
    if raw.isdigit():
        return int(raw)
    if _GROUPED.match(raw):
        return int(re.sub(r"[., ]", "", raw))
    raise RuleError(f"{what.capitalize()} phải là số nguyên, ví dụ {example}.")


# Budget lines ---------------------------------------------------------------------------------


def line_amount(quantity: int, unit_price: int, *, allow_zero: bool = False) -> int:
    """Thành tiền = số lượng × đơn giá, in whole đồng. The coordinator's lines need a quantity of at
    least 1; finance may cut a line to 0 (`allow_zero`)."""
    if quantity < 0:
        raise RuleError("Số lượng không được âm.")
    if quantity == 0 and not allow_zero:
        raise RuleError("Số lượng phải lớn hơn 0.")
    if quantity > MAX_QUANTITY:
        raise RuleError(f"Số lượng quá lớn (tối đa {money(MAX_QUANTITY)}).")
    if unit_price < 0:
        raise RuleError("Đơn giá không được âm.")
    if unit_price > MAX_UNIT_PRICE:
        raise RuleError(f"Đơn giá quá lớn (tối đa {money(MAX_UNIT_PRICE)} đồng).")
    return quantity * unit_price


class Appraised:
    """A budget line finance may have changed: `amount` as proposed, `adjusted_amount` as appraised (None:
    unchanged). Shared by the rules' Line, the page's LineView and the exports' EstimateRow."""

    amount: int
    adjusted_amount: int | None

    @property
    def adjusted(self) -> bool:
        return self.adjusted_amount is not None

    @property
    def effective(self) -> int:
        """What counts: the appraised amount when finance changed the line, else the proposed one."""
        return self.amount if self.adjusted_amount is None else self.adjusted_amount


@dataclass(frozen=True)
class Line(Appraised):
    """A budget line as the rules see it: the proposal and, when finance changed it, the appraisal."""

    amount: int
    source: str = ""
    adjusted_amount: int | None = None


@dataclass(frozen=True)
class Totals:
    proposed: int                        # what the coordinator asked for
    appraised: int                       # after finance's adjustments (= proposed when none)
    adjusted_lines: int
    by_source: list[tuple[str, int]] = field(default_factory=list)   # appraised money per funding source

    @property
    def difference(self) -> int:
        return self.appraised - self.proposed


def totals(lines: Iterable[Line]) -> Totals:
    lines = list(lines)
    sources: dict[str, int] = {}
    for line in lines:
        key = line.source.strip() or "Chưa ghi nguồn"
        sources[key] = sources.get(key, 0) + line.effective
    return Totals(proposed=sum(line.amount for line in lines), appraised=sum(line.effective for line in lines),
                  adjusted_lines=sum(1 for line in lines if line.adjusted_amount is not None),
                  by_source=list(sources.items()))


# The award money of the approved list, as one line -------------------------------------------


@dataclass(frozen=True)
class AwardMoney:
    count: int                                   # honourees with money
    total: int
    tiers: list[tuple[str, int, int]]            # (award form, amount per award, how many), in list order
    decision_number: str = ""
    decision_date: date | None = None

    @property
    def item(self) -> str:
        when = f" ngày {self.decision_date:%d/%m/%Y}" if self.decision_date else ""
        return ("Tiền thưởng cho các tập thể, cá nhân, hộ gia đình được khen thưởng "
                f"(Quyết định số {self.decision_number}{when})")

    @property
    def detail(self) -> str:
        """"Giấy khen của Chủ tịch UBND huyện: 2 × 690.000 đ, 3 × 350.000 đ; Bằng khen …: 1 × 2.300.000 đ"."""
        forms: dict[str, list[str]] = {}
        for form, amount, count in self.tiers:
            forms.setdefault(form, []).append(f"{count} × {money(amount)} đ")
        return "; ".join(f"{form}: {', '.join(parts)}" for form, parts in forms.items())


def award_money(entries: Iterable[tuple[str, int]], decision_number: str = "",
                decision_date: date | None = None) -> AwardMoney:
    """From the approved list's (award form name, amount) pairs, struck ones left out by the caller."""
    tiers: dict[tuple[str, int], int] = {}
    count = total = 0
    for form, amount in entries:
        if not amount:
            continue
        tiers[(form, amount)] = tiers.get((form, amount), 0) + 1
        count += 1
        total += amount
    forms = list(dict.fromkeys(form for form, _amount in tiers))  # in the order of the list
    ordered = sorted(tiers.items(), key=lambda kv: (forms.index(kv[0][0]), -kv[0][1]))
    return AwardMoney(count, total, [(form, amount, n) for (form, amount), n in ordered], decision_number,
                      decision_date)


# Time, dates, the agenda ----------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2})\s*(?:[:h.g]|giờ)\s*(\d{1,2})?\s*(?:phút|p)?$")
_WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]


def parse_time(text: str | None) -> time | None:
    """"7:30", "7h30", "07 giờ 30", "7 giờ", "14.00" -> time; "" -> None; anything else refused."""
    raw = (text or "").strip().lower()
    if not raw:
        return None
    if raw.isdigit() and len(raw) <= 2:
        raw += ":00"
    match = _TIME.match(raw)
    if not match:
        raise RuleError("Giờ không hợp lệ (ví dụ 7:30 hoặc 7 giờ 30).")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise RuleError("Giờ không hợp lệ (ví dụ 7:30 hoặc 7 giờ 30).")
    return time(hour, minute)


def time_words(value: time | None) -> str:
    """time(7, 30) -> "7 giờ 30"; time(14, 0) -> "14 giờ 00"."""
    return f"{value.hour} giờ {value.minute:02d}" if value else ""


def weekday_name(day: date) -> str:
    return _WEEKDAYS[day.weekday()]


def schedule(start: time | None, durations: Sequence[int]) -> list[tuple[time, time] | None]:
    """Each agenda item's start and end from the conference's start and the minutes of those before."""
    if start is None:
        return [None] * len(durations)
    at = timedelta(hours=start.hour, minutes=start.minute)
    slots = []
    for minutes in durations:
        end = at + timedelta(minutes=max(minutes or 0, 0))
        slots.append((_clock(at), _clock(end)))
        at = end
    return slots


def _clock(delta: timedelta) -> time:
    minutes = int(delta.total_seconds() // 60) % (24 * 60)
    return time(minutes // 60, minutes % 60)


# Reordering -----------------------------------------------------------------------------------


def moved(ids: Sequence[int], moving: int, direction: str) -> list[int]:
    """The ids with `moving` swapped with its neighbour ("up" or "down"); unchanged at an end."""
    order = list(ids)
    if moving not in order or direction not in ("up", "down"):
        raise RuleError("Không di chuyển được mục này.")
    index = order.index(moving)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return order


def stage_order(ids: Sequence[int], saved: dict[int, int]) -> list[int]:
    """Honourees in the order the coordinator saved; those not placed yet follow, in the list's order."""
    rank = {nid: i for i, nid in enumerate(ids)}
    return sorted(ids, key=lambda nid: (0, saved[nid], rank[nid]) if nid in saved else (1, 0, rank[nid]))


# Attendance replies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    attending: bool
    count: int
    names: list[str]


def attendance_reply(attending: bool, count_text: str | None, names_text: str | None) -> Reply:
    """Who comes: the names one per line, and how many. A count alone is accepted; names alone count
    themselves; both must agree. Declining needs neither."""
    names = [line.strip(" -•\t") for line in (names_text or "").splitlines()]
    names = [n for n in names if n]
    if not attending:
        return Reply(False, 0, [])
    count = None
    if (count_text or "").strip():
        count = parse_whole(count_text, "số người tham dự", "2")
    if count is None:
        count = len(names)
    if count <= 0:
        raise RuleError("Hãy ghi số người tham dự hoặc họ tên người tham dự.")
    if count > MAX_ATTENDEES:
        raise RuleError(f"Mỗi giấy mời tối đa {MAX_ATTENDEES} người tham dự.")
    if names and len(names) != count:
        raise RuleError(f"Số người tham dự ({count}) không khớp với số họ tên đã ghi ({len(names)}).")
    return Reply(True, count, names)


@dataclass
class Tally:
    invited: int = 0
    attending: int = 0
    declined: int = 0
    pending: int = 0
    people: int = 0                       # people announced by the invitations that accepted


def tally(replies: Iterable[tuple[str, int]]) -> Tally:
    """(status, attendee count) of each invitation -> the counts the coordinator reads."""
    result = Tally()
    for status, count in replies:
        result.invited += 1
        if status == "attending":
            result.attending += 1
            result.people += count or 0
        elif status == "declined":
            result.declined += 1
        else:
            result.pending += 1
    return result


# Certificates ---------------------------------------------------------------------------------

A4_LANDSCAPE = (297, 210)  # mm


def check_position(x: int, y: int, what: str) -> None:
    width, height = A4_LANDSCAPE
    if not (0 <= x <= width - 10 and 0 <= y <= height - 5):
        raise RuleError(f"Vị trí {what} phải nằm trong khổ A4 ngang: 0–{width - 10} mm từ mép trái, "
                        f"0–{height - 5} mm từ mép trên.")
