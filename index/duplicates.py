"""One document, one answer: copies of the same text collapse into their cleanest copy.

Collections gather the same decree more than once (a clean transcription, an abridged one, an
OCR-garbled scan: "mâm non", "Trường Hữu nghị 0"). Copies are found by their số hiệu, and, for
documents without one, by the overlap of their word shingles. Each group is served from the
copy with the fewest rare syllables (OCR errors are syllables no other passage uses), then the
longest; the others are kept as its "copies" and never quoted on their own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from index.docnumbers import number_key
from index.models import DocumentInfo
from index.textnorm import syllables

SHINGLE = 5
SIMILAR = 0.8
"""Share of shingles two number-less documents must have in common to be copies."""
MAX_SAMPLE_CHARS = 200_000
_WORD = re.compile(r"\w+")


def copy_groups(docs: dict[str, DocumentInfo], texts: dict[str, str]) -> list[list[str]]:
    """Groups (of two or more doc_ids) holding the same document."""
    by_number: dict[str, list[str]] = {}
    loose: list[str] = []
    for doc_id, doc in sorted(docs.items()):
        key = number_key(doc.number) if doc.number and not doc.compilation else ""
        if key:
            by_number.setdefault(key, []).append(doc_id)
        else:
            loose.append(doc_id)
    groups = [ids for ids in by_number.values() if len(ids) > 1]
    groups += _similar_groups(loose, texts)
    return groups


def _shingles(text: str) -> set[int]:
    words = _WORD.findall(text[:MAX_SAMPLE_CHARS].lower())
    return {hash(tuple(words[i : i + SHINGLE])) for i in range(max(0, len(words) - SHINGLE + 1))}


# Only documents sharing enough shingles are compared (comparing every pair took 6 s for the
# 870 documents of the 10k-passage bench corpus, and grows with their square). A shingle held
# by more than COMMON_SHINGLE documents is boilerplate ("Sở Giáo dục và Đào tạo ...") and
# proposes no pair: copies share many others.
COMMON_SHINGLE = 200


def _candidates(doc_ids: list[str], sets: dict[str, set[int]]) -> dict[str, set[str]]:
    """For each document, the later ones (in ``doc_ids`` order) that may hold SIMILAR of the
    smaller one's shingles: the shingles they share outside boilerplate, plus the boilerplate
    either may share, reach it (an upper bound, so no copy is missed)."""
    n = len(doc_ids)
    sizes = np.asarray([len(sets[d]) for d in doc_ids], dtype=np.int64)
    owner = np.repeat(np.arange(n, dtype=np.int64), sizes)
    shingle = np.fromiter(
        (h for d in doc_ids for h in sets[d]), dtype=np.int64, count=int(sizes.sum())
    )
    if len(shingle) == 0:
        return {}
    order = np.argsort(shingle, kind="stable")
    shingle, owner = shingle[order], owner[order]
    starts = np.flatnonzero(np.r_[True, shingle[1:] != shingle[:-1]])
    runs = np.diff(np.r_[starts, len(shingle)])
    common = runs > COMMON_SHINGLE
    boiler = np.bincount(owner[np.repeat(common, runs)], minlength=n)
    keys = []
    pairs_of_two = starts[runs == 2]
    keys.append(owner[pairs_of_two] * n + owner[pairs_of_two + 1])
    for start, size in zip(starts[(runs > 2) & ~common], runs[(runs > 2) & ~common], strict=True):
        holders = np.unique(owner[start : start + size])
        a, b = np.triu_indices(len(holders), k=1)
        keys.append(holders[a] * n + holders[b])
    pair, shared = np.unique(np.concatenate(keys), return_counts=True)
    a, b = pair // n, pair % n
    possible = shared + np.minimum(boiler[a], boiler[b]) >= SIMILAR * np.minimum(sizes[a], sizes[b])
    found: dict[str, set[str]] = {}
    for i, j in zip(a[possible].tolist(), b[possible].tolist(), strict=True):  # i < j
        found.setdefault(doc_ids[i], set()).add(doc_ids[j])
    return found


def _similar_groups(doc_ids: list[str], texts: dict[str, str]) -> list[list[str]]:
    """Number-less documents whose shingles mostly overlap (the smaller one's view)."""
    sets = {d: _shingles(texts.get(d, "")) for d in doc_ids}
    candidates = _candidates(doc_ids, sets)
    order = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    groups: list[list[str]] = []
    placed: set[str] = set()
    for a in doc_ids:
        if a in placed or not sets[a]:
            continue
        group = [a]
        for b in sorted(candidates.get(a, ()), key=order.__getitem__):
            if b in placed or not sets[b]:
                continue
            common = len(sets[a] & sets[b]) / min(len(sets[a]), len(sets[b]))
            if common >= SIMILAR:
                group.append(b)
        if len(group) > 1:
            placed.update(group)
            groups.append(group)
    return groups


def rare_rate(text: str, passages_with: Callable[[str], int]) -> float:
    """Share of a text's syllables that at most two passages of the collection use."""
    words = syllables(text[:MAX_SAMPLE_CHARS])
    if not words:
        return 1.0
    rare = sum(1 for w in words if not w.isdigit() and passages_with(w) <= 2)
    return rare / len(words)


def canonical_copies(
    docs: dict[str, DocumentInfo],
    texts: dict[str, str],
    passages_with: Callable[[str], int],
) -> dict[str, tuple[str, ...]]:
    """For each group of copies: the served doc_id -> the other doc_ids, cleanest first."""
    out: dict[str, tuple[str, ...]] = {}
    for group in copy_groups(docs, texts):
        def cleanliness(doc_id: str) -> tuple[float, int]:
            text = texts.get(doc_id, "")
            return round(rare_rate(text, passages_with), 4), -len(text)

        ranked = sorted(group, key=cleanliness)
        out[ranked[0]] = tuple(ranked[1:])
    return out
