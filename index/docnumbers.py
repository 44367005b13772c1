"""Vietnamese document numbers (số hiệu): find them in text, compare them, parse loose references.

A full number has a running number, an optional year and one or more codes:
"66/2026/NĐ-CP", "29-NQ/TW", "12/KH-GD&ĐT", "1255/QĐ-TTg". A typed reference names the kind of
document and a bare number instead: "Thông tư 17", "Nghị quyết số 29".
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from index.textnorm import fold

logger = logging.getLogger(__name__)

# Display names of document kinds and their folded code.
TYPE_CODES: dict[str, str] = {
    "nghị quyết": "NQ",
    "nghị định": "ND",
    "thông tư liên tịch": "TTLT",
    "thông tư": "TT",
    "chỉ thị": "CT",
    "quyết định": "QD",
    "kế hoạch": "KH",
    "công văn": "CV",
    "kết luận": "KL",
    "bộ luật": "LUAT",
    "luật": "LUAT",
    "hướng dẫn": "HD",
}
_KIND_CODES = frozenset(TYPE_CODES.values()) | {"TB", "BC", "AL", "TTR", "GM", "QC"}
KIND_CODES = _KIND_CODES
"""Folded codes that name a kind of document; a công văn number has none ("1847/SGDĐT-GDTrH")."""
_FOLDED_TYPES = {fold(name): code for name, code in TYPE_CODES.items()}
_ABBREVIATIONS = {"nq", "nd", "tt", "ttlt", "ct", "qd", "kh", "cv", "kl", "hd"}

_YEAR = r"(?:19|20)\d{2}"
# One code segment as written in documents: upper-case letters ("TTg", "TTr" allowed), "&",
# and at most two trailing digits ("QH14").
_CODE = r"[A-ZĐ](?:[A-ZĐ&]|(?<=T)[gr])*\d{0,2}"
_FULL = re.compile(
    rf"(?<![\w/.,-])(?P<num>\d{{1,5}})(?:\s?/\s?(?P<year>{_YEAR}))?\s?[-/]\s?"
    rf"(?P<codes>{_CODE}(?:\s?[-/]\s?{_CODE})*)(?![\w/-]|-\d|\.\w)"
)
# Type words as documents cite them: capitalised ("Thông tư", "THÔNG TƯ"), never the verb
# "quyết định" or the noun in "pháp luật"; the number follows on the same line.
_TYPE_WORDS = "|".join(
    f"{name[0].upper()}(?i:{name[1:]})" for name in sorted(TYPE_CODES, key=len, reverse=True)
)
_TYPED = re.compile(
    rf"\b(?P<type>{_TYPE_WORDS})[ \t]+(?:(?i:số)[ \t]+)?"
    rf"(?P<first>\d{{1,4}}(?:/{_YEAR})?)(?![\w/-]|[.,]\d)"
    r"(?P<more>(?:[ \t]*(?:,|và)[ \t]*\d{1,4}(?![\w/-]|[.,]\d))*)"
)
_SPACES = re.compile(r"\s+")

# Loose forms for questions, matched on folded (lower-case, accent-free) text.
_LCODE = r"[a-z][a-z&]*\d{0,2}"
_LCODES = rf"{_LCODE}(?:\s*[-/]\s*{_LCODE})*"
_LTYPE = "|".join(sorted(list(_FOLDED_TYPES) + list(_ABBREVIATIONS), key=len, reverse=True))
_LOOSE_TYPED = re.compile(
    rf"\b(?P<type>{_LTYPE})\s*(?:so\s*)?(?P<num>\d{{1,5}})(?:\s*/\s*(?P<year>{_YEAR}))?"
    rf"(?:\s*[-/]\s*(?P<codes>{_LCODES}))?(?![\d])"
    r"(?P<more>(?:\s*(?:,|va)\s*\d{1,4}(?![\d/]))*)"
)
_LOOSE_CODED = re.compile(
    rf"(?<![\w/])(?P<num>\d{{1,5}})(?:\s*/\s*(?P<year>{_YEAR}))?(?P<sep>\s*[-/]\s*|\s+)"
    rf"(?P<codes>{_LCODES})\b"
)
_LOOSE_YEAR = re.compile(rf"(?<![\w/])(?P<num>\d{{1,5}})\s*/\s*(?P<year>{_YEAR})(?![\d/])")


@dataclass(frozen=True)
class NumberRef:
    """A parsed reference: running number, optional year and folded upper-case codes."""

    num: str
    year: str | None
    codes: frozenset[str]


def number_key(s: str) -> str:
    """Canonical comparable key: "số 29 - nq/tw" and "29-NQ/TW" both give "29-NQ/TW"."""
    key = fold(s).upper()
    key = re.sub(r"^\s*SO\b\s*:?", "", key)
    key = _SPACES.sub("", key)
    return key


def _display(raw: str) -> str:
    text = re.sub(r"\s*([-/])\s*", r"\1", raw.strip())
    # A footnote mark glued to the last code ("43/2021/AL1"); only "QH14"-style codes end in digits.
    return re.sub(r"(?<=[-/])(?!QH)([A-ZĐ][A-Za-zĐ&]*)\d{1,2}$", r"\1", text)


def _full_numbers(text: str) -> list[re.Match[str]]:
    out = []
    for m in _FULL.finditer(text):
        segments = re.split(r"\s?[-/]\s?", m.group("codes"))
        if m.group("year") or len(segments) >= 2 or fold(segments[0]).upper() in _KIND_CODES:
            out.append(m)
    return out


def find_numbers(text: str) -> list[str]:
    """Every document number cited in ``text``, as written, de-duplicated by key, in order.

    Full numbers ("66/2026/NĐ-CP") are returned as written with spaces around separators
    removed; typed references without a code come out as "Thông tư 17" or "Nghị quyết 29".
    Dates, fractions, money and phone numbers are not numbers.
    """
    found: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    for m in _full_numbers(text):
        found.append((m.start(), _display(m.group(0))))
        spans.append(m.span())
    for m in _TYPED.finditer(text):
        if any(a <= m.start("first") < b for a, b in spans):
            continue
        kind = m.group("type").lower()
        kind = kind[0].upper() + kind[1:]
        nums = [m.group("first")] + re.findall(r"\d{1,4}", m.group("more"))
        for i, num in enumerate(nums):
            if re.fullmatch(_YEAR, num):
                continue  # "Luật 2019" names a year, not a number
            found.append((m.start() + i, f"{kind} {num}"))
    found.sort(key=lambda item: item[0])
    seen: set[str] = set()
    out: list[str] = []
    for _, display in found:
        key = number_key(display)
        if key not in seen:
            seen.add(key)
            out.append(display)
    return out


def _code_set(codes: str | None) -> set[str]:
    if not codes:
        return set()
    out = set()
    for seg in re.split(r"\s*[-/]\s*", fold(codes).upper()):
        if not seg:
            continue
        out.add(seg)
        if seg.startswith("QH"):
            out.add("QH")
    return out


def _canonical_num(num: str) -> str:
    return str(int(num))


def parse_reference(text: str) -> list[NumberRef]:
    """Loose references in a question or command argument.

    Robust to spacing, case, missing tone marks and "số": "29 NQ/TW", "nghi quyet 29", "nq29",
    "66/2026", "nđ 66/2026/NĐ-CP", "/vanban 66/2026". A bare number without a type word, code
    or year ("2026", "5") is not a reference.
    """
    return _references(text)[0]


def without_references(text: str) -> str:
    """The folded text with the document references it names blanked out: what a question
    asks of a document ("nghi dinh 66/2026 thay the nghi dinh nao" -> "... thay the nghi dinh
    nao"), since every passage of that document is about its number."""
    folded, spans = _references(text)[1:]
    for start, end in sorted(spans, reverse=True):
        folded = folded[:start] + " " + folded[end:]
    return folded


def _references(text: str) -> tuple[list[NumberRef], str, list[tuple[int, int]]]:
    """The references, the folded text they were read in and their spans in it."""
    folded = fold(text)
    folded = re.sub(r"^\s*/\w+(?:@\w+)?", " ", folded)
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, NumberRef]] = []

    def free(span: tuple[int, int]) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    for m in _LOOSE_TYPED.finditer(folded):
        kind = m.group("type")
        codes = _code_set(m.group("codes"))
        codes.add(_FOLDED_TYPES.get(kind, kind.upper()))
        year = m.group("year")
        found.append((m.start(), NumberRef(_canonical_num(m.group("num")), year, frozenset(codes))))
        for i, extra in enumerate(re.findall(r"\d{1,4}", m.group("more") or "")):
            ref = NumberRef(_canonical_num(extra), None, frozenset(codes))
            found.append((m.start() + i + 1, ref))
        taken.append(m.span())
    for m in _LOOSE_CODED.finditer(folded):
        if not free(m.span()):
            continue
        segments = [s for s in re.split(r"\s*[-/]\s*", m.group("codes")) if s]
        if not m.group("sep").strip() and len(segments) < 2 and segments[0] not in _ABBREVIATIONS:
            continue  # "17 quy định": a number followed by an ordinary word
        codes = frozenset(_code_set(m.group("codes")))
        found.append((m.start(), NumberRef(_canonical_num(m.group("num")), m.group("year"), codes)))
        taken.append(m.span())
    for m in _LOOSE_YEAR.finditer(folded):
        if free(m.span()):
            ref = NumberRef(_canonical_num(m.group("num")), m.group("year"), frozenset())
            found.append((m.start(), ref))
            taken.append(m.span())
    found.sort(key=lambda item: item[0])
    out: list[NumberRef] = []
    for _, ref in found:
        if ref not in out:
            out.append(ref)
    return out, folded, taken


