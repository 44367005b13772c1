"""Remove website boilerplate from extracted text without touching real sentences.

News pages saved as text carry visit counters, "Các tin khác" headline lists, print/email
buttons, pagination rows and breadcrumb words. They are dropped line by line; an update stamp
("Cập nhật lúc : 17:37 25/04/2014") is moved out of the text into the metadata.
"""

from __future__ import annotations

import logging
import re
import unicodedata

logger = logging.getLogger(__name__)

_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"

# A whole line that is only a site widget or counter.
_BOILERPLATE = re.compile(
    r"^(?:"
    r"(?:tổng|lượt) truy cập\s*:?\s*[\d.,]*"
    r"|(?:đang|truy cập hiện tại|đang online|online)\s*(?:truy cập)?\s*:?\s*[\d.,]*"
    r"|thống kê truy cập|lượt xem\s*:?\s*[\d.,]*|số lượt xem\s*:?\s*[\d.,]*"
    r"|(?:hôm nay|hôm qua|trong tuần|tuần này|tháng này|tất cả)\s*:\s*[\d.,]+"
    r"|(?:quay lại\s*)?(?:in bài viết|in trang|bản in)(?:\s*gửi email)?"
    r"|quay lại|về đầu trang|gửi email|gửi bài viết|gửi cho bạn bè|chia sẻ"
    r"|chưa có bình luận nào(?: cho bài viết)?|xem tin theo ngày|đăng nhập|tìm kiếm"
    r"|-{3}\s*page\s*-{3}"  # page-break markers left by PDF-to-Markdown converters
    r")\s*$",
    re.IGNORECASE,
)
# A row of pagination links: "Trang đầu 1 2 3 4 5 Trang sau Trang cuối", "« Trang trước".
_PAGE_WORD = r"(?:trang đầu|trang trước|trang sau|trang cuối|trang tiếp|«|»|‹|›|\.\.\.|…)"
_PAGINATION = re.compile(rf"^(?:(?:{_PAGE_WORD}|\d{{1,3}})\s*)+$", re.IGNORECASE)
_RULE = re.compile(r"^[-_=—–~*•.·\s]{3,}$")
# Headings of the lists of other articles that close a news page.
_TAIL_MARKERS = (
    "các tin khác",
    "tin khác",
    "các tin liên quan",
    "tin liên quan",
    "tin cùng chuyên mục",
    "các bài viết khác",
    "bài viết khác",
    "bài viết liên quan",
    "tin trong ngành",
    "tin mới",
    "tin mới nhất",
    "tin đọc nhiều",
    "tin nổi bật",
    "xem tin theo ngày",
    "thống kê truy cập",
    "quay lại in bài viết",
    "ý kiến bạn đọc",
)
# Single breadcrumb or menu words, dropped only among the first lines of a page.
_TOP_NAV = {
    "trang chủ",
    "tin tức",
    "tin tức - sự kiện",
    "tin tức sự kiện",
    "văn phòng",
    "tìm kiếm",
    "giới thiệu",
    "liên hệ",
    "chung nhan tin nhiem mang",
    "chứng nhận tín nhiệm mạng",
}
_UPDATED = re.compile(
    rf"^.{{0,24}}?(?:cập nhật lúc|ngày cập nhật|cập nhật|ngày đăng|đăng lúc|ngày đăng tin)\s*:?\s*"
    rf"(?:{_TIME}\s*,?\s*)?(?P<date>{_DATE})(?:\s*,?\s*{_TIME})?\s*$",
    re.IGNORECASE,
)
_STAMP = re.compile(rf"^\(?\s*(?P<date>{_DATE})\s+{_TIME}\s*\)?$")
_SENTENCE_END = re.compile(r"[.!?…:;]\s*$")
# A Pháp điển article heading glued to the end of the previous article's last sentence
# ("... cá nhân.Điều 5.2.TT.35.4. Nguyên tắc ..."): without a line break the article is read as
# part of the one before it and cited as that article.
_GLUED_ARTICLE = re.compile(r"(?<=[^\s\d])(?=Điều\s+\d+\.\d+\.[A-ZĐ]+(?:\.\d+)+\.\s)")


def _is_headline_list(lines: list[str]) -> bool:
    """True when the lines after a marker look like headlines and widgets, not article text."""
    for line in lines:
        words = len(line.split())
        if words > 40 or (words > 25 and _SENTENCE_END.search(line)):
            return False
    return True


