"""Describe a document: title, own number, kind, issuer, dates, summary and cited numbers.

Sources, best first: metadata the loader found in the file (front matter), "label: value" and
"label | value" lines of an information table, the header of an official document ("CHÍNH PHỦ",
"Số: 21/2021/NĐ-CP", "Hà Nội, ngày 19 tháng 3 năm 2021", "NGHỊ ĐỊNH" and the line after it; a
letter's "V/v" and "Kính gửi" via :mod:`index.letterhead`), and finally the file name. Text read
by OCR also gets its mean confidence and a low-confidence flag.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import PurePosixPath

from index.docnumbers import find_numbers, number_key, parse_reference, ref_matches
from index.letterhead import parse_letterhead
from index.models import Extracted
from index.textnorm import fold

logger = logging.getLogger(__name__)

NEWS = "Tin tức"
DOC_TYPES = tuple(
    "Nghị quyết;Nghị định;Thông tư;Chỉ thị;Quyết định;Kế hoạch;Công văn;Luật;Kết luận;Hướng dẫn;"
    "Án lệ;Thông báo".split(";")
)
_TYPE_BY_FOLD = {fold(t): t for t in DOC_TYPES} | {
    "bo luat": "Luật",
    "thong tu lien tich": "Thông tư",
}
_TYPE_BY_CODE = dict(
    pair.split("=")
    for pair in (
        "NQ=Nghị quyết;ND=Nghị định;TT=Thông tư;TTLT=Thông tư;CT=Chỉ thị;QD=Quyết định;"
        "KH=Kế hoạch;CV=Công văn;KL=Kết luận;HD=Hướng dẫn;AL=Án lệ;TB=Thông báo"
    ).split(";")
)
# Folded labels of "label: value" / "label | value" lines and the field they fill.
_LABELS = {
    **dict.fromkeys(("so hieu", "so ky hieu", "so"), "number"),
    **dict.fromkeys(("co quan ban hanh", "noi ban hanh"), "issuer"),
    **dict.fromkeys(("ngay hieu luc", "ngay co hieu luc", "hieu luc"), "effective"),
    **dict.fromkeys(("nguon", "nguon chinh", "nguon tham chieu"), "url"),
    "loai van ban": "doc_type",
    "ngay ban hanh": "issued",
    "trich yeu": "summary",
}
_LABEL_LINE = re.compile(r"^[-*•\s]*([^:|]{1,40}?)\s*[:|]\s*(.+?)[\s|]*$")
_ISSUERS = {
    fold(n): n
    for n in (
        "Chính phủ;Quốc hội;Thủ tướng Chính phủ;Ủy ban Thường vụ Quốc hội;Bộ Chính trị;"
        "Ban Bí thư;Ban Chấp hành Trung ương;Tòa án nhân dân tối cao;"
        "Hội đồng Thẩm phán Tòa án nhân dân tối cao;Bộ Giáo dục và Đào tạo;Bộ Tài chính;"
        "Bộ Nội vụ;Bộ Tư pháp;Bộ Y tế;Bộ Khoa học và Công nghệ;"
        "Bộ Lao động - Thương binh và Xã hội;Sở Giáo dục và Đào tạo;Phòng Giáo dục và Đào tạo"
    ).split(";")
}
_NATIONAL = re.compile(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA|Độc lập\s*-\s*Tự do", re.I)
_NUMBER_LINE = re.compile(r"^(?:[^\W\d_]+\s+)?số\s*:\s*(.+)$", re.I)
_PLACE_DATE = re.compile(r"[A-ZĐ][^\W\d_]*(?:\.? [A-ZĐ][^\W\d_]*)*,\s*ngày\s+\d{1,2}\s+tháng")
_GENERIC = set(
    "thong tin van ban;van ban;thong tin chung;can cu phap ly;can cu phap luat;trich yeu;"
    "noi dung chi tiet;noi dung;muc luc;quy dinh chung".split(";")
)
_VN_DATE = re.compile(r"(\d{1,2})\s+tháng\s+(\d{1,2})\s*,?\s+năm\s+(\d{4})", re.I)
_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_YMD = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_ENACTED = re.compile(
    r"\b(Quốc hội|Chính phủ|Hội đồng Thẩm phán Tòa án nhân dân tối cao|Thủ tướng Chính phủ|"
    r"Bộ trưởng (Bộ [^;,.]+?)) (?:ban hành|thông qua)"
)
_ADOPTED = re.compile(r"thông qua (?:vào )?(?:các )?ngày")
_PASSED = re.compile(
    r"này đã được Quốc hội[^.]{0,160}?thông qua ngày\s+(\d{1,2} tháng \d{1,2} năm \d{4})"
)
_OWN_EFFECT = re.compile(
    r"(?:Nghị định|Thông tư|Quyết định|Bộ luật|Luật|Nghị quyết|Chỉ thị|Kế hoạch|Văn bản) này có "
    r"hiệu lực(?: thi hành)?(?: kể)? từ (ngày ký|ngày[^.;\n]{4,30})",
    re.I,
)


def parse_date(text: str) -> str | None:
    """First date in ``text`` as ISO ``YYYY-MM-DD``: "22/05/2026", "2026-05-22", "ngày 26 tháng 6
    năm 2026", "Cập nhật lúc : 17:37 25/04/2014"; None when there is no valid date."""
    found = []
    for pattern, order in ((_VN_DATE, "dmy"), (_DMY, "dmy"), (_YMD, "ymd")):
        m = pattern.search(text)
        if m:
            a, b, c = (int(g) for g in m.groups())
            found.append((m.start(), (c, b, a) if order == "dmy" else (a, b, c)))
    for _, (year, month, day) in sorted(found):
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            continue
    return None


