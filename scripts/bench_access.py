"""`bench.py --access`: the cost of the collection filter at ~100k passages.

The scale corpus of ``bench.py`` (real public texts from ../shared/data, then sentence-shuffled
replicas) is spread over 20 collections (``k00/`` .. ``k19/``, by a hash of the file name) and
built once (``data/bench/access-N-*``, reused by later runs: delete it to rebuild).
``Engine.search`` latency (hybrid, dense, bm25) is measured for three readers, interleaved
query by query: everything, half the collections (10 of 20), one collection of 20 (~5%); the
same build is served with exact and with IVF vector search. Restricted searches filter
candidates before ranking (a BM25 score mask, a FAISS id selector, more IVF lists probed), so
each must still return k hits; the figure counts the queries that did not. The FAISS search
alone (query vectors encoded beforehand) isolates the filter's cost inside the vector search;
the first search of a reader (its readable sets and bitmap, then cached) is shown apart.

Vectors: a sample of passages is embedded with the real model, the others reuse a sampled real
vector plus noise (as in ``bench.py``); query vectors are real.
"""

from __future__ import annotations

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


def measure(engine: Any, queries: list[str], mode: str, k: int) -> dict[str, Any]:
    """p50/p95 of Engine.search per reader, the readers interleaved query by query (so load
    drifts on a shared machine hit them alike); first-search (cache) cost; hits returned."""
    from index.evaluation import percentile

    readers = {name: reader(n) for name, n in READERS.items()}
    engine._state.readable.clear()
    first = {}
    for name, access in readers.items():  # the first search of a reader builds its filter
        started = time.perf_counter()
        engine.search(queries[0], k=k, mode=mode, access=access)
        first[name] = (time.perf_counter() - started) * 1000
    times: dict[str, list[float]] = {name: [] for name in readers}
    short = dict.fromkeys(readers, 0)
    names = list(readers)
    for i, q in enumerate(queries):
        for name in names[i % 3 :] + names[: i % 3]:
            result = engine.search(q, k=k, mode=mode, access=readers[name])
            times[name].append(result.latency_ms)
            short[name] += len(result.hits) < k
    return {
        name: {
            "p50_ms": percentile(times[name], 50),
            "p95_ms": percentile(times[name], 95),
            "first_search_ms": first[name],
            "queries_with_fewer_than_k_hits": short[name],
            "queries": len(queries),
        }
        for name in readers
    }


def dense_only(engine: Any, vectors: list[Any], wanted: int) -> dict[str, Any]:
    """The FAISS search alone (query vectors encoded beforehand), per reader: what the id
    filter costs inside the vector search, without the question encoding around it."""
    from index.evaluation import percentile

    out = {}
    state = engine._state
    for name, n in READERS.items():
        allowed = None if n is None else state.readable_for(reader(n)).selector
        times = []
        for vector in vectors:
            started = time.perf_counter()
            state.vectors.search(vector, wanted, allowed)
            times.append((time.perf_counter() - started) * 1000)
        out[name] = {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95)}
    return out


def stage_access(
    base: Any, real: Any, size: int, queries: list[str], sample: int, work: Path
) -> dict[str, Any]:
    """Build ~size passages over 20 collections (or reuse that build); measure the readers
    with exact and IVF vector search over the same build."""
    import bench

    from index import store
    from index.builder import build_index
    from index.engine import Engine
    from index.vectors import VectorIndex

    docs, index_dir = work / f"access-{size}-docs", work / f"access-{size}-index"
    settings = base.with_dirs(docs, index_dir)
    out: dict[str, Any] = {"collections": COLLECTIONS, "build_s": None}
    if (index_dir / "CURRENT").exists() and docs.exists():
        print(f"[access {size}] reusing {index_dir} (delete it to rebuild)", flush=True)
    else:
        files = spread(bench.scale_corpus(bench.SHARED, size, base))
        bench.write_corpus(docs, files)
        shutil.rmtree(index_dir, ignore_errors=True)
        embedder = bench.SampledEmbedder(real, sample) if real is not None else None
        print(f"[access {size}] {len(files)} documents in {COLLECTIONS} collections: building")
        started = time.perf_counter()
        build_index(settings, full=True, embedder=embedder)
        out["build_s"] = time.perf_counter() - started
    engine = Engine.open(settings, embedder=real)
    stats = engine.stats()
    out["documents"], out["chunks"] = stats["documents"], stats["chunks"]
    out["share"] = {
        name: engine._state.readable_for(reader(n)).share for name, n in READERS.items()
    }
    k = base.retrieval.top_k
    matrix, ids = store.load_vectors(store.current_build(index_dir), mmap=False)
    vectors = [real.embed_query(q) for q in queries] if real is not None else []
    for kind in ("exact", "ivf") if real is not None else ("exact",):
        if real is not None:  # the same build served by an exact or an IVF index
            above = 10**9 if kind == "exact" else 0
            engine._state.vectors = VectorIndex.build(matrix, ids, above, base.retrieval.nprobe)
        modes = ("hybrid", "dense", "bm25") if kind == "exact" else ("hybrid", "dense")
        if real is None:
            modes = ("bm25",)
        out[kind] = {"latency": {mode: measure(engine, queries, mode, k) for mode in modes}}
        if real is not None:
            out[kind]["faiss_only"] = dense_only(engine, vectors, base.retrieval.candidates)
        print(f"[access {size}] {kind} measured", flush=True)
    return out


def print_access_report(results: dict[str, Any]) -> None:
    """One row per index kind, mode and reader: p50 / p95, ratio of p50 to everything's."""
    built = f", build {results['build_s']:.0f} s" if results.get("build_s") else ""
    print(f"\n{results['chunks']} passages in {results['collections']} collections{built}")
    print(f"{'index':<6}{'mode':<12}{'reader':<15}{'share':>7}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'p50 ratio':>11}{'first ms':>10}{'<k hits':>9}")  # fmt: skip
    for kind in ("exact", "ivf"):
        if kind not in results:
            continue
        rows = dict(results[kind]["latency"])
        if "faiss_only" in results[kind]:
            rows["faiss only"] = results[kind]["faiss_only"]
        for mode, readers in rows.items():
            base = readers["everything"]["p50_ms"]
            for name, row in readers.items():
                print(
                    f"{kind:<6}{mode:<12}{name:<15}{results['share'][name]:>7.1%}"
                    f"{row['p50_ms']:>9.2f}{row['p95_ms']:>9.2f}{row['p50_ms'] / base:>11.2f}"
                    f"{row.get('first_search_ms', 0):>10.0f}"
                    f"{row.get('queries_with_fewer_than_k_hits', ''):>9}"
                )
