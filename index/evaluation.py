"""Retrieval-quality metrics of docs/EVAL.md, computed from search results.

Pure Python: a question file is read into :class:`Question` objects, each search result is
scored into a :class:`Outcome` (ranks of the first passage that contains the answer, of the
first hit from the gold document and from the gold article), and :func:`summarize` turns a list
of outcomes into the metrics every eval prints. Nothing here runs a search, so tests can feed
hand-made hits.

Choices worth knowing when reading the numbers:

- ``hit@k`` and ``mrr@10`` count answerable questions only (``answer`` not null).
- A question on which the engine abstained still has its ranked hits scored; the abstain
  decision is measured separately (``abstain_precision`` / ``abstain_recall``, and
  ``false_abstain`` = share of answerable questions the engine wrongly gave up on).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.models import Answer, Hit, SearchResult
from index.textnorm import has_tone_marks, normalize_line

KS = (1, 3, 5, 10)
DOC_K = 5
SCORING_NOTE = (
    "hit@k and mrr@10 count answerable questions only; questions on which the engine "
    "abstained still have their ranked hits scored (abstention is reported separately)."
)
_PATH_SUFFIXES = (".md", ".txt", ".pdf", ".docx", ".doc", ".html", ".htm")
_KNOWN_FIELDS = {"id", "question", "answer", "doc", "section", "kind", "no_tone"}


@dataclass(frozen=True)
class Question:
    """One line of a question file."""

    qid: str
    question: str
    answer: str | None
    """Short exact substring a correct passage contains; None: the corpus cannot answer."""
    doc: str | None = None
    """Gold document: path relative to the corpus root, or its số hiệu."""
    section: str | None = None
    """Gold article such as "Điều 5"."""
    kind: str | None = None
    no_tone: bool = False
    """Typed without Vietnamese tone marks (given, or detected from the text)."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def answerable(self) -> bool:
        """True unless the question is marked out of scope (answer null and no gold doc)."""
        return self.answer is not None or self.doc is not None


@dataclass(frozen=True)
class Outcome:
    """How one search result scored against its question."""

    question: Question
    answer_rank: int | None
    """1-based rank of the first hit containing the answer (None: not in the hits)."""
    doc_rank: int | None
    section_rank: int | None
    abstained: bool
    evidence: float
    latency_ms: float
    in_message: bool | None = None
    """The answer is inside a passage of the first message (None: no gold answer or no
    :class:`~index.models.Answer` was scored)."""
    in_span: bool | None = None
    """The answer is inside the bold answering span."""
    warned: bool | None = None
    """Shown with the engine's "not sure" warning (``Answer.uncertain``; None: no answer)."""


def parse_question(obj: dict[str, Any], line_no: int = 0) -> Question:
    """Build a :class:`Question` from one decoded JSON line, checking the required field."""
    text = obj.get("question")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"line {line_no}: 'question' must be non-empty text")
    answer = obj.get("answer")
    if answer is not None and not isinstance(answer, str):
        raise ValueError(f"line {line_no}: 'answer' must be text or null, got {answer!r}")
    if isinstance(answer, str) and not answer.strip():
        raise ValueError(f"line {line_no}: 'answer' is empty; use null for out-of-scope")
    no_tone = obj.get("no_tone")
    if no_tone is None:
        no_tone = not has_tone_marks(text)
    return Question(
        qid=str(obj.get("id", f"line{line_no}")),
        question=text,
        answer=answer,
        doc=obj.get("doc") or None,
        section=obj.get("section") or None,
        kind=obj.get("kind") or None,
        no_tone=bool(no_tone),
        extra={k: v for k, v in obj.items() if k not in _KNOWN_FIELDS},
    )


def load_questions(path: Path) -> list[Question]:
    """Read a JSON Lines question file (blank lines and lines starting with # are skipped)."""
    questions: list[Question] = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{line_no}: not valid JSON: {exc}") from exc
            questions.append(parse_question(obj, line_no))
    return questions


def match_form(text: str) -> str:
    """Text as compared for answer matching: NFC, canonical tone marks, folded spaces, lower."""
    return normalize_line(text).lower()


def contains_answer(passage: str, answer: str) -> bool:
    """True when the folded answer is a substring of the folded passage (also without "**")."""
    needle = match_form(answer)
    if not needle:
        return False
    hay = match_form(passage)
    if needle in hay:
        return True
    return match_form(answer.replace("**", "")) in match_form(passage.replace("**", ""))


def _fallback_number_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", match_form(text).replace("đ", "d"))


