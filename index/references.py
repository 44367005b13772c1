"""Document numbers in questions: which documents a question names, holds, or only cites.

Functions over a :class:`~index.snapshot.Snapshot`; the engine uses them for its number fast
path and for /vanban-style lookups.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from index.docnumbers import NumberRef, find_numbers, number_key, parse_reference, ref_matches
from index.models import Chunk, DocumentInfo
from index.textnorm import fold, normalize_line

if TYPE_CHECKING:  # the snapshot loader uses replaced_passages below
    from index.snapshot import Snapshot

MAX_CACHED = 1000


def named_documents(snapshot: Snapshot, refs: list[NumberRef]) -> set[str]:
    """Documents whose own number matches one of the references."""
    return {
        doc_id
        for doc_id, doc in snapshot.docs.items()
        if doc.number and any(ref_matches(ref, doc.number) for ref in refs)
    }


def cited_anywhere(snapshot: Snapshot, refs: list[NumberRef]) -> bool:
    """True when some document of the collection cites one of these numbers."""
    return any(ref_matches(ref, cite) for ref in refs for cite in snapshot.all_cites)


def mentioning(snapshot: Snapshot, refs: list[NumberRef]) -> set[int]:
    """Positions of passages, in documents citing one of the numbers, that mention it (cached)."""
    key = tuple(refs)
    if key not in snapshot.mentions:
        if len(snapshot.mentions) > MAX_CACHED:
            snapshot.mentions.clear()
        snapshot.mentions[key] = _find_mentions(snapshot, refs)
    return snapshot.mentions[key]


def sourced(snapshot: Snapshot, refs: list[NumberRef]) -> dict[str, list[int]]:
    """Passages of compilations taken from one of the numbered documents, by that document's
    number, in reading order (cached): a Pháp điển compilation holds "Nghị định 24/2021"
    article by article, so a question naming it is answered from those articles."""
    key = tuple(refs)
    if key not in snapshot.sourced:
        if len(snapshot.sourced) > MAX_CACHED:
            snapshot.sourced.clear()
        snapshot.sourced[key] = {
            number: positions
            for number, positions in snapshot.by_source.items()
            if any(ref_matches(ref, number) for ref in refs)
        }
    return snapshot.sourced[key]


def source_name(text: str, source: str) -> str:
    """ "Nghị định số 24/2021/NĐ-CP Quy định việc quản lý ..." from a compiled article's note
    "(Điều 1 Nghị định số 24/2021/NĐ-CP Quy định việc quản lý ... ngày 23/03/2021 của Chính
    phủ, có hiệu lực ...)"; the kind and number of ``source`` ("Điều 1 Nghị định số ...")
    when the note gives no title."""
    named = re.sub(r"^Điều\s+\S+\s+", "", source)
    start = text.find(named)
    if start < 0:
        return named
    rest = text[start + len(named) :].split(")")[0]
    title = re.split(r"\s+ngày\s+\d|,?\s+có hiệu lực", rest, maxsplit=1)[0].strip(" ,")
    return f"{named} {title}" if title else named


_COMPILED_HEADING = re.compile(r"Điều \d+\.\d+\.[A-ZĐ]+\.[\d.]*\d\.?[ \t]+([^\n]+)")


def article_label(chunk: Chunk, source: str) -> str:
    """ "Điều 2. Giải thích từ ngữ" for a compiled article taken from "Điều 2 Luật số ..."."""
    article = re.match(r"Điều\s+\S+", source)
    heading = _COMPILED_HEADING.search(f"{chunk.context}\n{chunk.text}")
    label = article.group(0) if article else source
    return f"{label}. {heading.group(1).strip()}" if heading else label


def _find_mentions(snapshot: Snapshot, refs: list[NumberRef]) -> set[int]:
    patterns = [re.compile(rf"(?<!\d)0*{re.escape(ref.num)}(?!\d)") for ref in refs]
    found = set()
    for doc in citing_documents(snapshot, refs):
        for pos in snapshot.by_doc.get(doc.doc_id, []):
            text = snapshot.chunks[pos].text
            if any(p.search(text) for p in patterns) and any(
                ref_matches(ref, n) for n in find_numbers(text) for ref in refs
            ):
                found.add(pos)
    return found


def _newest_first(docs: list[DocumentInfo]) -> list[DocumentInfo]:
    return sorted(docs, key=lambda d: (d.issued or "", d.title), reverse=True)


def citing_documents(snapshot: Snapshot, refs: list[NumberRef]) -> list[DocumentInfo]:
    """Documents citing one of the numbers, newest first."""
    return _newest_first(
        [
            doc
            for doc in snapshot.docs.values()
            if any(ref_matches(ref, cite) for cite in doc.cites for ref in refs)
        ]
    )


def find_by_number(snapshot: Snapshot, text: str) -> list[DocumentInfo]:
    """Documents whose own number matches a loosely typed reference ("nghi quyet 29").

    A bare running number ("1847") matches every document numbered so; otherwise falls back to
    a file-name match ("nghi-dinh-66") when the text holds no reference.
    """
    line = normalize_line(text)
    named = named_documents(snapshot, parse_reference(line))
    folded = fold(line).strip()
    bare = re.fullmatch(r"(?:so\s*)?0*(\d{1,5})", folded)
    if not named and bare:  # "/vanban 1847": a công văn is known by its running number
        ref = NumberRef(bare.group(1), None, frozenset())
        named = named_documents(snapshot, [ref])
    if not named and folded:
        named = {d for d in snapshot.docs if folded in fold(d)}
    return _newest_first([snapshot.docs[d] for d in named])


def cited_by(snapshot: Snapshot, doc_id: str) -> list[DocumentInfo]:
    """Other documents that cite this document's number."""
    doc = snapshot.docs.get(doc_id)
    if doc is None or not doc.number:
        return []
    return _newest_first(
        [
            other
            for other in snapshot.docs.values()
            if other.doc_id != doc_id
            and other.number != doc.number
            and any(
                ref_matches(ref, doc.number)
                for cite in other.cites
                for ref in parse_reference(cite)
            )
        ]
    )


