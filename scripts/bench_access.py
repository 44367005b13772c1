"""`bench.py --access`: the cost of the collection filter at ~100k passages.

The scale corpus of ``bench.py`` (real public texts from ../shared/data, then sentence-shuffled
replicas) is spread over 20 collections (``k00/`` .. ``k19/``, by a hash of the file name).
``Engine.search`` latency (hybrid, bm25, dense; exact and IVF vector search) is measured for
three readers: everything, half the collections (10 of 20), one collection of 20 (~5%). The
restricted searches filter candidates before ranking (a BM25 score mask, a FAISS id selector,
more IVF lists probed), so each must still return k hits; the figure checks that too. The
one-off cost of a reader's first search on a build (its readable sets and the FAISS bitmap,
then cached) is reported separately.

Vectors: a sample of passages is embedded with the real model, the others reuse a sampled real
vector plus noise (as in ``bench.py``); query vectors are real.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import time
from pathlib import Path
from typing import Any

COLLECTIONS = 20
READERS = {"everything": None, "half (10/20)": 10, "one of 20": 1}


def spread(files: dict[str, str]) -> dict[str, str]:
    """The same files under 20 collection folders, chosen by a hash of their path."""
    out = {}
    for rel, text in files.items():
        bucket = int(hashlib.blake2b(rel.encode(), digest_size=2).hexdigest(), 16) % COLLECTIONS
        out[f"k{bucket:02d}/{rel}"] = text
    return out


def reader(collections: int | None) -> Any:
    """Everything, or the first n collections."""
    from index.access import EVERYTHING, Access

    if collections is None:
        return EVERYTHING
    return Access.only(f"k{n:02d}" for n in range(collections))


def measure(engine: Any, queries: list[str], mode: str, access: Any, k: int) -> dict[str, Any]:
    """p50/p95 of Engine.search for one reader, the first-search (cache) cost, hits returned."""
    from index.evaluation import percentile

    started = time.perf_counter()
    engine.search(queries[0], k=k, mode=mode, access=access)
    first_ms = (time.perf_counter() - started) * 1000
    for q in queries[1:6]:
        engine.search(q, k=k, mode=mode, access=access)
    times, short = [], 0
    for q in queries:
        result = engine.search(q, k=k, mode=mode, access=access)
        times.append(result.latency_ms)
        short += len(result.hits) < k
    return {
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "first_search_ms": first_ms,
        "queries_with_fewer_than_k_hits": short,
        "queries": len(queries),
    }


def stage_access(
    base: Any, real: Any, size: int, queries: list[str], sample: int, work: Path
) -> dict[str, Any]:
    """Build ~size passages over 20 collections; measure the three readers."""
    import bench

    from index.builder import build_index
    from index.engine import Engine

    docs, index_dir = work / f"access-{size}-docs", work / f"access-{size}-index"
    files = spread(bench.scale_corpus(bench.SHARED, size, base))
    bench.write_corpus(docs, files)
    shutil.rmtree(index_dir, ignore_errors=True)
    exact = dataclasses.replace(base.retrieval, approximate_above=10**9)
    settings = dataclasses.replace(base.with_dirs(docs, index_dir), retrieval=exact)
    embedder = bench.SampledEmbedder(real, sample) if real is not None else None
    print(f"[access {size}] {len(files)} documents in {COLLECTIONS} collections: building ...")
    started = time.perf_counter()
    report = build_index(settings, full=True, embedder=embedder)
    out: dict[str, Any] = {
        "documents": report.documents,
        "chunks": report.chunks,
        "build_s": time.perf_counter() - started,
        "collections": COLLECTIONS,
    }
    k = base.retrieval.top_k
    kinds = [("exact", settings)]
    if real is not None:
        ivf = dataclasses.replace(base.retrieval, approximate_above=0)
        kinds.append(("ivf", dataclasses.replace(settings, retrieval=ivf)))
    modes = ("hybrid", "bm25", "dense") if real is not None else ("bm25",)
    for kind, kind_settings in kinds:
        if kind == "ivf":
            build_index(kind_settings, embedder=embedder)  # vectors reused, IVF written
        engine = Engine.open(kind_settings, embedder=real)
        shares = {
            name: engine._state.readable_for(reader(n)).share for name, n in READERS.items()
        }
        engine._state.readable.clear()  # the first search of each reader pays its cache
        out[kind] = {
            "share": shares,
            "latency": {
                mode: {
                    name: measure(engine, queries, mode, reader(n), k)
                    for name, n in READERS.items()
                    if kind == "exact" or mode != "bm25"
                }
                for mode in modes
                if kind == "exact" or mode != "bm25"
            },
        }
        print(f"[access {size}] {kind} measured", flush=True)
        del engine
    return out


def print_access_report(results: dict[str, Any]) -> None:
    """One row per index kind, mode and reader: p50 / p95, ratio of p50 to everything's."""
    print(
        f"\n{results['chunks']} passages in {results['collections']} collections "
        f"(build {results['build_s']:.0f} s)"
    )
    print(f"{'index':<6}{'mode':<8}{'reader':<15}{'share':>7}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'p50 ratio':>11}{'first ms':>10}{'<k hits':>9}")  # fmt: skip
    for kind in ("exact", "ivf"):
        if kind not in results:
            continue
        section = results[kind]
        for mode, readers in section["latency"].items():
            base = readers["everything"]["p50_ms"]
            for name, row in readers.items():
                print(
                    f"{kind:<6}{mode:<8}{name:<15}{section['share'][name]:>7.1%}"
                    f"{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['p50_ms'] / base:>11.2f}"
                    f"{row['first_search_ms']:>10.0f}"
                    f"{row['queries_with_fewer_than_k_hits']:>9}"
                )
