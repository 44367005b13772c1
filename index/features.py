"""Features of a question's candidate passages, for the learned ranker and the abstain model.

The engine gathers candidates (BM25, dense, fused, number references) into a
:class:`Candidates`; :func:`passage_features` turns each candidate into a row of numbers and
:func:`question_features` summarises the best ones for the "nothing relevant" decision.
``scripts/train_ranker.py`` calls the same functions, so training and serving never differ.
A signal that did not run (no vectors yet) is NaN, which the models treat as missing.
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from index.answer import PASSAGE_CACHE, QueryTerms, clause_fit
from index.facets import agreement, text_facets
from index.lexicon import QUESTION_WORDS, expand
from index.models import Chunk
from index.textnorm import folded_syllables

NAN = float("nan")
# An article heading as the passage's context holds it: "Điều 68. Tuyên bố mất tích",
# "Điều 5.2.TT.65.3. Tiêu chuẩn ..." (a compilation's numbering).
_ARTICLE_TITLE = re.compile(r"\s*Điều\s+[\w.]*\w\.?\s+(.+)", re.IGNORECASE | re.DOTALL)
# Only the best fused candidates get their clauses scored (the first time a passage is a
# candidate, parsing its clauses costs about 0.25 ms each).
CLAUSE_FIT_DEPTH = 20

PASSAGE_FEATURES = (
    "fused",
    "fused_rank",
    "bm25_rel",
    "dense",
    "dense_gap",
    "cover_uni",
    "cover_bi",
    "cover_heading",
    "facet_match",
    "facet_conflict",
    "figure",
    "replaced",
    "compilation",
    "named",
    "mentioning",
    "length",
    "news",
    "no_tone",
    "query_terms",
    "span_cos",
    "span_cos_gap",
    "clause_fit",
    "title_named",
)
QUESTION_FEATURES = (
    "top_score",
    "margin",
    "top_cover_uni",
    "top_cover_bi",
    "top_cover_heading",
    "best_cover_uni",
    "missing_rare",
    "unseen_bigrams",
    "bm25_top",
    "dense_top",
    "named",
    "query_terms",
    "no_tone",
)
DENSE_QUESTION_FEATURES = ("dense_top",)
QUESTION_COLUMN = {name: i for i, name in enumerate(QUESTION_FEATURES)}
"""Where each of :data:`QUESTION_FEATURES` sits in a question row."""


@dataclass
class Candidates:
    """Everything the engine knows about a question's candidates before ordering them."""

    question: str
    mode: str
    fused: dict[int, float]
    lexical: np.ndarray
    dense: dict[int, float] = field(default_factory=dict)
    similarity: float | None = None
    named: set[str] = field(default_factory=set)
    sourced: set[int] = field(default_factory=set)
    """Compilation passages taken from a document the question names (when the collection
    holds that document only inside a compilation): they count as the named document."""
    mentioning: set[int] = field(default_factory=set)
    unknown_number: bool = False
    other_first: bool = False
    """The ranker's best passage is another ministry's rule for its own staff and the question
    names neither a school role or level nor that sector (see ``Engine.order``)."""
    names_only: bool = False
    """The question only names a document by its number ("66/2026 quy định gì")."""
    no_tone: bool = False
    view: QuestionView | None = None
    """The question's terms as features compare them (built on first use)."""
    query_vector: np.ndarray | None = None
    """The question's dense vector, when dense retrieval ran."""


class QuestionView:
    """The question's terms as the features compare them with passages (computed once)."""

    def __init__(self, question: str, idf) -> None:  # noqa: ANN001 - a token -> weight callable
        self.terms = QueryTerms(question, idf)
        typed = folded_syllables(question)
        extra = folded_syllables(expand(question))
        self.unigrams = [w for w in dict.fromkeys(typed + extra) if w not in QUESTION_WORDS]
        content = [w for w in typed if w not in QUESTION_WORDS]
        self.bigrams = list(
            dict.fromkeys(f"{a}_{b}" for a, b in zip(content, content[1:], strict=False))
        )
        weights = {t: idf(t) for t in (*self.unigrams, *self.bigrams)}
        self.idf = lambda token: weights[token] if token in weights else idf(token)
        self.max_idf = max((weights[w] for w in self.unigrams), default=1.0) or 1.0
        self.unigram_set = frozenset(self.unigrams)
        self.unigram_weights = _Weighted([(t, weights[t]) for t in self.unigrams])
        self.bigram_weights = _Weighted([(t, weights[t]) for t in self.bigrams])


