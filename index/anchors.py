"""Years, days and provinces a question is pinned to, and whether a passage says anything of them.

"Học phí năm 2027 ở Hà Nội", "Sở GD&ĐT Nghệ An khen thưởng ... năm 2025": a question that
names a year or a province asks about that year or that province. A passage that mentions
neither (a 2019 fee decree, another province's news) does not answer it, however many other
words it shares, and quoting it with its source line misleads. The engine declines such
answers (:meth:`index.engine.Engine.answer`) and says what it found nothing about.

Matching is on folded text (no tone marks), so "ha noi" and "Hà Nội" are the same place.
A year that belongs to a document number ("182/2026/NĐ-CP") is the document's, not an anchor
(number references decide those questions); a birth year ("sinh năm 1975") is a condition
on the reader, not a topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.textnorm import fold

# The 63 provinces and cities before the 2025 merger (the 34 after it keep names from this
# list), as a teacher types them. Folded when compiled.
PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre",
    "Bình Dương", "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ",
    "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai",
    "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang",
    "Hòa Bình", "Hồ Chí Minh", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lạng Sơn", "Lào Cai", "Lâm Đồng", "Long An", "Nam Định", "Nghệ An", "Ninh Bình",
    "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh",
    "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa",
    "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc",
    "Yên Bái",
)
# Short forms that name the same place.
_ALIASES = {"tp hcm": "ho chi minh", "tphcm": "ho chi minh", "sai gon": "ho chi minh",
            "ba ria": "ba ria vung tau", "vung tau": "ba ria vung tau",
            "hue": "thua thien hue"}  # thành phố Huế since 2025
# Names that are also ordinary words or another name ("tư tưởng Hồ Chí Minh", "hòa bình"):
# a place only after "tỉnh", "thành phố" or "TP".
_NEEDS_MARKER = {"ho chi minh", "hoa binh", "thai binh", "binh dinh", "hue"}
_MARKER = re.compile(r"(?:tinh|thanh pho|tp)\s*$")

_YEAR = r"(?:19[5-9]\d|20[0-9]\d)"
# A bare year, or the year of a date (1/7/2026, 7/2026); never the year inside a document
# number (182/2026/NĐ-CP), nor a birth year.
_QUESTION_YEAR = re.compile(
    rf"(?<![\w/])(?:\d{{1,2}}/){{0,2}}({_YEAR})(?![\w/])"
)
# The reader's own years are conditions on the reader, not topics: a birth year ("sinh năm
# 1975") and the year since when they have been trained or working ("tốt nghiệp CĐSP từ 2015",
# "công tác từ năm 2005"); "tốt nghiệp THPT năm 2026" stays the year asked about.
_BIRTH = re.compile(
    r"sinh(?: nam| vao nam)?\s*$"
    r"|\b(?:tot nghiep|ra truong|vao nganh|di day|cong tac|lam viec)"
    r"(?: [a-z0-9]+){0,3} tu(?: nam)?\s*$"
)
# A law's name with its year ("Bộ luật Hình sự năm 2017", "Luật Giáo dục 2019") names the
# law, like a document number, and says nothing of which year the question is about.
_LAW_NAME = re.compile(
    r"\b(?:bo )?luat(?: (?!(?:co|tu|duoc|hieu|luc|ap|dung|ban|hanh|tu|den|vao|trong)\b)[a-z]+)"
    r"{1,4}(?: nam)?\s*$"
)
# A day of the year without its year ("ngày 20/11", "ngay 20 thang 11"): a day the question is
# about (Teachers' Day, a deadline), after "ngày" so that "2/3 thành viên" stays a fraction.
_QUESTION_DAY = re.compile(r"\bngay\s+(\d{1,2})\s*(?:/|-|\bthang\s+)(\d{1,2})(?![\d/-])")


def _place_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(text).replace("đ", "d")).strip()


_NAMES = {_place_key(p): p for p in PROVINCES}
_NAMES["ho chi minh"] = "TP. Hồ Chí Minh"
_NAMES["thua thien hue"] = "Huế"
_PLACES = {key: key for key in _NAMES}
_PLACES.update(_ALIASES)
_PLACE = re.compile(
    r"(?<![a-z0-9])(" + "|".join(sorted(map(re.escape, _PLACES), key=len, reverse=True))
    + r")(?![a-z0-9])"
)


@dataclass(frozen=True)
class Anchor:
    """One thing a question is pinned to."""

    key: str
    """What a passage must contain, folded ("2027", "ha noi")."""
    shown: str
    """How a reply names it ("năm 2027", "Hà Nội")."""


def question_anchors(question: str) -> list[Anchor]:
    """The years and provinces a question names, in order, without repeats."""
    folded = _place_key(question)
    found: dict[str, Anchor] = {}
    for match in _QUESTION_YEAR.finditer(question):
        before = _place_key(question[: match.start()])
        if _BIRTH.search(before) or _LAW_NAME.search(before):
            continue
        year = match.group(1)
        found.setdefault(year, Anchor(year, f"năm {year}"))
    for match in _QUESTION_DAY.finditer(fold(question)):
        day, month = int(match.group(1)), int(match.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            key = f"{day}/{month}"
            found.setdefault(key, Anchor(key, f"ngày {day}/{month}"))
    for match in _PLACE.finditer(folded):
        name = match.group(1)
        if name in _NEEDS_MARKER and not _MARKER.search(folded[: match.start()]):
            continue
        key = _PLACES[name]
        found.setdefault(key, Anchor(key, _NAMES[key]))
    return list(found.values())


def _mentions(folded: str, anchor: Anchor) -> bool:
    """True when a folded text (passage, heading, title, dates) mentions the anchor."""
    if anchor.key.isdigit():
        return re.search(rf"(?<!\d){anchor.key}(?!\d)", folded) is not None
    if "/" in anchor.key:  # a day: "20/11", "20-11", "20 tháng 11", "ngày 05/12"
        day, month = anchor.key.split("/")
        pattern = rf"(?<!\d)0?{day} (?:thang )?0?{month}(?!\d)"
        return re.search(pattern, folded) is not None
    names = [anchor.key, *(alias for alias, key in _ALIASES.items() if key == anchor.key)]
    return any(re.search(rf"(?<![a-z0-9]){re.escape(n)}(?![a-z0-9])", folded) for n in names)


# "Hà Nội, ngày 10 tháng 6 năm 2026": where and when a document was signed, not what it is
# about (the document's dates are matched through its metadata).
_PLACE_DATE = re.compile(
    r"[^\n,]{2,40},\s*ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}", re.IGNORECASE
)
# A province's own bodies: what they did is not in any national text.
_LOCAL_BODY = re.compile(
    r"(?<![a-z])(?:so gd|so giao duc|phong gd|phong giao duc|ubnd|uy ban nhan dan|hdnd"
    r"|hoi dong nhan dan|tinh uy|huyen uy|thanh uy)(?![a-z])"
)
_NATIONAL = re.compile(r"^(?:Quốc hội|Chính phủ|Thủ tướng|Bộ\s)", re.IGNORECASE)


def unmet(question: str, text: str, national: bool = False) -> list[Anchor]:
    """The question's anchors a text never mentions (its signing place and date aside).

    A ``national`` text (a law, decree or ministry circular) applies in every province, so
    only its years count: "giáo viên Vĩnh Long được phụ cấp bao nhiêu" is answered by the
    decree that never names Vĩnh Long. Not when the question is about a province's own body
    ("Sở GD Đà Nẵng tổng kết năm học ..."): no national text reports what it did."""
    anchors = question_anchors(question)
    if not anchors:
        return []
    folded = _place_key(_PLACE_DATE.sub(" ", text))
    national = national and not _LOCAL_BODY.search(_place_key(question))
    return [
        a for a in anchors
        if not (national and _is_place(a)) and not _mentions(folded, a)
    ]


def _is_place(anchor: Anchor) -> bool:
    return not anchor.key.replace("/", "").isdigit()


def national(issuer: str | None, compilation: bool) -> bool:
    """True for a document of national scope: a compilation of laws, or one issued by the
    National Assembly, the Government, the Prime Minister or a ministry."""
    return compilation or bool(issuer and _NATIONAL.match(issuer.strip()))
