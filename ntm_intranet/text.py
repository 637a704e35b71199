"""Text hygiene shared by forms, imports and the CLI: NFC, trimmed, single-spaced."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value):
    """NFC-normalise and strip one-line text; None stays None, other types pass through."""
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", unicodedata.normalize("NFC", value))
    return _SPACES.sub(" ", value).strip()


def clean_multiline(value):
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return "\n".join(line.rstrip() for line in value.strip().split("\n"))


def fold(value: str) -> str:
    """Lower-case, accent-free form for lenient matching of labels typed in a sheet ("Xã" == "xa")."""
    value = unicodedata.normalize("NFD", clean(value) or "").replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in value if unicodedata.category(ch) != "Mn").lower()
