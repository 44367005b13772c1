"""One published index build held in memory: documents, passages, BM25, FAISS, tone model."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from index import store
from index.access import Access, Readable, readable
from index.duplicates import canonical_copies
from index.embed_cache import text_key
from index.facets import form_passages
from index.lexical import LexicalIndex
from index.models import Chunk, DocumentInfo
from index.prepared import PreparedPassages
from index.references import replaced_passages
from index.sources import mark_compilations, other_sector, sources_by_number
from index.textnorm import token_of
from index.tones import ToneRestorer
from index.topics import held_topics
from index.vectors import VectorIndex

MAX_CACHED_ACCESS = 64
"""Distinct accesses whose readable sets a build keeps (few: one per combination of grants)."""


class SpanVectors:
    """Dense vectors of every passage's candidate bold spans (``answer.span_texts``).

    They let the engine weigh spans by meaning without encoding them per question, and give
    the ranker each passage's closest span to the question.
    """

    def __init__(self, keys: np.ndarray, chunk_ids: np.ndarray, matrix: np.ndarray) -> None:
        self.matrix = matrix
        """float16, as stored: half the memory (about 250 MB at 100,000 passages)."""
        self.row_of = {str(k): i for i, k in enumerate(keys)}
        self.rows: dict[int, list[int]] = {}
        """Chunk id -> its spans' rows."""
        for row, chunk_id in enumerate(chunk_ids.tolist()):
            self.rows.setdefault(chunk_id, []).append(row)

    def __len__(self) -> int:
        return len(self.matrix)

    def vector(self, text: str) -> np.ndarray | None:
        """The stored vector of a span text (None when the build has none for it)."""
        row = self.row_of.get(text_key(text))
        return None if row is None else self.matrix[row].astype(np.float32)

    def closest(self, chunk_id: int, query: np.ndarray) -> float:
        """The highest cosine between the query and the passage's spans (NaN: none stored)."""
        rows = self.rows.get(chunk_id)
        if rows is None:
            return float("nan")
        return float(np.max(self.matrix[rows].astype(np.float32) @ query))


@dataclass
class Snapshot:
    """One published build held in memory."""

    build_id: str
    manifest: dict[str, Any]
    docs: dict[str, DocumentInfo]
    chunks: list[Chunk]
    by_doc: dict[str, list[int]]
    texts: dict[str, str]
    lexical: LexicalIndex
    vectors: VectorIndex | None
    position: dict[int, int]
    all_cites: frozenset[str] = field(default_factory=frozenset)
    tones: ToneRestorer | None = None
    replaced: dict[int, str] = field(default_factory=dict)
    """Position of a passage from a replaced text -> number of the document that replaced it."""
    mentions: dict[tuple, set[int]] = field(default_factory=dict)
    sourced: dict[tuple, dict[str, list[int]]] = field(default_factory=dict)
    """Numbers named in questions -> compilation passages taken from those documents."""
    by_source: dict[str, list[int]] = field(default_factory=dict)
    """Number of a document a compilation takes articles from -> their passages, in order."""
    other_sector: frozenset[int] = frozenset()
    """Positions of compiled articles of other ministries' rules for their own staff."""
    sources: dict[int, str] = field(default_factory=dict)
    """Position of a compilation's passage -> the document and article it comes from."""
    hidden: frozenset[int] = frozenset()
    """Positions of passages in copies of a document served from a cleaner copy."""
    hidden_docs: frozenset[str] = frozenset()
    feature_cache: dict[int, tuple] = field(default_factory=dict)
    """Per-passage folded words and facets for the ranker's features, filled on first use or by
    ``Engine.warm`` (at most ``answer.PASSAGE_CACHE`` passages, the oldest leaving first)."""
    replaced_in: dict[int, str] = field(default_factory=dict)
    """Position of a passage from a replaced text -> collection of the replacing document
    (readers who cannot read that collection are not told of the replacement)."""
    readable: dict[Access, Readable] = field(default_factory=dict)
    """What each access seen so far may read in this build (see :meth:`readable_for`)."""
    spans: SpanVectors | None = None
    """Vectors of the passages' candidate bold spans (None in a build without vectors)."""
    prepared: PreparedPassages | None = None
    """The passages' words, facets and clause facts as the build stored them (None: worked
    out on first use, see :mod:`index.prepared`)."""
    forms: frozenset[int] = frozenset()
    """Positions of the passages that are a text's forms or the list of its annexes
    (:func:`index.facets.form_passages`): they rank after the rules."""
    topics: frozenset[str] = frozenset()
    """The topics of :mod:`index.topics` some served passage names (one pass over every
    passage's text when the build is loaded, ~0.7 s for 7,000 passages)."""

    def readable_for(self, access: Access) -> Readable:
        """The readable documents and positions of this build for an access (cached)."""
        found = self.readable.get(access)
        if found is None:
            ids = np.fromiter((c.chunk_id for c in self.chunks), np.int64, len(self.chunks))
            found = readable(access, self.docs, self.by_doc, ids)
            if self.vectors is not None:
                found.selector = self.vectors.selector(found.chunk_ids)
            if len(self.readable) > MAX_CACHED_ACCESS:
                self.readable.clear()
            self.readable[access] = found
        return found


