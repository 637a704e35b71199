"""The one place the words of an official paper and the Vietnamese ways of writing numbers live.

Everything a page or a document prints that is not the user's own data comes from here: the national
name and motto (DOMAIN.md §8: "Độc lập - Tự do - Hạnh phúc", hyphens with spaces), the issuing bodies
of a campaign (the People's Committee, an office under it, the emulation board, a unit), the place
and date line, and money, decimals, lengths and dates as Vietnamese readers write them.

The issuing bodies are not constants: they are read from the campaign's own data (its issuer, e.g.
"Ủy ban nhân dân huyện Đakrông") and from the names of the units that act as its offices, so another
district, or another level, prints its own name. This module imports no room: a room builds an
`Issuer` from its data and hands it to the documents toolkit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from . import clock

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
BOARD = "Hội đồng Thi đua – Khen thưởng"

# ---------------------------------------------------------------------------------------------
# Numbers, money and dates


def money(value) -> str:
    """1150000 -> "1.150.000" (dot thousands); None -> ""."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".")


def vnd(value) -> str:
    """1150000 -> "1.150.000 đ"."""
    return f"{money(value)} đ" if value is not None else ""


def decimal(value, places: int = 1, trim: bool = True) -> str:
    """81.818 -> "81,8"; 12500.5 -> "12.500,5"; 100.0 -> "100" (trim) or "100,0" (not trimmed)."""
    if value is None:
        return ""
    text = f"{float(value):,.{places}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    if trim and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def km(metres) -> str:
    """12500 metres -> "12,5" (Vietnamese decimal comma, dot thousands); exact to the metre."""
    if metres is None:
        return ""
    whole, frac = divmod(int(metres), 1000)
    frac_text = f"{frac:03d}".rstrip("0")
    return f"{money(whole)},{frac_text}" if frac_text else money(whole)


def dmy(value) -> str:
    """A date (or an aware UTC datetime, shown in Vietnam) as dd/mm/yyyy; None or "" -> ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = clock.to_local(value)
    return value.strftime("%d/%m/%Y")


def dmyhm(value) -> str:
    """An aware UTC datetime as dd/mm/yyyy HH:MM in Vietnam."""
    if value is None:
        return ""
    return clock.to_local(value).strftime("%d/%m/%Y %H:%M")


def date_words(day: date | None) -> str:
    """"ngày 05 tháng 02 năm 2015"; for no date yet, the blanks of a draft: "ngày … tháng … năm …".

    Thông tư 01/2011/TT-BNV and Nghị định 30/2020 both write a leading zero only for days below 10 and
    months below 3.
    """
    if day is None:
        return "ngày … tháng … năm …"
    day_text = f"{day.day:02d}" if day.day < 10 else str(day.day)
    month_text = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day_text} tháng {month_text} năm {day.year}"


def document_date(place: str, day: date | None) -> str:
    """The place and date line of an official document: "Đakrông, ngày 05 tháng 02 năm 2015"."""
    return f"{place}, {date_words(day)}"


_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_SCALES = ["", "nghìn", "triệu", "tỷ"]


def _three(number: int, full: bool) -> list[str]:
    """Words for 0..999; `full` says "không trăm" / "linh" when a higher group came before."""
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if ones and words:
            words += ["linh", _DIGITS[ones]]
        elif ones:
            words.append(_DIGITS[ones])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if ones == 1:
        words.append("một" if tens == 1 else "mốt")
    elif ones == 5:
        words.append("lăm")
    elif ones:
        words.append(_DIGITS[ones])
    return words


def amount_in_words(value: int) -> str:
    """The "Bằng chữ" line: 15350000 -> "Mười lăm triệu ba trăm năm mươi nghìn đồng"; 0 -> "Không đồng"."""
    if value < 0:
        positive = amount_in_words(-value)
        return "Âm " + positive[0].lower() + positive[1:]
    if value == 0:
        return "Không đồng"
    words: list[str] = []
    billions, rest = divmod(value, 1_000_000_000)
    if billions:
        words += amount_in_words(billions).removesuffix(" đồng").lower().split() + ["tỷ"]
    groups = [(rest // 1_000_000) % 1000, (rest // 1000) % 1000, rest % 1000]
    for index, group in enumerate(groups):
        if group == 0:
            continue
        words += _three(group, full=bool(words))
        scale = _SCALES[2 - index]
        if scale:
            words.append(scale)
    text = " ".join(words + ["đồng"])
    return text[0].upper() + text[1:]


# ---------------------------------------------------------------------------------------------
# Issuing bodies

# The administrative levels a body's name may end with, longest first ("thị trấn" before "thị").
_LEVELS = ("thành phố", "thị trấn", "thị xã", "phường", "huyện", "quận", "tỉnh", "xã")
_COMMITTEE = re.compile(r"^\s*(?:Ủy|Uỷ) ban nhân dân\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Issuer:
    """Who issues a paper, as its header prints it: lines of (text, bold), the place of its date line,
    and the name for running text and the file's properties ("Phòng Nội vụ huyện Đakrông")."""

    lines: tuple[tuple[str, bool], ...]
    place: str
    author: str

    def date_line(self, day: date | None) -> str:
        return document_date(self.place, day)


