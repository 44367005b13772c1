"""Structure-aware chunking of Vietnamese documents.

Legal texts are cut along Chương / Mục / Điều / Khoản / Điểm (and Markdown headings); an
article that fits the window stays whole, a longer one is packed khoản by khoản. News is
packed paragraph by paragraph ("Một là, ... Hai là, ..." enumerations stay with their
paragraph). A paragraph longer than the window is split into overlapping windows on sentence
or syllable boundaries. Every chunk keeps its section path and character offsets.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from index.settings import ChunkingSettings

CHUNKER_VERSION = "5"
"""Part of the index signature: raise it when the same text would be cut or labelled
differently, so every install re-chunks its documents (vectors of unchanged passage texts
are reused from the embedding cache). 2: khoản written as Markdown headings ("### 2. ...")
stay in their article. 4: the lines of hard-wrapped text and Markdown files are rejoined into
their paragraphs (``clean.rejoin_wrapped``) before they are cut. 5: not a table's rows."""

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_CHAPTER = re.compile(r"^(Chương\s+[IVXLCDM\d]+)\b\.?\s*(.*)$", re.IGNORECASE)
_PART = re.compile(r"^(Mục\s+\d+)\b\.?\s*(.*)$")
# An annex opens on a line of its own, in capitals ("PHỤ LỤC II", "DANH MỤC CÁC PHỤ LỤC") when
# no Markdown marks it: it ends the last article (its forms are not that article's text).
_ANNEX = re.compile(r"^(?:DANH MỤC (?:CÁC )?)?PHỤ LỤC\b")
_ARTICLE = re.compile(r"^(Điều\s+\d+(?:\.\d+)*(?:\.[A-ZĐ]+(?:\.\d+)+)?[a-zđ]?)[.:]?\s*(.*)$")
_CLAUSE = re.compile(r"^(\d{1,2})\.\s+\S")
_POINT = re.compile(r"^([a-zđ])\)\s+\S")
_SOURCE_NOTE = re.compile(r"^\((Điều\s+\d+\w*)\s+(.+?)\s+số\s+([0-9][\w/.\-]*)", re.IGNORECASE)
_SKIP_LINE = re.compile(r"^(\(Điều này có nội dung liên quan|(?:#+\s*)?\d{12,}$|-{3,}$)")
# Sections that are not the text of the document: tables of contents, and the metadata tables
# and summaries that transcriptions put above the text (the metadata is read from them by
# index/metadata.py; quoting them as the law would mislead).
_SKIP_SECTION = re.compile(
    r"^(danh sách điều khoản|mục lục|thông tin văn bản|tóm tắt(?: nội dung)?|nguồn tham khảo)$",
    re.IGNORECASE,
)
_MD_MARK = re.compile(r"^#{1,6}[ \t]+", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Piece:
    """A chunk before it gets an id: text span plus where it sits in the document."""

    text: str
    section: str
    start: int
    end: int
    page: int | None = None
    context: str = ""
    """Heading line of the article or section the passage belongs to."""


@dataclass
class _Paragraph:
    start: int
    end: int
    section: str
    article: str
    article_key: str
    clause: str
    heading: bool = False
    context: str = ""


def _count(text: str) -> int:
    return len(_WORD.findall(text))


class _Path:
    """The running section path while walking a document top to bottom."""

    def __init__(self) -> None:
        self.levels: dict[str, str] = {}

    def set(self, level: str, label: str) -> None:
        order = ["heading1", "heading2", "chapter", "part", "article", "clause", "point"]
        self.levels[level] = label
        for lower in order[order.index(level) + 1 :]:
            self.levels.pop(lower, None)

    def render(self, upto: str = "point") -> str:
        order = ["chapter", "part", "article", "clause", "point"]
        keep = order[: order.index(upto) + 1]
        parts = [self.levels[k] for k in keep if k in self.levels]
        if not parts:
            parts = [self.levels[k] for k in ("heading1", "heading2") if k in self.levels]
        return " > ".join(parts)


def _paragraphs(text: str) -> list[_Paragraph]:
    """Split into non-empty lines, each tagged with its section path."""
    path = _Path()
    out: list[_Paragraph] = []
    skipping_level = 0
    expect_source = False
    article_key = ""
    context = ""
    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        stripped = line.strip()
        if not stripped or _SKIP_LINE.match(stripped):
            continue
        md = _MD_HEADING.match(stripped)
        heading_text = md.group(2).strip().strip("*") if md else stripped
        level = len(md.group(1)) if md else 0
        if md and skipping_level and level > skipping_level:
            continue
        if md:
            skipping_level = 0
            if _SKIP_SECTION.match(heading_text):
                skipping_level = level
                continue
        elif skipping_level:
            continue
        if m := _ARTICLE.match(heading_text):
            path.set("article", m.group(1))
            article_key = f"{start}:{m.group(1)}"
            context = f"{m.group(1)}. {m.group(2)}".strip(" .")
            expect_source = True
        elif m := _CHAPTER.match(heading_text):
            path.set("chapter", "Chương " + m.group(1).split()[-1].upper())
        elif md is None and (m := _PART.match(heading_text)) and len(heading_text) < 120:
            path.set("part", m.group(1))
        elif md and "article" in path.levels and (m := _CLAUSE.match(heading_text)):
            path.set("clause", f"Khoản {m.group(1)}")  # "### 2. Mức học bổng ..." in an article
        elif md or _is_annex(stripped):
            path.set("heading1" if level <= 2 else "heading2", heading_text[:80])
            article_key = f"{start}:{heading_text[:80]}"
            context = heading_text[:120]
        elif expect_source and (m := _SOURCE_NOTE.match(stripped)):
            article = path.levels.get("article", "")
            path.levels["article"] = f"{article} ({m.group(1)} {m.group(2)} số {m.group(3)})"
        elif "article" in path.levels and (m := _CLAUSE.match(stripped)):
            path.set("clause", f"Khoản {m.group(1)}")
        elif "article" in path.levels and (m := _POINT.match(stripped)):
            path.set("point", f"Điểm {m.group(1)}")
        is_article = bool(_ARTICLE.match(heading_text))
        if not (md or is_article):
            expect_source = expect_source and stripped.startswith("(")
        is_heading = not is_article and bool(
            md or _CHAPTER.match(heading_text) or (stripped.isupper() and len(stripped) < 150)
        )
        out.append(
            _Paragraph(
                start=start,
                end=end,
                section=path.render("clause"),
                article=path.render("article"),
                article_key=article_key if "article" in path.levels else path.render("article"),
                clause=path.levels.get("clause", ""),
                heading=is_heading,
                context=context,
            )
        )
    return out


def _windows(text: str, base: int, max_syll: int, overlap: int) -> list[tuple[int, int]]:
    """Split one long paragraph into overlapping windows, preferring sentence ends."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    sentence_ends = {m.start() for m in _SENTENCE_END.finditer(text)}
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        j = min(i + max_syll, len(words))
        if j < len(words):
            # Back off to the last sentence end inside the window, if it keeps half of it.
            for k in range(j - 1, i + max_syll // 2, -1):
                if words[k][1] in sentence_ends:
                    j = k + 1
                    break
        spans.append((base + words[i][0], base + words[j - 1][1]))
        if j >= len(words):
            break
        i = max(j - overlap, i + 1)
    return spans


def chunk_text(
    text: str, settings: ChunkingSettings, page_starts: tuple[int, ...] = ()
) -> list[Piece]:
    """Cut a normalised document into passages that fit ``settings.max_syllables``."""
    max_syll = settings.max_syllables
    pieces: list[Piece] = []
    group: list[_Paragraph] = []

    def page_of(offset: int) -> int | None:
        return bisect.bisect_right(page_starts, offset) if page_starts else None

    def flush() -> None:
        if not group:
            return
        start, end = group[0].start, group[-1].end
        body = [p for p in group if not p.heading] or group
        pieces.append(
            Piece(
                text[start:end], _group_section(group), start, end, page_of(start), body[-1].context
            )
        )
        group.clear()

    sizes: dict[int, int] = {}
    for para in _paragraphs(text):
        size = _count(text[para.start : para.end])
        sizes[id(para)] = size
        if size > max_syll:
            flush()
            for s, e in _windows(
                text[para.start : para.end], para.start, max_syll, settings.overlap_syllables
            ):
                pieces.append(Piece(text[s:e], para.section, s, e, page_of(s), para.context))
            continue
        anchor = next((p for p in group if not p.heading), None)
        too_big = sum(sizes[id(p)] for p in group) + size > max_syll
        if group and (
            too_big or (anchor and (para.heading or anchor.article_key != para.article_key))
        ):
            flush()
        group.append(para)
    flush()
    return _whole_articles(_merge_tiny(pieces, text, settings))


def plain_text(text: str) -> str:
    """Passage text as a reader sees it: Markdown heading marks ("### Điều 3.") dropped.

    Applied when a piece becomes a :class:`~index.models.Chunk`; pieces keep the document's
    own characters so their offsets stay exact.
    """
    return _MD_MARK.sub("", text)


def _is_annex(line: str) -> bool:
    """An annex's opening line without Markdown marks: a top-level heading (see _ANNEX)."""
    return bool(_ANNEX.match(line)) and line.isupper() and len(line) < 150


def article_of(section: str) -> str:
    """The section path up to and including its "Điều" element ("" when there is none)."""
    parts = section.split(" > ")
    for n, part in enumerate(parts):
        if part.startswith("Điều"):
            return " > ".join(parts[: n + 1])
    return ""


def article_key(section: str) -> str:
    """What groups passages into one article: its "Điều" path, or the whole section path of a
    passage outside any article (a news item's heading, an annex)."""
    return article_of(section) or section


def _whole_articles(pieces: list[Piece]) -> list[Piece]:
    """An article that fits in one passage is cited as the article, without a khoản range."""
    counts: dict[str, int] = {}
    for piece in pieces:
        key = article_of(piece.section)
        counts[key] = counts.get(key, 0) + 1
    out = []
    for piece in pieces:
        key = article_of(piece.section)
        if key and counts[key] == 1 and key != piece.section:
            piece = replace(piece, section=key)
        out.append(piece)
    return out


def _group_section(group: list[_Paragraph]) -> str:
    """Section path of a run of paragraphs: the article, plus the khoản when it is just one."""
    body = [p for p in group if not p.heading] or group
    article = body[-1].article  # the last one has seen the article's source note, if any
    clauses = [p.clause for p in body if p.clause]
    if not clauses:
        return article or body[-1].section
    first, last = clauses[0], clauses[-1]
    first_n, last_n = first.removeprefix("Khoản "), last.removeprefix("Khoản ")
    ascending = first_n.isdigit() and last_n.isdigit() and int(last_n) > int(first_n)
    label = f"{first}-{last_n}" if ascending else first
    if body[0].clause and first == last:
        label = body[0].section.removeprefix(body[0].article).strip(" >").split(" > Điểm")[0]
    return f"{article} > {label}" if article else label


def _merge_tiny(pieces: list[Piece], text: str, settings: ChunkingSettings) -> list[Piece]:
    """Fold passages below ``min_syllables`` (a lone heading) into the following one."""
    out: list[Piece] = []
    carry: Piece | None = None
    for piece in pieces:
        if carry is not None:
            merged_size = _count(text[carry.start : piece.end])
            if (
                merged_size <= settings.max_syllables
                and carry.section.split(" > ")[0] == (piece.section.split(" > ")[0])
            ):
                section = piece.section or carry.section
                piece = replace(
                    piece,
                    text=text[carry.start : piece.end],
                    section=section,
                    start=carry.start,
                    page=carry.page,
                )
            else:
                out.append(carry)
            carry = None
        if _count(piece.text) < settings.min_syllables:
            carry = piece
            continue
        out.append(piece)
    if carry is not None:
        out.append(carry)
    return out


def split_piece(piece: Piece) -> list[Piece]:
    """Halve a passage that is still too long for the model's window (on a word boundary)."""
    words = list(_WORD.finditer(piece.text))
    if len(words) < 2:
        return [piece]
    cut = words[len(words) // 2].start()
    first = piece.text[:cut].rstrip()
    second = piece.text[cut:]
    return [
        replace(piece, text=first, end=piece.start + len(first)),
        replace(piece, text=second, start=piece.start + cut),
    ]


def heading_for(title: str, section: str, context: str = "", max_words: int = 30) -> str:
    """Short context line (title, article heading or section path) prepended for indexing."""
    words = f"{title} | {context or section}".strip(" |").split()
    return " ".join(words[:max_words])