def _number_key_function() -> Callable[[str], str]:
    try:
        from index.docnumbers import number_key
    except ImportError:  # ingestion not written yet: a plain folded key is close enough
        return _fallback_number_key
    return number_key


def _clean_path(doc: str) -> str:
    return doc.replace("\\", "/").removeprefix("./").strip()


def doc_matches(hit: Hit, doc: str) -> bool:
    """True when the hit comes from the gold document (path, số hiệu, or a collapsed copy)."""
    gold = _clean_path(doc)
    if _clean_path(hit.doc.doc_id) == gold or gold in {_clean_path(c) for c in hit.copies}:
        return True
    if gold.lower().endswith(_PATH_SUFFIXES) or not hit.doc.number:
        return False
    key = _number_key_function()
    gold_key = key(gold)
    return bool(gold_key) and key(hit.doc.number) == gold_key


def _article_number(section: str) -> str | None:
    found = re.match(r"\s*điều\s+([0-9]+[a-zđ]?)(?!\w|\.\w)", match_form(section))
    return found.group(1) if found else None


def section_matches(hit: Hit, section: str) -> bool:
    """True when one element of the hit's section path is the gold article ("Điều 5").

    "Điều 5. Phạm vi" matches "Điều 5"; "Điều 50" and "Điều 5a" do not.
    """
    gold = _article_number(section)
    if gold is None:
        gold_text = match_form(section)
        return any(match_form(p) == gold_text for p in hit.chunk.section.split(">"))
    return any(_article_number(part) == gold for part in hit.chunk.section.split(">"))


def first_rank(hits: Sequence[Hit], predicate: Callable[[Hit], bool], k: int = 10) -> int | None:
    """1-based rank of the first of the top k hits satisfying the predicate, else None."""
    for rank, hit in enumerate(hits[:k], start=1):
        if predicate(hit):
            return rank
    return None


