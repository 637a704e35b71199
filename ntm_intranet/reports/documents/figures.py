"""The district figures as the documents print them: one row per figure, the money total after the
money rows, the road in km; and whether a commune's criteria are counted."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import FIGURES, Status

MONEY_FIELDS = ("money_state", "money_people", "money_other")
MONEY_TOTAL_LABEL = "Tổng vốn huy động (đồng)"
_UNITS = {"money_state": "đồng", "money_people": "đồng", "money_other": "đồng", "labour_days": "ngày công",
          "land_m2": "m²", "trees": "cây", "structures_moved": "công trình", "road_m": "km"}
_TRAILING_UNIT = re.compile(r"\s*\([^()]*\)\s*$")


@dataclass(frozen=True)
class FigureRow:
    name: str              # the Submission field, or "money_total"
    label: str             # the FIGURES label (for the road: in km)
    short_label: str       # the label without its unit in brackets, for a sheet with a unit column
    unit: str
    accepted: int | float
    with_submitted: int | float
    decimals: int = 0


def figure_rows(totals) -> list[FigureRow]:
    """The district figures in the order of the form, the money total after the three money rows.

    The road length is stored in metres and shown in km (3 decimals).
    """
    rows = []
    for name, lazy_label in FIGURES:
        label = str(lazy_label)
        accepted, with_submitted = totals.accepted.get(name, 0), totals.with_submitted.get(name, 0)
        decimals = 0
        if name == "road_m":
            label = _TRAILING_UNIT.sub("", label) + " (km)"
            accepted, with_submitted, decimals = round(accepted / 1000, 3), round(with_submitted / 1000, 3), 3
        rows.append(FigureRow(name, label, _TRAILING_UNIT.sub("", label), _UNITS.get(name, ""), accepted,
                              with_submitted, decimals))
        if name == MONEY_FIELDS[-1]:
            rows.append(FigureRow("money_total", MONEY_TOTAL_LABEL, _TRAILING_UNIT.sub("", MONEY_TOTAL_LABEL),
                                  "đồng", totals.money_accepted, totals.money_with_submitted))
    return rows


def commune_status(status: str | None) -> str:
    """Whether a commune's criteria are counted: "đã duyệt", "chờ duyệt" or "chưa nộp"."""
    if status == Status.ACCEPTED:
        return "đã duyệt"
    if status == Status.SUBMITTED:
        return "chờ duyệt"
    return "chưa nộp"


def counted(status: str | None) -> bool:
    return status in (Status.ACCEPTED, Status.SUBMITTED)


def any_counted(totals) -> bool:
    """Whether any commune's criteria are counted: with none, the averages are left empty, not 0."""
    return any(counted(c.status) for c in totals.communes)