@dataclass(frozen=True)
class House:
    """A campaign's People's Committee, from its `issuer` ("Ủy ban nhân dân huyện Đakrông"): the bodies
    that issue its papers and the way they are named."""

    body: str

    @property
    def _level_and_place(self) -> tuple[str, str]:
        rest = _COMMITTEE.sub("", self.body).strip()
        lowered = rest.lower()
        for level in _LEVELS:
            if lowered.startswith(level + " "):
                return level, rest[len(level):].strip()
        return "", rest

    @property
    def level(self) -> str:
        """"huyện" for a district's committee."""
        return self._level_and_place[0]

    @property
    def place(self) -> str:
        """"Đakrông": the place written before the date of its papers."""
        return self._level_and_place[1]

    @property
    def committee_name(self) -> str:
        """"UBND huyện Đakrông", the committee in running text."""
        return " ".join(part for part in ("UBND", self.level, self.place) if part)

    @property
    def chairman_name(self) -> str:
        """"Chủ tịch UBND huyện Đakrông"."""
        return f"Chủ tịch {self.committee_name}"

    @property
    def committee_short(self) -> str:
        """"UBND HUYỆN ĐAKRÔNG", the committee as the parent line above one of its offices."""
        return self.committee_name.upper()

    def committee(self) -> Issuer:
        """The People's Committee (and its chairman) issuing a paper itself."""
        return Issuer(((self.committee_short, True),), self.place, self.committee_name)

    def office(self, name: str) -> Issuer:
        """An office under the committee ("Phòng Nội vụ"): the committee above, the office in bold."""
        return Issuer(((self.committee_short, False), (name.upper(), True)), self.place,
                      self.in_district(name))

    def board(self) -> Issuer:
        """The emulation and commendation board (Hội đồng Thi đua – Khen thưởng) of the committee."""
        return self.office(BOARD)

    def unit(self, name: str) -> Issuer:
        """A unit's own paper (an agency or a commune): the committee above, the unit in bold."""
        return Issuer(((self.committee_short, False), (name.upper(), True)), self.place, name)

    def commune(self, name: str) -> Issuer:
        """A commune's (or the town's) People's Committee issuing its own paper: "UBND XÃ TRIỆU NGUYÊN",
        dated at the commune ("Triệu Nguyên, ngày …")."""
        place = name
        for prefix in ("Thị trấn ", "Xã ", "Phường "):
            if name.startswith(prefix):
                place = name[len(prefix):]
        return Issuer(((f"UBND {name.upper()}", True),), place, f"UBND {name}")

    def in_district(self, name: str) -> str:
        """"Phòng Nội vụ huyện Đakrông"."""
        return " ".join(part for part in (name, self.level, self.place) if part)


def house(campaign) -> House:
    """The issuing bodies of a campaign (anything with an `issuer` text)."""
    return House(getattr(campaign, "issuer", "") or "")
