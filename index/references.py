"""Document numbers in questions: which documents a question names, holds, or only cites.

Functions over a :class:`~index.snapshot.Snapshot`; the engine uses them for its number fast
path and for /vanban-style lookups.
"""

from __future__ import annotations

import re

from index.docnumbers import NumberRef, find_numbers, parse_reference, ref_matches
from index.models import DocumentInfo
from index.snapshot import Snapshot
from index.textnorm import fold, normalize_line

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

    Falls back to a file-name match ("nghi-dinh-66") when the text holds no reference.
    """
    line = normalize_line(text)
    named = named_documents(snapshot, parse_reference(line))
    folded = fold(line).strip()
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