_SOURCE_NOTE = re.compile(r"\bsố ([0-9][^\s)]*)\)")
_KIND = r"(?:nghị định|thông tư(?: liên tịch)?|quyết định|nghị quyết|luật|chỉ thị)"
# What a passage says it replaces. Each pattern's group 1 holds the replaced numbers:
# "Thông tư này thay thế Thông tư số 09/2020/TT-BGDĐT ...",
# "Nghị định số 90/2020/NĐ-CP ... hết hiệu lực thi hành kể từ ngày Nghị định này có hiệu lực",
# "- Bãi bỏ: Quyết định số 244/2005/QĐ-TTg ..." (a line of the repealing document).
_REPLACES = (
    re.compile(rf"{_KIND} này thay thế (.{{0,400}}?)(?:\.\s|$)", re.IGNORECASE),
    re.compile(
        rf"([^.;]{{0,400}}?) hết hiệu lực(?: thi hành)? (?:kể )?từ ngày {_KIND} này có hiệu lực",
        re.IGNORECASE,
    ),
    re.compile(r"^[-*•\s]*bãi bỏ\s*:?\s+(?!bởi)([^\n]{0,400})", re.IGNORECASE | re.MULTILINE),
)


_CANDIDATE = re.compile(r"thay thế|hết\s+hiệu\s+lực|bãi bỏ", re.IGNORECASE)


def superseded_numbers(
    docs: dict[str, DocumentInfo], chunks: list[Chunk]
) -> dict[str, tuple[str, str]]:
    """Number key of each text that a passage of the collection replaces -> (the replacing
    number, the collection of the document saying so).

    The replacing text is the passage's source (the document, or the decree an article of a
    codification comes from). Only explicit sentences count; a codification's notes that an
    article "được bãi bỏ bởi ..." are not read as replacing whole documents.
    """
    replaced: dict[str, tuple[str, str]] = {}
    for chunk in chunks:
        if not _CANDIDATE.search(chunk.text):
            continue
        replacing = source_number(chunk, docs[chunk.doc_id])
        if not replacing:
            continue
        own = number_key(replacing)
        flat = " ".join(chunk.text.split())  # PDF line breaks cut sentences ("hết hiệu\nlực")
        for pattern, text in zip(_REPLACES, (flat, flat, chunk.text), strict=True):
            for match in pattern.finditer(text):
                for number in find_numbers(match.group(1)):
                    key = number_key(number)
                    if key != own and "/" in number:
                        replaced.setdefault(key, (replacing, docs[chunk.doc_id].collection))
    return replaced


def source_number(chunk: Chunk, doc: DocumentInfo) -> str | None:
    """The number of the text a passage comes from: the article's source note in a
    codification ("Điều 13 Nghị định số 90/2020/NĐ-CP"), else the document's own number."""
    match = _SOURCE_NOTE.search(chunk.section)
    return match.group(1) if match else doc.number


def replaced_passages(
    docs: dict[str, DocumentInfo], chunks: list[Chunk]
) -> dict[int, tuple[str, str]]:
    """Position of each passage whose source text the collection replaced -> (replacing
    number, collection of the replacing document: only its readers are told)."""
    replaced = superseded_numbers(docs, chunks)
    if not replaced:
        return {}
    out = {}
    for pos, chunk in enumerate(chunks):
        number = source_number(chunk, docs[chunk.doc_id])
        by = replaced.get(number_key(number)) if number else None
        if by:
            out[pos] = by
    return out