def score(question: Question, found: SearchResult | Answer, k: int = 10) -> Outcome:
    """Score one search result or answer against its question (hits scored even if abstained).

    Given an :class:`Answer`, also scores what the user sees: the first message's passages
    (``in_message``) and the bold span (``in_span``); an abstained answer shows neither.
    """
    answer_obj = found if isinstance(found, Answer) else None
    result = found.result if isinstance(found, Answer) else found
    hits = result.hits
    answer = question.answer
    doc = question.doc
    section = question.section
    answer_rank = (
        first_rank(hits, lambda h: contains_answer(h.chunk.text, answer), k) if answer else None
    )
    doc_rank = first_rank(hits, lambda h: doc_matches(h, doc), k) if doc else None
    section_rank = None
    if section:
        section_rank = first_rank(
            hits,
            lambda h: section_matches(h, section) and (doc is None or doc_matches(h, doc)),
            k,
        )
    in_message = in_span = None
    warned = None if answer_obj is None else answer_obj.uncertain
    if answer_obj is not None and answer:
        shown = () if answer_obj.abstained else answer_obj.passages
        in_message = any(contains_answer(h.chunk.text, answer) for h in shown)
        span = None if answer_obj.abstained else answer_obj.span
        in_span = span is not None and contains_answer(span.text, answer)
    return Outcome(
        question=question,
        answer_rank=answer_rank,
        doc_rank=doc_rank,
        section_rank=section_rank,
        abstained=result.abstained,
        evidence=result.evidence,
        latency_ms=result.latency_ms,
        in_message=in_message,
        in_span=in_span,
        warned=warned,
    )


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Linear-interpolated percentile (numpy's default method); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * pct / 100.0
    low = math.floor(pos)
    high = math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _share(flags: Iterable[bool]) -> float | None:
    values = list(flags)
    return sum(values) / len(values) if values else None


def _within(rank: int | None, k: int) -> bool:
    return rank is not None and rank <= k


def abstain_scores(outcomes: Sequence[Outcome], abstained: Sequence[bool]) -> dict[str, Any]:
    """Precision / recall / F1 of abstaining, where a null question is the positive class."""
    oos = [not o.question.answerable for o in outcomes]
    true_pos = sum(a and n for a, n in zip(abstained, oos, strict=True))
    n_abstained = sum(abstained)
    n_oos = sum(oos)
    precision = true_pos / n_abstained if n_abstained else None
    recall = true_pos / n_oos if n_oos else None
    f1 = None
    if precision is not None and recall is not None:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    answerable_abstained = [a for a, n in zip(abstained, oos, strict=True) if not n]
    return {
        "abstain_precision": precision,
        "abstain_recall": recall,
        "abstain_f1": f1,
        "false_abstain": _share(answerable_abstained),
    }


def summarize(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """The metrics of docs/EVAL.md over a group of outcomes (None where undefined)."""
    with_answer = [o for o in outcomes if o.question.answer is not None]
    with_doc = [o for o in outcomes if o.question.doc is not None and o.question.answerable]
    with_section = [o for o in outcomes if o.question.section is not None]
    metrics: dict[str, Any] = {
        "questions": len(outcomes),
        "answerable": sum(o.question.answerable for o in outcomes),
        "out_of_scope": sum(not o.question.answerable for o in outcomes),
    }
    for k in KS:
        metrics[f"hit@{k}"] = _share(_within(o.answer_rank, k) for o in with_answer)
    metrics["mrr@10"] = _share(  # type: ignore[arg-type]
        (1.0 / o.answer_rank if _within(o.answer_rank, 10) else 0.0)  # type: ignore[operator]
        for o in with_answer
    )
    shown = [o for o in with_answer if o.in_message is not None]
    if shown:
        metrics["first@msg"] = _share(bool(o.in_message) for o in shown)
        metrics["span@1"] = _share(bool(o.in_span) for o in shown)
    if with_doc:
        metrics["doc_hit@1"] = _share(_within(o.doc_rank, 1) for o in with_doc)
        metrics[f"doc_hit@{DOC_K}"] = _share(_within(o.doc_rank, DOC_K) for o in with_doc)
    if with_section:
        metrics["section_hit@1"] = _share(_within(o.section_rank, 1) for o in with_section)
        metrics[f"section_hit@{DOC_K}"] = _share(
            _within(o.section_rank, DOC_K) for o in with_section
        )
    metrics.update(abstain_scores(outcomes, [o.abstained for o in outcomes]))
    scored = [o for o in outcomes if o.warned is not None]
    if scored:  # what is neither declined nor shown plainly: the "not sure" warning
        oos = [o for o in scored if not o.question.answerable]
        answerable = [o for o in scored if o.question.answerable]
        metrics["warned_oos"] = _share(o.warned and not o.abstained for o in oos)
        metrics["warned_answerable"] = _share(o.warned and not o.abstained for o in answerable)
    latencies = [o.latency_ms for o in outcomes]
    metrics["latency_p50_ms"] = percentile(latencies, 50)
    metrics["latency_p95_ms"] = percentile(latencies, 95)
    return metrics


def breakdown(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Overall metrics, per ``kind`` (when the file has kinds) and for tone-less questions."""
    report: dict[str, Any] = {"overall": summarize(outcomes), "by_kind": {}, "no_tone": None}
    kinds = sorted({o.question.kind for o in outcomes if o.question.kind})
    for kind in kinds:
        report["by_kind"][kind] = summarize([o for o in outcomes if o.question.kind == kind])
    no_tone = [o for o in outcomes if o.question.no_tone]
    if no_tone:
        report["no_tone"] = summarize(no_tone)
    return report


def calibrate(outcomes: Sequence[Outcome]) -> list[dict[str, Any]]:
    """Sweep the abstain threshold over the observed evidence values.

    The engine abstains when evidence < threshold, so each distinct evidence value (and one
    just above the largest) is a candidate threshold. Returns one row per threshold with
    precision, recall, F1 and false_abstain; empty when the set has no null question.
    """
    if all(o.question.answerable for o in outcomes) or not outcomes:
        return []
    values = sorted({round(o.evidence, 4) for o in outcomes})
    candidates = [0.0, *values, values[-1] + 1e-4]
    rows = []
    for threshold in sorted(set(candidates)):
        decided = [o.evidence < threshold for o in outcomes]
        row = {"threshold": threshold, **abstain_scores(outcomes, decided)}
        rows.append(row)
    return rows


def best_threshold(rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The calibration row with the highest abstain F1 (lowest threshold on ties)."""
    scored = [r for r in rows if r["abstain_f1"] is not None]
    if not scored:
        return None
    return max(scored, key=lambda r: (r["abstain_f1"], -r["threshold"]))


def outcome_record(outcome: Outcome) -> dict[str, Any]:
    """A compact JSON-ready record of one scored question (for error analysis)."""
    q = outcome.question
    return {
        "id": q.qid,
        "kind": q.kind,
        "answerable": q.answerable,
        "answer_rank": outcome.answer_rank,
        "doc_rank": outcome.doc_rank,
        "section_rank": outcome.section_rank,
        "abstained": outcome.abstained,
        "in_message": outcome.in_message,
        "in_span": outcome.in_span,
        "evidence": round(outcome.evidence, 4),
        "latency_ms": round(outcome.latency_ms, 2),
    }
