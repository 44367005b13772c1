"""Telegram HTML for answers, document cards and lists; splitting at passage boundaries.

Pure functions over the engine's dataclasses: no Telegram objects here, so the console and
tests use exactly what the bot sends. Every value coming from documents or users is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from bot import messages
from index.models import Answer, Chunk, DocumentInfo, Excerpt, Hit, Span
from index.textnorm import fold

MAX_MESSAGE = 4096
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|[^<&]+|[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")


def esc(text: object) -> str:
    """Escape text for Telegram HTML."""
    return html.escape(str(text), quote=False)


def size(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


# --- Highlighting ------------------------------------------------------------------------------
def _cut_left(text: str, pos: int) -> int:
    """Move pos right to the next word boundary."""
    if pos <= 0:
        return 0
    space = text.find(" ", pos)
    return pos if space == -1 or space - pos > 30 else space + 1


def _cut_right(text: str, pos: int) -> int:
    """Move pos left to the previous word boundary."""
    if pos >= len(text):
        return len(text)
    space = text.rfind(" ", 0, pos)
    return pos if space == -1 or pos - space > 30 else space


def excerpt(text: str, span: Span | None, limit: int) -> str:
    """HTML excerpt of at most ~limit characters around the engine's span, which is bolded.

    The excerpt keeps the span's first range (a khoản's lead-in) and its last (the điểm) in view
    when they fit; ranges are character offsets in ``text`` chosen by the engine.
    """
    ranges = [(a, b) for a, b in (span.ranges if span else ()) if 0 <= a < b <= len(text)]
    s, e = (ranges[0][0], ranges[-1][1]) if ranges else (0, 0)
    if e - s > limit:  # lead-in and điểm too far apart: keep the điểm
        ranges = ranges[-1:]
        s, e = ranges[0]
    if len(text) <= limit:
        a, b = 0, len(text)
    else:
        room = max(0, limit - (e - s))
        a = max(0, s - room // 3)
        b = min(len(text), max(a + limit, e))
        a = max(0, min(a, b - max(limit, e - s)))
        a, b = _cut_left(text, a), _cut_right(text, b) if b < len(text) else b
    head = "…" if a > 0 else ""
    tail = "…" if b < len(text) else ""
    out, pos = [head], a
    for ra, rb in ranges:
        ra, rb = max(ra, pos), min(rb, b)
        if rb <= ra:
            continue
        out += [esc(text[pos:ra]), "<b>", esc(text[ra:rb]), "</b>"]
        pos = rb
    out += [esc(text[pos:b]), tail]
    return "".join(out)


# --- Sources and answers -----------------------------------------------------------------------
def format_date(iso: str | None) -> str | None:
    """ "2026-05-22" -> "22/05/2026" (other text is returned unchanged)."""
    if not iso:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    return f"{match[3]}/{match[2]}/{match[1]}" if match else iso


def short(text: str, limit: int) -> str:
    """Text cut to limit characters at a word boundary, with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: _cut_right(text, limit - 1)] + "…"


def source_line(doc: DocumentInfo, section: str = "", source: str | None = None) -> str:
    """HTML source line: số hiệu, title, date, section path, file name.

    A compilation's passage is cited by the document and article it comes from (``source``),
    with the compilation named as where it was found.
    """
    parts = []
    if source:
        section = _compiled_article(section)
        parts.append(f"<b>{esc(_cited(source, section))}</b>")
        parts.append(esc(messages.FOUND_IN_COMPILATION.format(title=short(doc.title, 80))))
    if doc.number:
        parts.append(f"<b>{esc(doc.number)}</b>")
    if doc.title and doc.title != doc.number and not source:
        parts.append(esc(short(doc.title, 140)))
    issued = format_date(doc.issued)
    if issued:
        parts.append(esc(messages.ISSUED_ON.format(date=issued)))
    if section:
        parts.append(f"<i>{esc(section)}</i>")
    parts.append(esc(messages.SOURCE_FILE.format(name=PurePosixPath(doc.doc_id).name)))
    if doc.ocr_low:
        parts.append(esc(messages.SCANNED_NOTE))
    return messages.SOURCE.format(source=" · ".join(parts))


