"""What a spreadsheet cell may hold: the formula-injection guard every Excel writer goes through."""

from __future__ import annotations

import re

# A spreadsheet reads a text starting with one of these as a formula (or, for tab and CR, as a
# field separator some importers trim before doing so): OWASP "CSV injection".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

def safe_text(value):
    """A user's text as a spreadsheet shows it, never run: "=HYPERLINK(…)" becomes "'=HYPERLINK(…)".

    Numbers, dates and None pass through unchanged, so they stay numbers in the sheet.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# The only formulas the exports write: their own totals, sums over cell references (=SUM(D12:D14),
# =SUM(F12,F30,F41)). Such a text cannot reach outside the sheet, whoever wrote it.
_REF = r"[A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?"
_TOTAL_FORMULA = re.compile(rf"=SUM\({_REF}(?:,{_REF})*\)")


def cell_value(value):
    """What any cell of an export may hold: a total as a formula, every other text never a formula.

    Every writer's cells go through this (documents/sheet.py `cell`), so a writer that forgets `safe_text`
    on a user's text still never writes it as a formula.
    """
    if isinstance(value, str) and _TOTAL_FORMULA.fullmatch(value):
        return value
    return safe_text(value)
