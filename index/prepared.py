"""Passage facts worked out when a build is written, read back when a passage is a candidate.

For each of its ~40 candidates the ranking stage needs the passage's folded words, word pairs,
heading words and facets (:func:`index.features.view_of`) and what each of its clauses states
(:func:`index.answer.clause_facts`). Worked out at question time that is 0.5-1 ms for a
passage not met before, most of the stage's cost on a new or large collection, where the
caches (and ``Engine.warm``) cannot hold every passage. The builder therefore stores them, one
record per passage (marshal), in ``prepared.bin`` with its offsets in ``prepared.npy``;
reading a record back costs well under 0.1 ms.

Records carry a fingerprint of the code that computes them. After an upgrade changes that
code, an older build's records are ignored (its passages are worked out on first sight, as
without records) until the next reindex writes new ones, so they can never disagree with it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
import mmap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index import answer, features, fusion
from index.answer import (
    CLAUSE_CACHE,
    clause_facts,
    clause_readings,
    prepared_held,
    reading_key,
    remember_clauses,
)
from index.features import view_of
from index.models import Chunk

logger = logging.getLogger(__name__)

DATA, OFFSETS, META = "prepared.bin", "prepared.npy", "prepared.json"
# The modules whose code decides what a record holds.
_SOURCES = ("answer.py", "facets.py", "features.py", "lexicon.py", "textnorm.py", "prepared.py")


def _fingerprint() -> str:
    """A digest of those modules' source ("" when it cannot be read: records then never are)."""
    try:
        code = b"".join((Path(__file__).parent / name).read_bytes() for name in _SOURCES)
    except OSError:  # installed without its sources
        return ""
    return hashlib.blake2b(code, digest_size=8).hexdigest()


FINGERPRINT = _fingerprint()


def forget_caches() -> None:
    """Empty the per-text caches (clause facts, word bags, shingles) and the clause facts
    read from records: the next questions meet every passage for the first time, as after a
    restart (the bench's "passages new", and tests comparing records with working out)."""
    for module in (answer, features, fusion):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
    answer.forget_prepared()


def record(chunk: Chunk, previous: Chunk | None, title: str) -> tuple[bytes, bytes]:
    """One passage's record: its view, and its clause readings with their facts in the order
    of :func:`index.answer.clause_readings` (each marshalled; not compressed, which would
    double the time to read them). Two parts, as every candidate needs the first and only
    the best ones the second."""
    carried, readings = clause_readings(chunk, previous)
    facts = clause_facts([reading_key(chunk, carried, r) for r in readings])
    view = marshal.dumps(view_of(chunk, title))
    return view, marshal.dumps((carried, readings, facts))


def _previous(chunks: Sequence[Chunk], i: int) -> Chunk | None:
    """The passage whose id is one less, when it is of the same document (the one a passage's
    first điểm may take its khoản's lead-in from)."""
    if i == 0:
        return None
    before, chunk = chunks[i - 1], chunks[i]
    same = before.chunk_id == chunk.chunk_id - 1 and before.doc_id == chunk.doc_id
    return before if same else None