def parse_number(number: str) -> NumberRef | None:
    """Parse a document number as written ("66/2026/NĐ-CP", "Thông tư 17") into a NumberRef."""
    refs = parse_reference(number)
    return refs[0] if refs else None


def ref_matches(ref: NumberRef, number: str) -> bool:
    """True when the loose reference ``ref`` designates the document number ``number``.

    The running numbers must be equal (leading zeros ignored), the years equal when both are
    known, the kinds of document equal when both are known ("NQ" vs "ND"), and the codes of the
    reference, if any, must overlap the number's ("Thông tư 17" matches "17/2012/TT-BGDĐT").
    A number without a kind code and with unit codes is a công văn's ("1847/SGDĐT-GDTrH"):
    "công văn 1847" matches it.
    """
    target = parse_number(number)
    if target is None or target.num != ref.num:
        return False
    if ref.year and target.year and ref.year != target.year:
        return False
    if not ref.codes:
        return True
    ref_kinds = ref.codes & _KIND_CODES
    target_kinds = target.codes & _KIND_CODES
    if ref_kinds and target_kinds and not ref_kinds & target_kinds:
        return False
    if ref_kinds == {"CV"} and not target_kinds and target.codes:
        return True  # công văn numbers carry unit codes only
    target_codes = set(target.codes)
    if "QH" in target_codes:  # passed by the National Assembly: a law or a resolution
        target_codes |= {"LUAT", "NQ"}
    return bool(ref.codes & target_codes) or not target_codes
