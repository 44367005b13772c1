"""Metric functions of index/evaluation.py on hand-made hits (no engine, no model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.evaluation import (
    Question,
    best_threshold,
    breakdown,
    calibrate,
    contains_answer,
    doc_matches,
    load_questions,
    percentile,
    score,
    section_matches,
    summarize,
)
from index.models import Chunk, DocumentInfo, Hit, SearchResult


def make_doc(doc_id: str, number: str | None = None) -> DocumentInfo:
    return DocumentInfo(
        doc_id=doc_id,
        title=doc_id,
        number=number,
        doc_type=None,
        issuer=None,
        issued=None,
        effective=None,
        summary=None,
        cites=(),
        content_hash="h",
        size_chars=100,
        n_chunks=1,
    )


def make_hit(
    text: str,
    doc_id: str = "a.md",
    section: str = "",
    number: str | None = None,
    copies: tuple[str, ...] = (),
) -> Hit:
    chunk = Chunk(chunk_id=0, doc_id=doc_id, text=text, section=section, start=0, end=len(text))
    return Hit(chunk=chunk, doc=make_doc(doc_id, number), score=1.0, copies=copies)


def make_result(
    hits: list[Hit], abstained: bool = False, evidence: float = 0.9, latency: float = 10.0
) -> SearchResult:
    return SearchResult(
        query="q",
        hits=tuple(hits),
        abstained=abstained,
        evidence=evidence,
        latency_ms=latency,
        mode="hybrid",
    )


def q(answer: str | None, **kw: object) -> Question:
    return Question(qid=str(kw.pop("qid", "q")), question="câu hỏi", answer=answer, **kw)  # type: ignore[arg-type]


def test_contains_answer_folds_case_space_and_unicode() -> None:
    passage = "Mức  phụ cấp\nưu đãi **40%** đối với giáo viên"
    assert contains_answer(passage, "mức phụ cấp ưu đãi 40%")
    # decomposed input (NFD) and the other tone-mark placement ("hoà" vs "hòa") still match
    assert contains_answer("Cộng hòa xã hội", "cộng hoà")
    assert contains_answer("ưu đãi", "u\u031bu đa\u0303i")
    assert not contains_answer(passage, "phụ cấp 50%")


def test_contains_answer_strips_bold_markers() -> None:
    assert contains_answer("được hưởng **phụ cấp** 30%", "phụ cấp 30%")
    assert contains_answer("được hưởng phụ cấp 30%", "**phụ cấp** 30%")


def test_hit_at_k_and_mrr_count_first_containing_passage() -> None:
    hits = [make_hit("không liên quan"), make_hit("đáp án ở đây"), make_hit("đáp án lần nữa")]
    outcome = score(q("đáp án"), make_result(hits))
    assert outcome.answer_rank == 2
    metrics = summarize([outcome, score(q("không có"), make_result(hits))])
    assert metrics["hit@1"] == 0.0
    assert metrics["hit@3"] == 0.5
    assert metrics["mrr@10"] == pytest.approx(0.25)


def test_rank_beyond_k_is_a_miss() -> None:
    hits = [make_hit("khác")] * 10 + [make_hit("đáp án")]
    outcome = score(q("đáp án"), make_result(hits), k=10)
    assert outcome.answer_rank is None
    assert summarize([outcome])["mrr@10"] == 0.0


def test_abstained_question_still_scored_and_abstain_metrics() -> None:
    hit = make_hit("đáp án")
    answered = score(q("đáp án", qid="a"), make_result([hit], abstained=True, evidence=0.2))
    oos_abstained = score(q(None, qid="b"), make_result([hit], abstained=True, evidence=0.1))
    oos_missed = score(q(None, qid="c"), make_result([hit], abstained=False, evidence=0.5))
    metrics = summarize([answered, oos_abstained, oos_missed])
    assert metrics["hit@1"] == 1.0  # counted despite the abstain
    assert metrics["answerable"] == 1 and metrics["out_of_scope"] == 2
    assert metrics["abstain_precision"] == 0.5  # 2 abstained, 1 of them out of scope
    assert metrics["abstain_recall"] == 0.5  # 2 out of scope, 1 abstained
    assert metrics["false_abstain"] == 1.0


def test_abstain_metrics_undefined_without_null_questions() -> None:
    metrics = summarize([score(q("x"), make_result([make_hit("x")]))])
    assert metrics["abstain_recall"] is None
    assert metrics["abstain_precision"] is None


def test_doc_match_by_path_number_and_copies() -> None:
    hit = make_hit("t", doc_id="van-ban/nd-66.md", number="66/2026/NĐ-CP", copies=("khac/b.md",))
    assert doc_matches(hit, "van-ban/nd-66.md")
    assert doc_matches(hit, "./van-ban/nd-66.md")
    assert doc_matches(hit, "khac/b.md")
    assert doc_matches(hit, "66/2026/NĐ-CP")
    assert doc_matches(hit, "66/2026/nđ-cp")
    assert not doc_matches(hit, "67/2026/NĐ-CP")
    assert not doc_matches(hit, "van-ban/other.md")


def test_section_match_is_a_whole_path_element() -> None:
    hit = make_hit("t", section="Chương II > Điều 5. Phạm vi điều chỉnh > Khoản 2")
    assert section_matches(hit, "Điều 5")
    assert section_matches(hit, "điều 5")
    assert not section_matches(hit, "Điều 50")
    assert not section_matches(make_hit("t", section="Điều 50"), "Điều 5")
    assert not section_matches(make_hit("t", section="Điều 5a"), "Điều 5")
    assert not section_matches(make_hit("t", section="Điều 5.1.LQ.2"), "Điều 5")
    assert not section_matches(make_hit("t", section=""), "Điều 5")


def test_doc_and_section_hit_at_5() -> None:
    hits = [
        make_hit("a", doc_id="law1.md", section="Điều 4"),
        make_hit("b", doc_id="law2.md", section="Điều 5"),  # right article, wrong law
        make_hit("c", doc_id="law1.md", section="Chương I > Điều 5"),
    ]
    outcome = score(q("c", doc="law1.md", section="Điều 5"), make_result(hits))
    assert (outcome.doc_rank, outcome.section_rank, outcome.answer_rank) == (1, 3, 3)
    metrics = summarize([outcome])
    assert metrics["doc_hit@5"] == 1.0
    assert metrics["section_hit@1"] == 0.0
    assert metrics["section_hit@5"] == 1.0


def test_breakdown_by_kind_and_no_tone(tmp_path: Path) -> None:
    lines = [
        {"id": "1", "question": "Giáo viên được phụ cấp bao nhiêu?", "answer": "40%", "kind": "a"},
        {"id": "2", "question": "giao vien duoc phu cap bao nhieu", "answer": "40%", "kind": "b"},
        {"id": "3", "question": "gia vang hom nay", "answer": None, "kind": "oos"},
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    questions = load_questions(path)
    assert [x.no_tone for x in questions] == [False, True, True]
    outcomes = [
        score(questions[0], make_result([make_hit("phụ cấp 40%")])),
        score(questions[1], make_result([make_hit("khác")])),
        score(questions[2], make_result([], abstained=True)),
    ]
    report = breakdown(outcomes)
    assert set(report["by_kind"]) == {"a", "b", "oos"}
    assert report["by_kind"]["a"]["hit@1"] == 1.0
    assert report["by_kind"]["b"]["hit@1"] == 0.0
    assert report["no_tone"]["questions"] == 2
    assert report["overall"]["hit@1"] == 0.5


def test_load_questions_rejects_missing_question(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x", "answer": "y"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="question"):
        load_questions(path)


def test_percentile_matches_linear_interpolation() -> None:
    assert percentile([], 50) is None
    assert percentile([10.0], 95) == 10.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile(list(map(float, range(1, 101))), 95) == pytest.approx(95.05)


def test_calibrate_finds_threshold_separating_null_questions() -> None:
    outcomes = [
        score(q("x", qid="1"), make_result([], evidence=0.8)),
        score(q("x", qid="2"), make_result([], evidence=0.6)),
        score(q(None, qid="3"), make_result([], evidence=0.3)),
        score(q(None, qid="4"), make_result([], evidence=0.2)),
    ]
    rows = calibrate(outcomes)
    best = best_threshold(rows)
    assert best is not None
    assert best["abstain_f1"] == 1.0
    assert 0.3 < best["threshold"] <= 0.6
    assert calibrate(outcomes[:2]) == []


def test_first_message_and_bold_span_are_scored_from_the_answer() -> None:
    from index.models import Answer, Span

    right = make_hit("1. Mức 20% cho nhân viên.\n\n6. Mức 45% cho nhà giáo mầm non.")
    other = make_hit("Nội dung khác.", doc_id="b.md")
    result = make_result([right, other])
    wrong_bold = Span(0, ((0, 25),), "1. Mức 20% cho nhân viên.", "khoản")
    answer = Answer("q", (right, other), (wrong_bold, None), False, None, result)
    outcome = score(q("45% cho nhà giáo"), answer)
    assert outcome.answer_rank == 1  # hit@1 calls it solved ...
    assert outcome.in_message and not outcome.in_span  # ... but the bold line is wrong
    declined = Answer("q", (), (), True, "low_confidence", result)
    assert score(q("45% cho nhà giáo"), declined).in_message is False
    metrics = summarize([outcome])
    assert metrics["first@msg"] == 1.0 and metrics["span@1"] == 0.0


def test_warned_answers_are_counted_apart_from_declined_ones() -> None:
    from dataclasses import replace

    from index.models import Answer

    hit = make_hit("Mức lương cơ sở là 2.340.000 đồng.")
    result = make_result([hit])
    plain = Answer("q", (hit,), (None,), False, None, result)
    warned = replace(plain, uncertain=True)
    declined = Answer("q", (), (), True, "low_confidence", replace(result, abstained=True))
    outcomes = [
        score(q(None), warned),  # out of scope, warned
        score(q(None), declined),  # out of scope, declined
        score(q(None), plain),  # out of scope, answered plainly
        score(q("2.340.000 đồng"), warned),  # answerable, warned
        score(q("2.340.000 đồng"), plain),
    ]
    metrics = summarize(outcomes)
    assert metrics["warned_oos"] == pytest.approx(1 / 3)
    assert metrics["warned_answerable"] == pytest.approx(1 / 2)
    assert metrics["abstain_recall"] == pytest.approx(1 / 3)
    assert "warned_oos" not in summarize([score(q(None), result)])  # a bare search: no answer
