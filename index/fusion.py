"""Combine rankings, collapse duplicate passages, and measure how strong the evidence is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from index.textnorm import fold, syllables


def weighted_rrf(rankings: Sequence[tuple[Sequence[int], float]], k: int = 60) -> dict[int, float]:
    """Reciprocal rank fusion: sum of ``weight / (k + rank)`` over the rankings (rank from 1)."""
    fused: dict[int, float] = {}
    for ranking, weight in rankings:
        if weight <= 0:
            continue
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


@lru_cache(maxsize=50_000)  # passages come back query after query; texts are the keys
def shingles(text: str) -> frozenset[str]:
    """Tone-mark-free syllable bigrams of a passage, for near-duplicate detection."""
    words = syllables(fold(text))
    if len(words) < 2:
        return frozenset(words)
    return frozenset(a + " " + b for a, b in zip(words, words[1:], strict=False))


def collapse(
    order: Sequence[int],
    text_of: Callable[[int], str],
    group_of: Callable[[int], str],
    threshold: float = 0.8,
    limit: int = 60,
) -> list[tuple[int, list[int]]]:
    """Merge near-identical passages from different documents into the best-ranked one.

    Args:
        order: Candidate positions, best first.
        text_of: Passage text of a position.
        group_of: Document of a position (copies inside one document are not merged).
        threshold: Jaccard similarity of syllable bigrams above which two passages are copies.
        limit: Only the first ``limit`` candidates are compared (the rest pass through).

    Returns:
        ``(position, [positions of its copies])`` in rank order.
    """
    kept: list[tuple[int, list[int], frozenset[str], str]] = []
    out: list[tuple[int, list[int]]] = []
    for n, position in enumerate(order):
        if n >= limit:
            out.extend((p, []) for p in order[n:])
            break
        sig = shingles(text_of(position))
        group = group_of(position)
        for _, copies, other_sig, other_group in kept:
            if other_group == group or not sig:
                continue
            small, large = sorted((len(sig), len(other_sig)))
            if small < threshold * large:  # Jaccard <= small/large: cannot reach the threshold
                continue
            if _jaccard(sig, other_sig) >= threshold:
                copies.append(position)
                break
        else:
            kept.append((position, [], sig, group))
    head = [(p, copies) for p, copies, _, _ in kept]
    return head + out


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def coverage(
    query_terms: Sequence[str], passage_terms: set[str], weight: Callable[[str], float]
) -> float:
    """Share of the question's (idf-weighted) terms that the passage contains, 0..1."""
    total = sum(weight(t) for t in query_terms)
    if total <= 0:
        return 0.0
    return sum(weight(t) for t in query_terms if t in passage_terms) / total