def _compiled_article(section: str) -> str:
    """A compilation passage's own article element ("Điều 5.2.LQ.56"), with the khoản and
    điểm the answer names ("> Khoản 1 > Điểm a"; ranges such as "Khoản 1-2" left out)."""
    elements = section.split(" > ") if section else []
    start = next((n for n, e in enumerate(elements) if e.startswith("Điều")), None)
    if start is None:
        return ""
    narrower = [
        e for e in elements[start + 1 :] if e.startswith(("Khoản", "Điểm")) and "-" not in e
    ]
    return " > ".join([elements[start].split(" (")[0], *narrower])


def _cited(source: str, section: str) -> str:
    """A source article cited the Vietnamese way, narrowest first: "điểm a khoản 1 Điều 56
    Luật số 58/2010/QH12" for the source "Điều 56 Luật số 58/2010/QH12" and a section ending
    "> Khoản 1 > Điểm a"."""
    narrower = [e for e in section.split(" > ")[1:] if e.startswith(("Khoản", "Điểm"))]
    return " ".join([*(e[0].lower() + e[1:] for e in reversed(narrower)), source])


def _passage(hit: Hit, span: Span | None, limit: int) -> str:
    block = excerpt(hit.chunk.text, span, limit)
    if span is not None and span.lead:  # the khoản began in the passage before
        block = f"<b>{esc(span.lead)}</b> …\n{block}"
    section = span.section if span is not None and span.section else hit.chunk.section
    block += "\n" + source_line(hit.doc, section, hit.source)
    if hit.superseded_by:
        block += "\n" + esc(messages.SUPERSEDED.format(number=hit.superseded_by))
    if hit.copies:
        block += "\n" + esc(messages.ALSO_IN.format(count=len(hit.copies)))
    return block