def write(
    folder: Path,
    chunks: Sequence[Chunk],
    titles: dict[str, str],
    reuse: Callable[[Chunk], tuple[bytes, bytes] | None] = lambda chunk: None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> None:
    """Write the records of a build's passages (in its order) into ``folder``; ``reuse``
    gives the record of a passage an earlier build holds."""
    # Row 0: where each record starts (and the end); row 1: where its clause part starts;
    # row 2: the passage's id (each row padded to one length with a leading -1).
    table = np.full((3, len(chunks) + 1), -1, dtype=np.int64)
    table[0, 0] = 0
    made = 0
    with open(folder / DATA, "wb") as out:
        for i, chunk in enumerate(chunks):
            parts = reuse(chunk)
            if parts is None:
                parts = record(chunk, _previous(chunks, i), titles[chunk.doc_id])
                made += 1
            view, clauses = parts
            out.write(view)
            out.write(clauses)
            table[1, i + 1] = table[0, i] + len(view)
            table[0, i + 1] = table[1, i + 1] + len(clauses)
            table[2, i + 1] = chunk.chunk_id
            if i % 500 == 0:
                progress(i, len(chunks))
    progress(len(chunks), len(chunks))
    np.save(folder / OFFSETS, table)
    meta = {"fingerprint": FINGERPRINT, "passages": len(chunks)}
    (folder / META).write_text(json.dumps(meta), encoding="utf-8")
    logger.info("prepared %d passages, %d taken from the previous build", made, len(chunks) - made)


class PreparedPassages:
    """A build's records, memory-mapped: read one by one as passages become candidates."""

    def __init__(self, data: mmap.mmap | bytes, table: np.ndarray) -> None:
        self._data = data
        self._starts = table[0].tolist()
        self._clauses = table[1].tolist()
        self._ids = table[2, 1:].tolist()
        self._by_id: dict[int, int] | None = None
        self._read: set[int] = set()
        """Positions whose clause facts were handed over (cleared when it grows large)."""
        self._failed = False

    @classmethod
    def open(cls, folder: Path, chunks: Sequence[Chunk]) -> PreparedPassages | None:
        """The records of a build folder, or None when it has none for this code and these
        passages (an older build, or one written before an upgrade: worked out as needed)."""
        try:
            meta: dict[str, Any] = json.loads((folder / META).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        if not FINGERPRINT or meta.get("fingerprint") != FINGERPRINT:
            logger.info("build %s: its prepared passages are from other code: ignored", folder)
            return None
        table = np.load(folder / OFFSETS)
        if table[2, 1:].tolist() != [c.chunk_id for c in chunks]:
            logger.warning("build %s: prepared passages do not match its passages", folder.name)
            return None
        with open(folder / DATA, "rb") as f:
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if table[0, -1] else b""
        return cls(data, table)

    def parts(self, chunk_id: int) -> tuple[bytes, bytes] | None:
        """The stored record of a passage, by passage id (for reuse by a new build)."""
        if self._by_id is None:
            self._by_id = {c: pos for pos, c in enumerate(self._ids)}
        pos = self._by_id.get(chunk_id)
        if pos is None:
            return None
        start, middle, end = self._starts[pos], self._clauses[pos + 1], self._starts[pos + 1]
        return bytes(self._data[start:middle]), bytes(self._data[middle:end])

    def view(self, pos: int) -> tuple | None:
        """The view of the passage at ``pos``; None when it cannot be read (then it is worked
        out)."""
        if self._failed:
            return None
        try:
            return marshal.loads(self._data[self._starts[pos] : self._clauses[pos + 1]])
        except Exception as exc:  # noqa: BLE001 - a damaged record: work passages out instead
            self._fail(exc)
            return None

    def clauses(self, state, positions: Sequence[int]) -> int:  # noqa: ANN001 - a Snapshot
        """Hand the clause facts of these passages of the served build to
        :mod:`index.answer`, those not handed over yet. Returns how many clause readings."""
        if self._failed:
            return 0
        if len(self._read) > CLAUSE_CACHE // 4 or not prepared_held():
            self._read.clear()  # some (or all) have left the clause table since
        handed = 0
        for pos in positions:
            if pos in self._read:
                continue
            self._read.add(pos)
            chunk = state.chunks[pos]
            try:
                carried, readings, facts = marshal.loads(
                    self._data[self._clauses[pos + 1] : self._starts[pos + 1]]
                )
                remember_clauses([reading_key(chunk, carried, r) for r in readings], facts)
            except Exception as exc:  # noqa: BLE001 - as in view()
                self._fail(exc)
                return handed
            handed += len(readings)
        return handed

    def _fail(self, exc: Exception) -> None:
        logger.error("prepared passages unreadable (%s): worked out as needed instead", exc)
        self._failed = True