def load_verified(folder: Path, nprobe: int) -> Snapshot:
    """Verify a build's checksums, then load it.

    Raises:
        IndexCorrupt: the build fails verification or cannot be read.
    """
    store.verify(folder)
    try:
        return load_snapshot(folder, nprobe)
    except Exception as exc:  # truncated JSON, FAISS or BM25 files raise many kinds
        raise store.IndexCorrupt(
            f"build {folder.name} cannot be read ({type(exc).__name__}: {exc})"[:400]
        ) from exc


def load_snapshot(folder: Path, nprobe: int) -> Snapshot:
    """Read a published build folder into memory."""
    manifest = store.read_manifest(folder)
    docs = {
        r["doc_id"]: store.doc_from_row(r) for r in store.read_jsonl(folder / "documents.jsonl")
    }
    chunks = [store.chunk_from_row(r) for r in store.read_jsonl(folder / "chunks.jsonl")]
    by_doc: dict[str, list[int]] = {}
    for pos, chunk in enumerate(chunks):
        by_doc.setdefault(chunk.doc_id, []).append(pos)
    texts = {r["doc_id"]: r["text"] for r in store.read_jsonl(folder / "texts.jsonl")}
    faiss_path = folder / "vectors.faiss"
    vectors = VectorIndex.load(faiss_path, nprobe) if faiss_path.exists() else None
    lexical = LexicalIndex.load(folder / "bm25")
    docs, sources = mark_compilations(docs, chunks)
    served = _copies_by_collection(docs, texts, lexical)
    hidden_docs = frozenset(d for copies in served.values() for d in copies)
    for doc_id, copies in served.items():
        docs[doc_id] = replace(docs[doc_id], copies=copies)
    replacements = replaced_passages(docs, chunks)
    stored = store.load_span_vectors(folder)
    hidden = frozenset(p for d in hidden_docs for p in by_doc.get(d, []))
    return Snapshot(
        build_id=manifest["build_id"],
        manifest=manifest,
        docs=docs,
        chunks=chunks,
        by_doc=by_doc,
        texts=texts,
        lexical=lexical,
        vectors=vectors,
        position={c.chunk_id: pos for pos, c in enumerate(chunks)},
        all_cites=frozenset(c for d in docs.values() for c in d.cites),
        tones=ToneRestorer.load(folder / "tones.json")
        if (folder / "tones.json").exists()
        else None,
        replaced={p: number for p, (number, _) in replacements.items()},
        replaced_in={p: collection for p, (_, collection) in replacements.items()},
        sources=sources,
        by_source=sources_by_number(sources),
        other_sector=frozenset(p for p, source in sources.items() if other_sector(source)),
        hidden=hidden,
        hidden_docs=hidden_docs,
        forms=form_passages(chunks),
        topics=held_topics(c.text for pos, c in enumerate(chunks) if pos not in hidden),
        spans=SpanVectors(*stored) if stored is not None and len(stored[0]) else None,
        prepared=PreparedPassages.open(folder, chunks),
    )


def _copies_by_collection(
    docs: dict[str, DocumentInfo], texts: dict[str, str], lexical: LexicalIndex
) -> dict[str, tuple[str, ...]]:
    """Copies of one document served once, within each collection only: a copy in another
    collection stays a document of its own, so a public copy never names an internal one."""
    served: dict[str, tuple[str, ...]] = {}
    for name in sorted({d.collection for d in docs.values()}):
        members = {k: d for k, d in docs.items() if d.collection == name}
        served.update(canonical_copies(members, texts, lambda w: lexical.df.get(token_of(w), 0)))
    return served