def answer_blocks(answer: Answer, passage_chars: int) -> list[str]:
    """HTML blocks of the first answer message (or the plain 'nothing found' message).

    Renders the engine's decision as it is: its passages in order, its bold spans, and a
    warning header when the engine doubts they answer (``answer.uncertain``).
    """
    if answer.abstained and answer.reason == "no_article":  # the document held, not the article
        article, number = answer.missing
        return [messages.NO_ARTICLE.format(article=esc(article), number=esc(number))]
    if answer.abstained and answer.missing:
        quoted = [f"“{m}”" for m in answer.missing]
        about = esc(", ".join(quoted[:-1]) + " và " + quoted[-1] if len(quoted) > 1 else quoted[0])
        # Asking again without a year or province finds the general rule; without the topic,
        # nothing: the collection holds no text on it.
        if answer.reason == "unheld_topic":
            return [messages.NO_ANSWER_TOPIC.format(about=about)]
        if answer.reason == "unmet_topic":  # held elsewhere: asking again without it is no help
            return [messages.NO_ANSWER_PASSAGE.format(about=about)]
        return [messages.NO_ANSWER_ABOUT.format(about=about)]
    if answer.abstained and answer.reason == "no_sum":
        return [messages.NO_ANSWER_SUM]
    if answer.abstained or not answer.passages:
        return [messages.NO_ANSWER]
    first, *others = answer.passages
    header = messages.UNCERTAIN_HEADER if answer.uncertain else messages.ANSWER_HEADER
    blocks = [header + "\n" + _passage(first, answer.span, passage_chars)]
    for i, (hit, span) in enumerate(zip(others, answer.spans[1:], strict=True)):
        head = messages.OTHER_HEADER + "\n" if i == 0 else ""
        blocks.append(head + _passage(hit, span, max(200, passage_chars // 2)))
    return blocks


def more_blocks(hits: Sequence[Hit], start: int, passage_chars: int) -> list[str]:
    """HTML blocks of a 'Xem thêm' page; start is the 1-based rank of its first passage."""
    if not hits:
        return [messages.NO_MORE]
    blocks = [messages.MORE_HEADER.format(start=start)]
    blocks += [f"{start + i}. " + _passage(hit, None, passage_chars) for i, hit in enumerate(hits)]
    return blocks


def article_blocks(hit: Hit, text: str, max_messages: int | None = None) -> list[str]:
    """HTML blocks of a whole article: a source header, then its paragraphs.

    With ``max_messages``, a longer article is cut (between paragraphs, or inside one over
    3,000 characters) so that the blocks pack into that many messages, the last block
    pointing to where the rest can be read.
    """
    head = messages.ARTICLE_HEADER.format(
        source=source_line(hit.doc, hit.chunk.section, hit.source)
    )
    paragraphs = [p for p in text.strip().split("\n\n") if p.strip()]
    blocks = [head] + [esc(p) for p in paragraphs]
    if max_messages is None or len(pack(blocks)) <= max_messages:
        return blocks
    pieces = [piece for p in paragraphs for piece in _pieces(p, 3000)]
    rest = messages.ARTICLE_REST.format(
        chars=len(text), number=esc(hit.doc.number or hit.doc.doc_id), file=esc(hit.doc.doc_id)
    )
    kept = len(pieces)
    while kept and len(pack([head, *map(esc, pieces[:kept]), rest])) > max_messages:
        kept -= 1
    return [head, *map(esc, pieces[:kept]), rest]


def _pieces(paragraph: str, limit: int) -> list[str]:
    """A paragraph cut at spaces into pieces of at most ``limit`` characters."""
    out = []
    while len(paragraph) > limit:
        cut = paragraph.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else limit
        out.append(paragraph[:cut])
        paragraph = paragraph[cut:].lstrip()
    return [*out, paragraph]


# --- Documents ---------------------------------------------------------------------------------
def document_card(doc: DocumentInfo, cited_by: Sequence[DocumentInfo], limit: int = 10) -> str:
    """HTML card of one document with the documents that cite it."""
    lines = [messages.CARD_TITLE.format(title=esc(doc.title))]
    fields = (
        (messages.CARD_NUMBER, doc.number),
        (messages.CARD_TYPE, doc.doc_type),
        (messages.CARD_ISSUER, doc.issuer),
        (messages.CARD_ISSUED, format_date(doc.issued)),
        (messages.CARD_EFFECTIVE, format_date(doc.effective)),
        (messages.CARD_SUMMARY, doc.summary and short(doc.summary, 600)),
        (messages.CARD_RECIPIENTS, doc.recipients and short(doc.recipients, 300)),
        (messages.CARD_FILE, doc.doc_id),
        (messages.CARD_COPIES, ", ".join(PurePosixPath(c).name for c in doc.copies)),
        (messages.CARD_OCR, doc.ocr_confidence is not None and f"{doc.ocr_confidence:.0f}%"),
        (messages.CARD_PASSAGES, doc.n_chunks),
    )
    lines += [template.format(value=esc(value)) for template, value in fields if value]
    if doc.ocr_low:
        lines.append(esc(messages.SCANNED_NOTE))
    return "\n".join(lines + _cited_lines(cited_by, limit))


def excerpt_card(excerpt: Excerpt, cited_by: Sequence[DocumentInfo], limit: int = 10) -> str:
    """HTML card of a document held only as articles of a compilation, with the documents
    that cite it."""
    lines = [
        messages.EXCERPT_TITLE.format(name=esc(excerpt.name)),
        esc(messages.EXCERPT_HELD.format(
            compilation=excerpt.compilation.title, count=len(excerpt.articles),
            file=excerpt.compilation.doc_id,
        )),
    ]
    return "\n".join(lines + _cited_lines(cited_by, limit))


def _cited_lines(cited_by: Sequence[DocumentInfo], limit: int) -> list[str]:
    """ "Được dẫn chiếu bởi:" and the citing documents, at most ``limit`` of them."""
    if not cited_by:
        return []
    lines = [messages.CARD_CITED_BY] + [f"• {document_label(d, 120)}" for d in cited_by[:limit]]
    if len(cited_by) > limit:
        lines.append(esc(messages.CARD_CITED_MORE.format(count=len(cited_by) - limit)))
    return lines


def document_label(doc: DocumentInfo, limit: int = 60, markup: bool = True) -> str:
    """ "số hiệu – title" (HTML unless markup is False, for button labels)."""
    number = doc.number or messages.NO_NUMBER
    title = short(doc.title, limit)
    if markup:
        return f"<b>{esc(number)}</b> – {esc(title)}"
    return short(f"{number} – {title}", limit)


def article_key(section: str) -> str:
    """Section path cut after its Điều ("Chương II > Điều 3 > Khoản 5" -> "... > Điều 3")."""
    parts = [p.strip() for p in section.split(">") if p.strip()]
    for i, part in enumerate(parts):
        if fold(part).startswith("dieu"):
            return " > ".join(parts[: i + 1])
    return " > ".join(parts)


def sections(chunks: Iterable[Chunk]) -> list[tuple[str, int]]:
    """Distinct articles of a document as (label, index of their first chunk)."""
    out: list[tuple[str, int]] = []
    seen: set[str] = set()
    for i, chunk in enumerate(chunks):
        key = article_key(chunk.section)
        if key and key not in seen:
            seen.add(key)
            out.append((key.split(" > ")[-1], i))
    return out


def document_list(docs: Sequence[DocumentInfo], page: int, page_size: int) -> tuple[str, int]:
    """HTML of one page of the document list (newest first) and the number of pages."""
    if not docs:
        return messages.LIST_EMPTY, 1
    pages = (len(docs) + page_size - 1) // page_size
    page = min(max(page, 0), pages - 1)
    lines = [messages.LIST_HEADER.format(count=len(docs), page=page + 1, pages=pages)]
    for i, doc in enumerate(docs[page * page_size : (page + 1) * page_size], page * page_size + 1):
        date = format_date(doc.issued)
        lines.append(f"{i}. {document_label(doc, 90)}" + (f" ({esc(date)})" if date else ""))
    return "\n".join(lines), pages


# --- Splitting and plain text ------------------------------------------------------------------
def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split one HTML string into pieces of at most limit, cutting at line or word breaks.

    Tags open at a cut are closed at the end of the piece and reopened in the next one.
    """
    if size(text) <= limit:
        return [text]
    pieces: list[str] = []
    stack: list[tuple[str, str]] = []
    cur = ""

    def closing() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(stack))

    def flush() -> None:
        nonlocal cur
        pieces.append(cur + closing())
        cur = "".join(tag for _, tag in stack)

    for token in _TOKEN.findall(text):
        tag = _TAG.fullmatch(token)
        if tag or token.startswith("&"):
            if size(cur) + size(token) + size(closing()) + 8 > limit and cur.strip():
                flush()
            cur += token
            if tag and tag[1]:
                if stack and stack[-1][0] == tag[2].lower():
                    stack.pop()
            elif tag:
                stack.append((tag[2].lower(), token))
            continue
        while token:
            room = limit - size(cur) - size(closing()) - 8
            if size(token) <= room:
                cur += token
                break
            cut = _break_at(token, max(room, 0))
            if cut == 0:
                if cur.strip() and cur != "".join(t for _, t in stack):
                    flush()
                    continue
                cut = max(1, _fit(token, room))
            cur += token[:cut]
            flush()
            token = token[cut:].lstrip(" ")
    if cur.strip() and cur != "".join(t for _, t in stack):
        pieces.append(cur + closing())
    return [p.strip() for p in pieces if p.strip()]


def _fit(text: str, room: int) -> int:
    """Number of leading characters of text that fit in room UTF-16 units."""
    n = min(len(text), max(room, 0))
    while n > 0 and size(text[:n]) > room:
        n -= 1
    return n


def _break_at(text: str, room: int) -> int:
    """Best cut position within room: a blank line, a line break, then a space (0 if none)."""
    room = _fit(text, room)
    window = text[:room]
    for sep in ("\n\n", "\n", " "):
        pos = window.rfind(sep)
        if pos > room // 3:
            return pos + len(sep)
    pos = window.rfind(" ")
    return pos + 1 if pos > 0 else 0


def pack(blocks: Sequence[str], limit: int = MAX_MESSAGE, sep: str = "\n\n") -> list[str]:
    """Join blocks into as few messages as possible, never cutting inside a block that fits."""
    out: list[str] = []
    cur = ""
    for block in blocks:
        for piece in split_html(block, limit):
            if cur and size(cur) + size(sep) + size(piece) <= limit:
                cur += sep + piece
            else:
                if cur:
                    out.append(cur)
                cur = piece
    if cur:
        out.append(cur)
    return out


def html_to_text(text: str, bold: tuple[str, str] = ("", "")) -> str:
    """Plain text for the terminal: tags dropped (<b> replaced by bold[0]..bold[1]), unescaped."""
    text = re.sub(r"<b>", bold[0], text)
    text = re.sub(r"</b>", bold[1], text)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)