def _split_marker(line: str) -> tuple[str, bool]:
    """Return (text before a tail marker that ends the line, whether a marker was found)."""
    low = line.lower().rstrip(" :")
    for marker in _TAIL_MARKERS:
        if low == marker:
            return "", True
        if low.endswith(marker) and len(low) > len(marker):
            before = line[: len(low) - len(marker)]
            # Glued widget text such as "...cho bài viếtCác tin khác" has no space before it.
            if not before[-1:].isspace():
                return before.strip(), True
    return line, False


def clean_text(text: str) -> tuple[str, dict[str, str]]:
    """Drop website boilerplate lines.

    Args:
        text: Extracted document text (any Unicode form).

    Returns:
        The cleaned text and metadata found while cleaning (``issued`` from an update stamp,
        as the raw date string).
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _GLUED_ARTICLE.sub("\n\n", text)
    lines = text.split("\n")
    meta: dict[str, str] = {}
    kept: list[str] = []
    seen_content = 0
    for index, raw in enumerate(lines):
        line = raw.strip().lstrip("•·").strip()
        if not line:
            kept.append("")
            continue
        head, is_marker = _split_marker(line)
        if is_marker:
            rest = [r.strip() for r in lines[index + 1 :] if r.strip()]
            if _is_headline_list(rest):
                if head and not _BOILERPLATE.match(head):
                    kept.append(head)
                break
        stamp = _UPDATED.match(line) or _STAMP.match(line)
        if stamp:
            meta.setdefault("issued", stamp.group("date"))
            continue
        if _BOILERPLATE.match(line) or _is_pagination(line) or _RULE.match(line):
            continue
        if seen_content < 6 and _is_top_nav(line):
            continue
        seen_content += 1
        kept.append(raw.rstrip())
    return "\n".join(kept), meta


def _is_pagination(line: str) -> bool:
    if not _PAGINATION.match(line):
        return False
    return bool(re.search(_PAGE_WORD, line, re.IGNORECASE)) or len(line.split()) >= 3


def _is_top_nav(line: str) -> bool:
    low = line.lower()
    if low in _TOP_NAV:
        return True
    return low.startswith("trang chủ") and (">" in low or "»" in low or "/" in low)


# --- Markdown markup ------------------------------------------------------------------------

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_ITALIC = re.compile(r"(?<![*\w])\*(?![\s*])([^*\n]+?)(?<![\s*])\*(?![*\w])")
_HTML_TAG = re.compile(r"</?(?:p|div|span|b|i|strong|em|u|sup|sub|font|center)\b[^>]*>", re.I)
_TABLE_RULE = re.compile(r"^:?-{2,}:?$")


def _table_row(line: str) -> str | None:
    """Turn "| a | b |" into "a | b"; None for separator or empty rows."""
    cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())]
    if cells and not cells[0]:
        cells = cells[1:]
    if cells and not cells[-1]:
        cells = cells[:-1]
    if not cells or all(not c or _TABLE_RULE.match(c) for c in cells):
        return None
    return " | ".join(c for c in cells if c)


def strip_markdown(text: str) -> str:
    """Plain text from Markdown, keeping the structure the chunker needs.

    Headings stay as "#" lines, "Điều N." lines are untouched, bold/italic markers go, tables
    become "cell | cell" lines (separator rows dropped), links keep their text only.
    """
    out: list[str] = []
    for raw in re.sub(r"<br\s*/?>", "\n", text, flags=re.I).split("\n"):
        line = raw.strip()
        if line.startswith("```") or line.startswith("~~~"):
            continue
        if re.fullmatch(r"(?:[-*_]\s*){3,}", line):
            out.append("")
            continue
        line = re.sub(r"^(?:>\s?)+", "", line)
        line = _IMAGE.sub(r"\1", line)
        line = _LINK.sub(r"\1", line)
        line = _AUTOLINK.sub(r"\1", line)
        line = _HTML_TAG.sub("", line)
        line = line.replace("**", "").replace("__", "")
        line = _ITALIC.sub(r"\1", line)
        if line.startswith("|"):
            row = _table_row(line)
            if row is None:
                continue
            line = row
        elif line.startswith("#"):
            line = re.sub(r"\s+#+\s*$", "", line)
        line = re.sub(r"^[*+]\s+", "- ", line)
        out.append(line)
    return "\n".join(out)


# --- PDF line repair ------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"^(?:-\s*)?\d{1,4}(?:\s*-)?$|^(?:trang|page)\s+\d+(?:\s*/\s*\d+)?$", re.I
)
_STRUCTURAL = re.compile(
    r"^(?:Điều|Chương|Mục|Phần|PHẦN|CHƯƠNG|MỤC|Phụ lục|PHỤ LỤC)\b|^\d+[.)]|^[a-zđ]\)|^[-+•*\[(]"
)
_END = ".!?:;…"


def continues(before: str, after: str) -> bool:
    """True when ``after`` continues the sentence that ``before`` leaves unfinished."""
    before, after = before.rstrip(), after.lstrip()
    if not before or not after or before[-1] in _END:
        return False
    return after[0].isalpha() and after[0].islower() and not _STRUCTURAL.match(after)


def _edge_indexes(lines: list[str]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:2] + filled[-2:]))


def _join_lines(lines: list[str]) -> str:
    lengths = sorted(len(line) for line in lines if line)
    width = lengths[int(len(lengths) * 0.9)] if lengths else 0
    paragraphs: list[str] = []
    current = ""
    last = ""
    for line in lines:
        if not line:
            if current:
                paragraphs.append(current)
            current = last = ""
            continue
        if current and current[-1] == "-" and current[-2:-1].isalpha() and line[0].islower():
            current = current[:-1] + line  # word hyphenated across the line end
        elif current and continues(current, line):
            current += " " + line
        elif (
            current
            and current[-1] not in _END
            and len(last) >= 0.8 * width
            and not _STRUCTURAL.match(line)
            and not line.isupper()
        ):
            current += " " + line  # a full line running on into a proper noun or a number
        else:
            if current:
                paragraphs.append(current)
            current = line
        last = line
    if current:
        paragraphs.append(current)
    return "\n".join(paragraphs)


# A text file is hard-wrapped (an OCR or PDF transcription saved line by line) when this share
# of its lines runs on into the next: the eight bundled ones run on at 35-57%, typed texts
# and web pages at under 5%.
WRAPPED_SHARE = 0.2


def rejoin_wrapped(text: str) -> str:
    """Rejoin the lines of a hard-wrapped text file into its paragraphs, as PDFs' are.

    A line running on into the next (no closing mark, the next opens in lower case and is no
    khoản, điểm or heading) is joined to it in any text. In a hard-wrapped one also: lone page
    numbers go, a sentence runs on across them and the blank lines around them, and a full
    line runs on into a proper noun or number (as :func:`repair_pages` does). Otherwise the
    chunker, which reads one line as one paragraph, cuts a điểm in two.
    """
    lines = [line.rstrip() for line in text.split("\n")]
    filled = [line for line in lines if line.strip()]
    runs = sum(
        1 for a, b in zip(lines, lines[1:], strict=False)
        if a.strip() and b.strip() and continues(a, b)
    )
    wrapped = len(filled) >= 20 and runs >= WRAPPED_SHARE * len(filled)
    lengths = sorted(len(line) for line in filled)
    width = lengths[int(len(lengths) * 0.9)] if lengths else 0
    out: list[str] = []
    gap = False  # blank lines or page numbers since the last kept line
    last = ""
    for line in lines:
        stripped = line.strip()
        if not stripped or (wrapped and _PAGE_NUMBER.match(stripped)):
            gap = True
            continue
        prev = out[-1] if out else ""
        # a table row ("giáo viên mầm non | 45%", as strip_markdown leaves it) is a line of its own
        row = " | " in stripped or " | " in prev
        joined = bool(prev) and not row and continues(prev, stripped) and (not gap or wrapped)
        if not joined and wrapped and prev and not gap and not row:
            joined = (
                prev[-1] not in _END
                and len(last) >= 0.8 * width
                and not _STRUCTURAL.match(stripped)
                and not stripped.startswith(("#", "|"))
                and not stripped.isupper()
                and not prev.lstrip().startswith("#")
            )
        if joined:
            out[-1] = f"{prev} {stripped}"
        else:
            if gap and out:
                out.append("")
            out.append(line)
        gap = False
        last = stripped
    return "\n".join(out)


def repair_pages(pages: list[list[str]]) -> list[str]:
    """Repair the text lines of PDF pages; return one text per page.

    Drops lone page numbers and running headers/footers repeated on most pages, repairs words
    hyphenated across line ends and joins lines broken inside a sentence.
    """
    pages = [[" ".join(line.split()) for line in page] for page in pages]
    counts: dict[str, int] = {}
    for page in pages:
        for sig in {re.sub(r"\d+", "#", page[i].lower()) for i in _edge_indexes(page)}:
            counts[sig] = counts.get(sig, 0) + 1
    threshold = max(3, (len(pages) + 1) // 2)
    out = []
    for page in pages:
        drop = set()
        for i in _edge_indexes(page):
            sig = re.sub(r"\d+", "#", page[i].lower())
            if _PAGE_NUMBER.match(page[i]) or (len(pages) >= 3 and counts[sig] >= threshold):
                drop.add(i)
        kept = [line for i, line in enumerate(page) if i not in drop]
        out.append(_join_lines(kept))
    return out
