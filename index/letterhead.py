"""The header of an official letter (công văn) and of other administrative documents.

Reads, from the first lines of a document::

    UBND TỈNH QUẢNG TRỊ              CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
    SỞ GIÁO DỤC VÀ ĐÀO TẠO                Độc lập - Tự do - Hạnh phúc
    Số: 1847/SGDĐT-GDTrH             Quảng Trị, ngày 16 tháng 9 năm 2026
    V/v hướng dẫn tổ chức kiểm tra
    Kính gửi: Hiệu trưởng các trường trung học phổ thông.

The two columns may arrive side by side on one line (OCR, antiword's "a | b" table rows) or one
after the other (DOCX header tables); OCR may garble a letter or two ("Sô:", "Quẳng Trị").
"""

from __future__ import annotations

import datetime as dt
import re

from index.docnumbers import find_numbers
from index.textnorm import fold

# Where the right-hand column starts inside a merged line (matched on folded text).
_RIGHT = re.compile(
    r"cong ho[a-z]? xa hoi|doc lap\s*[-–]|(?<!\S)[a-z]+(?: [a-z]+){0,3}\s*,\s*ngay\s+\d{1,2}\s+th"
)
# "Số: 1847/SGDĐT-GDTrH" as OCR reads it ("Sô:", "S6:", "Số 1847 /SGDĐT-GDTrH" at a line start).
_NUMBER = re.compile(
    r"(?:^\W*s[o06]\s*[:;.]?|\ss[o06]\s*[:;.])\s*"
    r"(\d{1,5}\s*/\s*[^\s,;/-]+(?:\s*[-/]\s*[^\s,;/-]+)*)"
)
_PLACE_DATE = re.compile(
    r"(?P<place>[a-z]+(?: [a-z]+){0,3})\s*,\s*ngay\s+(?P<d>\d{1,2})\s+thang\s+(?P<m>\d{1,2})"
    r"\s+nam\s+(?P<y>\d{4})"
)
_SUBJECT = re.compile(r"^[\W_]*v\s*/\s*v\b\.?\s*:?\s*")
_TO = re.compile(r"^[\W_]*kinh\s+gui\s*:?\s*")
_PARENT_PLACE = re.compile(
    r"^(?:ubnd|uy ban nhan dan)\s+(?:tinh|thanh pho|tp\.?|huyen|quan|thi xa)\s"
)
_NOISE = re.compile(r"[\s\-_.,:;|~'\"“”]+$|^[\s\-_.,:;|~'\"“”]+")


def _columns(line: str) -> tuple[str, str]:
    """Split a header line into its left and right column (either may be empty)."""
    if " | " in line:
        left, _, right = line.partition(" | ")
        return left.strip(), right.strip()
    folded = fold(line)
    for m in _RIGHT.finditer(folded):
        if m.group(0).startswith(("cong", "doc")) or line[m.start()].isupper():
            return _clean(line[: m.start()]), line[m.start() :].strip()
    return line.strip(), ""


def _clean(text: str) -> str:
    return _NOISE.sub("", text).strip()


def _is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _number(text: str) -> str | None:
    m = _NUMBER.search(fold(text))
    if m is None:
        return None
    raw = re.sub(r"\s*([-/])\s*", r"\1", text[m.start(1) : m.end(1)])
    found = [n for n in find_numbers(raw) if n[:1].isdigit()]
    return found[0] if found else None


def _issuer(block: list[str]) -> str | None:
    """ "UBND TỈNH QUẢNG TRỊ" + "SỞ GIÁO DỤC VÀ ĐÀO TẠO" -> "Sở Giáo dục và Đào tạo Quảng Trị"."""
    from index.metadata import normalise_issuer

    if not block:
        return None
    body = normalise_issuer(block[-1])
    if len(block) >= 2 and body and fold(body) == fold(block[-1]):
        parent = fold(block[-2])
        m = _PARENT_PLACE.match(parent)
        if m and fold(body).startswith(("so ", "phong ")):
            place = block[-2][m.end() :].strip()
            body = f"{body} {place.title()}"
    return body


def parse_letterhead(lines: list[str]) -> dict[str, str | None]:
    """Header fields of an administrative document, from its first lines.

    Returns:
        A dict with number (số hiệu), issuer, place, issued (ISO date), summary (trích yếu
        without "V/v"), recipients ("Kính gửi"), and doc_type "Công văn" when the letter has
        a trích yếu and a number without a document-kind code; values are None when absent.
    """
    out: dict[str, str | None] = dict.fromkeys(
        ("number", "issuer", "place", "issued", "summary", "recipients", "doc_type")
    )
    block: list[str] = []
    subject: list[str] = []
    for i, raw in enumerate(lines[:60]):
        left, right = _columns(raw)
        for part in (left, right):
            _place_date(part, out)
        folded = fold(left)
        if out["number"] is None and (number := _number(left)):
            out["number"] = number
            out["issuer"] = out["issuer"] or _issuer(block)
            continue
        if out["number"] is None and _is_caps(left) and out["summary"] is None:
            block = (block + [_clean(left)])[-2:]
        if out["summary"] is None and _SUBJECT.match(folded):
            subject = [left[_SUBJECT.match(folded).end() :]]
            for nxt in lines[i + 1 : i + 4]:
                more, _ = _columns(nxt)
                if not more or _TO.match(fold(more)) or _is_caps(more) or _number(more):
                    break
                subject.append(more)
            out["summary"] = _clean(" ".join(" ".join(subject).split())) or None
        if out["recipients"] is None and _TO.match(folded):
            out["recipients"] = _recipients(left[_TO.match(folded).end() :], lines[i + 1 : i + 8])
    if out["summary"] and out["number"] and _kindless(out["number"]):
        out["doc_type"] = "Công văn"
    return out


def _place_date(text: str, out: dict[str, str | None]) -> None:
    if out["issued"] is not None:
        return
    m = _PLACE_DATE.search(fold(text))
    if m is None:
        return
    try:
        out["issued"] = dt.date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
    except ValueError:
        return
    out["place"] = text[m.start("place") : m.end("place")].strip()


def _recipients(first: str, following: list[str]) -> str | None:
    names = [_clean(first)] if _clean(first) else []
    for line in following:
        line = line.strip()
        if not line.startswith(("-", "+", "•")):
            break
        names.append(_clean(line))
    return "; ".join(n for n in names if n) or None


def _kindless(number: str) -> bool:
    """A number whose codes name no kind of document ("1847/SGDĐT-GDTrH", not "12/KH-SGDĐT")."""
    from index.docnumbers import KIND_CODES

    codes = {fold(c).upper() for c in re.split(r"[-/]", number)[1:]}
    return not codes & KIND_CODES