class _Weighted:
    """Terms with their weights and the weights' sum (the same for every passage)."""

    def __init__(self, pairs: list[tuple[str, float]]) -> None:
        self.pairs = pairs
        self.total = sum(w for _, w in pairs)

    def coverage(self, present: Collection[str]) -> float:
        """The weighted share of the terms a passage holds."""
        if self.total <= 0:
            return 0.0
        return sum(w for t, w in self.pairs if t in present) / self.total


def passage_view(state, pos: int) -> tuple:  # noqa: ANN001
    """:func:`view_of` a passage of the served build, cached per build: read from the build's
    prepared records when it has them, else worked out."""
    cache = state.feature_cache
    found = cache.get(pos)
    if found is None:
        if len(cache) >= PASSAGE_CACHE:  # bounded like the clause caches: oldest out first
            # (another thread may change the dict between iter() and del: then skip a turn)
            with contextlib.suppress(RuntimeError, KeyError, StopIteration):
                del cache[next(iter(cache))]
        prepared = state.prepared.view(pos) if state.prepared is not None else None
        if prepared is None:
            chunk = state.chunks[pos]
            prepared = view_of(chunk, state.docs[chunk.doc_id].title)
        found = cache[pos] = prepared
    return found


def view_of(chunk: Chunk, title: str) -> tuple:
    """(folded words, word pairs, heading words, facets) of a passage of a document; the
    words as the keys of dicts (no work for the garbage collector, unlike sets)."""
    words, bigrams = _bag(chunk.text)
    head_words, _ = _bag(f"{title} {chunk.context} {chunk.section}")
    facets = text_facets(f"{chunk.context}\n{chunk.text}")
    return dict.fromkeys(words), dict.fromkeys(bigrams), dict.fromkeys(head_words), facets


@functools.lru_cache(maxsize=PASSAGE_CACHE)
def _title_words(context: str) -> tuple[str, ...]:
    """The content words of the title of the article a passage is in ("Điều 184. Tội loạn
    luân" -> loan, luan, toi); none outside an article."""
    match = _ARTICLE_TITLE.match(context)
    if not match:
        return ()
    words = folded_syllables(match.group(1))
    return tuple(dict.fromkeys(w for w in words if w not in QUESTION_WORDS))


def _title_named(context: str, view: QuestionView) -> float:
    """The weighted share of the words of its article's title the question names (an
    article the question names by its title: "tuyên bố mất tích" for "Điều 68. Tuyên bố mất
    tích"), NaN outside an article."""
    title = _Weighted([(w, view.idf(w)) for w in _title_words(context)])
    return title.coverage(view.unigram_set) if title.total > 0 else NAN


def _bag(text: str) -> tuple[set[str], set[str]]:
    words = folded_syllables(text)
    return set(words), {f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)}