def _plain(line: str) -> str:
    return line.lstrip("#").strip().strip("*").strip()


def _doc_type(value: str | None) -> str | None:
    if not value:
        return None
    key = fold(value).strip()
    for name in sorted(_TYPE_BY_FOLD, key=len, reverse=True):
        if key == name or key.startswith(name + " "):
            return _TYPE_BY_FOLD[name]
    code = re.split(r"[-/\s]", fold(value).upper())[0]
    return _TYPE_BY_CODE.get(code)


def _issuer(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(value.split())
    known = _ISSUERS.get(fold(value))
    if known:
        return known
    if value.isupper():
        for stem, name in sorted(_ISSUERS.items(), key=lambda kv: -len(kv[0])):
            if fold(value).startswith(stem + " "):  # "SỞ GIÁO DỤC VÀ ĐÀO TẠO VĨNH LONG"
                return name + " " + value[len(stem) + 1 :].title()
        return value[0] + value[1:].lower()
    return value


normalise_issuer = _issuer
"""Public name of the issuer normaliser (used by :mod:`index.letterhead`)."""


def _own_number(value: str | None) -> str | None:
    if not value:
        return None
    numbers = [n for n in find_numbers(value) if re.match(r"\d", n)]
    return numbers[0] if numbers else None


def _labels(lines: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in lines:
        m = _LABEL_LINE.match(line)
        if m:
            field = _LABELS.get(fold(m.group(1)).strip())
            value = m.group(2).split(" | ")[0].strip()
            if field and value and field not in out:
                out[field] = value
    return out


def _number_from_name(doc_id: str) -> str | None:
    stem = fold(PurePosixPath(doc_id).stem)
    m = re.search(
        r"(?:^|[-_])(\d{1,4})[-_]((?:19|20)\d{2})[-_](nd|tt|qd|nq|ct|kh)[-_](cp|ttg|bgddt|"
        r"btc|tw|hdtp|bnv|qh\d{2})(?:[-_]|$)",
        stem,
    )
    if not m:
        return None
    kind = {"nd": "NĐ", "qd": "QĐ"}.get(m.group(3), m.group(3).upper())
    body = {"ttg": "TTg", "bgddt": "BGDĐT", "hdtp": "HĐTP"}.get(m.group(4), m.group(4).upper())
    return f"{m.group(1)}/{m.group(2)}/{kind}-{body}"


def _header(lines: list[str]) -> dict[str, str | None]:
    """Issuer, type heading and the line after it from an official document header."""
    out: dict[str, str | None] = {"issuer": None, "type": None, "after": None, "number": None}
    for i, line in enumerate(lines):
        m = _NATIONAL.search(line)
        if m and out["issuer"] is None:
            prefix = _plain(line[: m.start()])
            above = []
            for prev in reversed(lines[:i]):
                prev = _plain(prev)
                if not prev or _NUMBER_LINE.match(prev):
                    if above:
                        break
                    continue
                if not prev.isupper() or _NATIONAL.search(prev) or len(above) >= 2:
                    break
                above.insert(0, prev)
            candidate = prefix if prefix.isupper() and len(prefix) > 2 else " ".join(above)
            out["issuer"] = _issuer(candidate) if candidate else None
    for i, line in enumerate(lines):
        text = _plain(line)
        m = re.match(r"^(.+?)(?:\s+SỐ\s+(\S+))?$", text)
        kind = _doc_type(m.group(1)) if m and m.group(1).isupper() else None
        if kind and (fold(m.group(1)) in _TYPE_BY_FOLD):
            out["type"], out["number"] = kind, _own_number(m.group(2) or "")
            after = [_plain(x) for x in lines[i + 1 : i + 6] if _plain(x)]
            if after and not fold(after[0]).startswith(("can cu", "so ")):
                joined = after[0]
                for nxt in after[1:]:
                    if nxt[:1].islower():
                        joined += " " + nxt
                    else:
                        break
                out["after"] = joined
            break
    return out


def _news_title(lines: list[str]) -> str | None:
    last = None
    for line in lines[:20]:
        text = _plain(line)
        if len(text.split()) >= 30:
            return last
        if len(text) >= 15 and not text.endswith((".", ":")) and not parse_date(text) == text:
            last = text
    return None


def _substantial(lines: list[str]) -> str | None:
    for line in lines[:60]:
        text = _plain(line)
        if (
            len(text) >= 12
            and not _NATIONAL.search(text)
            and not _NUMBER_LINE.match(text)
            and not _PLACE_DATE.match(text)
            and not _is_label(text)
            and fold(text) not in _GENERIC
            and not _doc_type(text) == text.title()
        ):
            return text
    return None


def _is_label(text: str) -> bool:
    m = _LABEL_LINE.match(text)
    return " | " in text or bool(m and fold(m.group(1)).strip() in _LABELS)


def _is_news(doc_id: str) -> bool:
    parts = {fold(p) for p in PurePosixPath(doc_id).parts[:-1]}
    return bool(parts & {"tin-tuc", "tintuc", "tin tuc", "news"})


def _find_number(doc_id: str, meta: dict, labels: dict, lines: list[str], head: dict) -> str | None:
    number = _own_number(meta.get("number")) or _own_number(labels.get("number"))
    for line in lines[:80]:
        m = _NUMBER_LINE.match(_plain(line))
        if number is None and m:
            number = _own_number(m.group(1))
    number = number or head["number"] or _own_number(meta.get("title"))
    return number or _number_from_name(doc_id)


def _find_type(meta: dict, labels: dict, head: dict, number: str | None) -> str | None:
    for value in (meta.get("doc_type"), labels.get("doc_type"), meta.get("title")):
        if _doc_type(value):
            return _doc_type(value)
    if head["type"] or not number:
        return head["type"]
    codes = re.split(r"[-/]", fold(number).upper())
    found = next((_TYPE_BY_CODE[c] for c in codes if c in _TYPE_BY_CODE), None)
    return found or ("Luật" if any(c.startswith("QH") for c in codes) else None)


def _find_issuer(meta: dict, labels: dict, lines: list[str], head: dict) -> str | None:
    issuer = _issuer(meta.get("issuer")) or _issuer(labels.get("issuer"))
    if issuer and fold(issuer) in {"ha noi", "tp. ho chi minh"}:  # "Nơi ban hành | Hà Nội"
        issuer = None
    if issuer or head["issuer"]:
        return issuer or head["issuer"]
    m = _ENACTED.search("\n".join(lines[:60]))
    return (m.group(2) or m.group(1)) if m else None


def _find_issued(text: str, lines: list[str]) -> str | None:
    for line in lines[:80]:
        m = _PLACE_DATE.search(line) or _ADOPTED.search(line)
        if m:
            return parse_date(line[m.start() :])
    m = _PASSED.search(text)
    return parse_date(m.group(1)) if m else None


def _find_title(
    lines: list[str], head: dict, number: str | None, doc_type: str | None
) -> str | None:
    for line in lines[:40]:
        if re.match(r"#{1,2} ", line) and not _NATIONAL.search(line):
            text = _plain(line)
            if fold(text) not in _GENERIC and text.upper() != text:
                return text
    after = head["after"]
    if head["type"] and after:
        if doc_type == "Luật" and after.isupper():  # "BỘ LUẬT" / "DÂN SỰ"
            return f"{head_line(lines, head['type'])} {after[0]}{after[1:].lower()}"
        return f"{head['type']} số {number} - {after}" if number else after
    return _substantial(lines)


def extract_metadata(doc_id: str, extracted: Extracted) -> dict:
    """Describe one document for the index.

    Args:
        doc_id: Path relative to the documents folder, with forward slashes.
        extracted: What the loader found: text and in-file metadata.

    Returns:
        A dict with title (never empty), number, doc_type, issuer, issued and effective (ISO
        dates), summary, cites (tuple of display forms, own number excluded), url, recipients
        (a letter's "Kính gửi"), ocr_confidence (mean over OCR'd pages, None without OCR) and
        ocr_low (that mean is below :data:`index.ocr.LOW_CONFIDENCE`).
    """
    meta, text = extracted.meta, extracted.text
    lines = text[:20000].split("\n")[:300]
    labels = _labels(lines)
    head = _header(lines[:80])
    news = _is_news(doc_id)
    letter = parse_letterhead([] if news else lines[:60])
    number = None if news else _find_number(doc_id, meta, labels, lines, head)
    if letter["number"] and not (meta.get("number") or labels.get("number")):
        number = letter["number"]
    doc_type = NEWS if news else _find_type(meta, labels, head, number) or letter["doc_type"]
    letter_issuer = letter["issuer"] if letter["doc_type"] else None  # a công văn's block
    head_issuer = letter_issuer or head["issuer"] or letter["issuer"]
    issuer = None if news else _find_issuer(meta, labels, lines, {**head, "issuer": head_issuer})

    issued = parse_date(meta.get("issued") or "") or parse_date(labels.get("issued") or "")
    if issued is None:
        issued = parse_date(text[:1500]) if news else letter["issued"] or _find_issued(text, lines)
    effective = parse_date(meta.get("effective") or "") or parse_date(labels.get("effective") or "")
    m = None if news or effective else _OWN_EFFECT.search(text)
    if m:
        effective = issued if "ký" in m.group(1) else parse_date(m.group(1))

    summary = meta.get("summary") or labels.get("summary") or letter.get("summary")
    for i, line in enumerate(lines[:120]):
        if summary is None and fold(_plain(line)) == "trich yeu":
            summary = next((_plain(x) for x in lines[i + 1 : i + 4] if _plain(x)), None)
    if summary is None and not news and doc_type != "Luật":
        summary = head["after"]

    title = meta.get("title") or (_news_title(lines) if news else None)
    if not title and doc_type == "Công văn" and letter.get("summary"):
        title = f"Công văn {number or ''} về việc {letter['summary']}".replace("  ", " ")
    title = title or _find_title(lines, head, number, doc_type) or PurePosixPath(doc_id).stem
    if not news and _doc_type(title):  # "Án lệ số 26/2018/AL về ..."
        number = number or _own_number(title[:80])
        doc_type = doc_type or _doc_type(title)

    own_key = number_key(number) if number else None
    own_refs = parse_reference(number)[:1] if number else []
    cites = tuple(
        n
        for n in find_numbers(text)
        if number_key(n) != own_key and not any(ref_matches(r, n) for r in own_refs)
    )
    return {
        "title": " ".join(title.split()),
        "number": number,
        "doc_type": doc_type,
        "issuer": issuer,
        "issued": issued,
        "effective": effective,
        "summary": " ".join(summary.split()) if summary else None,
        "cites": cites,
        "url": meta.get("url") or _url(labels.get("url")),
        **_letter_and_ocr(letter, extracted),
    }


def _letter_and_ocr(letter: dict, extracted: Extracted) -> dict:
    """Keys present only when found: recipients; ocr_confidence and ocr_low for OCR'd text."""
    from index.ocr import LOW_CONFIDENCE

    out = {"recipients": letter["recipients"]} if letter.get("recipients") else {}
    pages = extracted.ocr_confidence
    if pages:
        mean = round(sum(pages) / len(pages), 1)
        out |= {"ocr_confidence": mean, "ocr_low": mean < LOW_CONFIDENCE}
    return out


def head_line(lines: list[str], kind: str) -> str:
    """The header line that names the kind of a law ("BỘ LUẬT"), in sentence case."""
    for line in lines[:80]:
        text = _plain(line)
        if text.isupper() and _doc_type(text) == kind:
            return text[0] + text[1:].lower()
    return kind


def _url(value: str | None) -> str | None:
    m = re.search(r"https?://\S+", value or "")
    return m.group(0).rstrip(").,;") if m else None