def passage_features(
    cands: Candidates,
    positions: list[int],
    state,
    view: QuestionView,  # noqa: ANN001
) -> np.ndarray:
    """One row of :data:`PASSAGE_FEATURES` per candidate position.

    ``positions`` are the best fused candidates in fused order (``Engine.order`` passes them
    so), which is what the ``fused_rank`` feature records.
    """
    if state.prepared is not None:  # the best ones' clause facts, as the build stored them
        state.prepared.clauses(state, positions[:CLAUSE_FIT_DEPTH])
    top_bm25 = float(max((cands.lexical[p] for p in positions), default=0.0)) or 1.0
    spans = state.spans if cands.query_vector is not None else None
    closest = [
        spans.closest(state.chunks[p].chunk_id, cands.query_vector) if spans else NAN
        for p in positions
    ]
    best_span = max((c for c in closest if not math.isnan(c)), default=NAN)
    # The best clause of each passage scored as the bold span is chosen, the best candidates
    # scored together, relative to the best one's: the role, level and figure asked for stated
    # together in one khoản or điểm, not spread over a long passage.
    fit = clause_fit(view.terms, [state.chunks[p] for p in positions[:CLAUSE_FIT_DEPTH]])
    top_fit = max(fit.values(), default=0.0) or 1.0
    top_dense = max(cands.dense.values()) if cands.dense else NAN
    floor_dense = min(cands.dense.values()) if cands.dense else NAN
    rows = []
    for rank, pos in enumerate(positions):
        chunk = state.chunks[pos]
        doc = state.docs[chunk.doc_id]
        words, bigrams, head_words, facets = passage_view(state, pos)
        dense = cands.dense.get(pos, floor_dense) if cands.dense else NAN
        match, conflict = agreement(view.terms.facets, facets)
        figure = (
            float(view.terms.figure.search(chunk.text) is not None) if view.terms.figure else NAN
        )
        rows.append(
            (
                cands.fused.get(pos, 0.0),
                float(rank),
                float(cands.lexical[pos]) / top_bm25,
                dense,
                dense - top_dense if cands.dense else NAN,
                view.unigram_weights.coverage(words),
                view.bigram_weights.coverage(bigrams) if view.bigrams else NAN,
                view.unigram_weights.coverage(head_words),
                float(match),
                float(conflict),
                figure,
                float(pos in state.replaced),
                float(doc.compilation),
                float(chunk.doc_id in cands.named or pos in cands.sourced),
                float(pos in cands.mentioning),
                math.log1p(len(chunk.text)),
                float(doc.number is None and not doc.compilation),
                float(cands.no_tone),
                float(len(view.unigrams)),
                closest[rank],
                closest[rank] - best_span,
                fit.get(chunk.chunk_id, 0.0) / top_fit if rank < CLAUSE_FIT_DEPTH else NAN,
                _title_named(chunk.context, view),
            )
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(PASSAGE_FEATURES))


def question_features(
    cands: Candidates,
    positions: list[int],
    scores: np.ndarray,
    rows: np.ndarray,
    state,
    view: QuestionView,  # noqa: ANN001
) -> np.ndarray:
    """One row of :data:`QUESTION_FEATURES`: how well the best candidates answer at all."""
    col = {name: i for i, name in enumerate(PASSAGE_FEATURES)}
    if not positions:
        return np.full(len(QUESTION_FEATURES), NAN)
    order = np.argsort(-scores)
    top = order[0]
    second = scores[order[1]] if len(order) > 1 else scores[top] - 1.0
    seen: set[str] = set()
    for i in order[:10]:
        words, _, head_words, _ = passage_view(state, positions[i])
        seen.update(words)
        seen.update(head_words)
    missing = [view.idf(w) for w in view.unigrams if w not in seen]
    return np.asarray(
        [
            scores[top],
            scores[top] - second,
            rows[top, col["cover_uni"]],
            rows[top, col["cover_bi"]],
            rows[top, col["cover_heading"]],
            max(rows[i, col["cover_uni"]] for i in order[:5]),
            max(missing, default=0.0) / view.max_idf,
            _unseen(view.bigrams, state),
            float(cands.lexical[positions[top]]),
            cands.similarity if cands.similarity is not None else NAN,
            float(bool(cands.named or cands.sourced)),
            float(len(view.unigrams)),
            float(cands.no_tone),
        ],
        dtype=np.float64,
    )


def _unseen(bigrams: list[str], state) -> float:  # noqa: ANN001
    """Share of the question's word pairs that no passage of the collection contains."""
    if not bigrams:
        return 0.0
    return sum(1 for b in bigrams if state.lexical.df.get(b, 0) == 0) / len(bigrams)
