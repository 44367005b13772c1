"""Build or update the index from the documents folder (incremental by content hash).

Only new or changed documents are read, chunked and embedded; unchanged ones keep their
chunks and vectors; deleted files disappear. One bad file is reported and skipped (a
changed file that no longer reads keeps its previous version serving). The result is
written beside the live index and published atomically (see :mod:`index.store`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from index import prepared, store
from index.answer import span_texts
from index.chunking import CHUNKER_VERSION, Piece, chunk_text, heading_for, plain_text, split_piece
from index.embed_cache import (
    BuildCancelled,  # noqa: F401 - re-exported for callers
    EmbeddingCache,
    embed_missing,
    seed_path,
    text_key,
)
from index.embedders import Embedder, embedder_id, make_embedder
from index.lexical import LexicalIndex
from index.loaders import IngestError, iter_documents, load_file
from index.metadata import extract_metadata
from index.models import Chunk, DocumentInfo, Extracted
from index.ocr import OcrOptions, build_progress
from index.ocr import cache_dir as ocr_cache_dir
from index.prepared import PreparedPassages
from index.safety import BoundedLoader
from index.settings import IndexSettings
from index.store import BuildLocked  # noqa: F401 - re-exported for callers
from index.textnorm import NORMALISER_VERSION
from index.tones import ToneRestorer
from index.vectors import VectorIndex

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0
    build_id: str = ""


@dataclass
class _Previous:
    """The live build, when it is compatible with the current settings."""

    docs: dict[str, DocumentInfo]
    chunks: dict[str, list[Chunk]]
    texts: dict[str, str]
    vectors: dict[int, np.ndarray]
    folder: Path | None = None
    next_id: int = 0


def signature(settings: IndexSettings, dim: int | None) -> dict[str, Any]:
    """The settings an index depends on; a loaded index must match them."""
    return {
        "format_version": store.FORMAT_VERSION,
        "normaliser_version": NORMALISER_VERSION,
        "chunker_version": CHUNKER_VERSION,
        "embedding": embedder_id(settings.embedding),
        "dimension": dim,
        "chunking": asdict(settings.chunking),
    }


def embed_text(doc: DocumentInfo | dict[str, Any], piece: Piece | Chunk, with_heading: bool) -> str:
    """The text that is embedded and BM25-indexed for a passage (heading line + passage)."""
    if not with_heading:
        return piece.text
    title = doc.title if isinstance(doc, DocumentInfo) else doc["title"]
    number = doc.number if isinstance(doc, DocumentInfo) else doc.get("number")
    if number and number not in title:
        title = f"{number} {title}"
    return heading_for(title, piece.section, piece.context) + "\n" + piece.text


def _load_previous(settings: IndexSettings, sig: dict[str, Any]) -> _Previous | None:
    folder = store.current_build(settings.index_dir)
    if folder is None:
        return None
    manifest = store.verify(folder)
    if manifest.get("signature") != sig:
        logger.info("settings changed since the last build: rebuilding everything")
        return None
    docs = {
        row["doc_id"]: store.doc_from_row(row)
        for row in store.read_jsonl(folder / "documents.jsonl")
    }
    chunks: dict[str, list[Chunk]] = {}
    for row in store.read_jsonl(folder / "chunks.jsonl"):
        chunks.setdefault(row["doc_id"], []).append(store.chunk_from_row(row))
    texts = {row["doc_id"]: row["text"] for row in store.read_jsonl(folder / "texts.jsonl")}
    matrix, ids = store.load_vectors(folder, mmap=False)
    vectors = {int(i): matrix[n] for n, i in enumerate(ids)}
    next_id = int(manifest.get("next_chunk_id", 0))
    return _Previous(docs, chunks, texts, vectors, folder=folder, next_id=next_id)


def _previous_or_none(settings: IndexSettings, sig: dict[str, Any]) -> _Previous | None:
    """The live build to update, or None (full build) when it is damaged."""
    try:
        return _load_previous(settings, sig)
    except Exception as exc:  # corrupt manifest, truncated jsonl or vectors
        logger.warning("the live index is damaged (%s): rebuilding everything", exc)
        return None


def _fit_window(
    pieces: list[Piece], doc: dict[str, Any], embedder: Embedder | None, with_heading: bool
) -> list[Piece]:
    """Split passages whose embedded text would overflow the model window (no silent cut)."""
    if embedder is None:
        return pieces
    out: list[Piece] = []
    queue = list(reversed(pieces))
    while queue:
        piece = queue.pop()
        text = embed_text(doc, piece, with_heading)
        if embedder.count_tokens(text) > embedder.max_tokens and len(piece.text.split()) > 8:
            queue.extend(reversed(split_piece(piece)))
        else:
            out.append(piece)
    return out


def build_index(
    settings: IndexSettings,
    *,
    full: bool = False,
    embed: bool = True,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> BuildReport:
    """Build or update the index under ``settings.index_dir`` from ``settings.documents_dir``.

    Vectors come from the previous build, then from the embedding cache (keyed by passage
    text and model, see :mod:`index.embed_cache`), and only the rest are embedded, each
    batch checkpointed to that cache. With ``embed=False`` cached vectors are still used.

    Args:
        settings: Engine settings (folders, embedding, chunking).
        full: Ignore the previous build and process every document again.
        embed: Compute missing vectors; False publishes a BM25-only build quickly.
        embedder: Encoder to use (default: the configured one).
        progress: Called as ``progress(stage, done, total)``.
        cancel: When set, embedding stops after the current batch (checkpointed).

    Raises:
        BuildLocked: another build is running.
        BuildCancelled: ``cancel`` was set; nothing was published.
    """
    started = time.perf_counter()
    tick = progress or (lambda stage, done, total: None)
    with store.build_lock(settings.index_dir):
        if embedder is None and settings.embedding.backend != "none":
            embedder = make_embedder(settings.embedding)
        sig = signature(settings, embedder.dim if embedder else None)
        if embedder is not None:
            sig["embedding"] = embedder.name
        prev = None if full else _previous_or_none(settings, sig)
        with BoundedLoader() as loader:  # a file that reads for too long is skipped
            ocr = OcrOptions(cache_dir=ocr_cache_dir(settings.index_dir))  # scans OCR'd once
            state = _collect(settings, prev, embedder, tick, partial(loader.load, ocr=ocr))
        vectors = _vectors(state, prev, embedder, embed, settings, tick, cancel)
        build_id = _write_or_clean(settings, sig, state, vectors, prev, tick)
        tick("save", 1, 1)
    report = BuildReport(
        added=tuple(state["added"]),
        changed=tuple(state["changed"]),
        removed=tuple(state["removed"]),
        unchanged=tuple(state["unchanged"]),
        failed=tuple(state["failed"]),
        documents=len(state["docs"]),
        chunks=sum(len(c) for c in state["chunks"].values()),
        embedded=len(vectors),
        seconds=time.perf_counter() - started,
        build_id=build_id,
    )
    logger.info(
        "index %s: %d documents, %d chunks (%d embedded) in %.1f s",
        build_id,
        report.documents,
        report.chunks,
        report.embedded,
        report.seconds,
    )
    return report


def _collect(
    settings: IndexSettings,
    prev: _Previous | None,
    embedder: Embedder | None,
    tick: Progress,
    load: Callable[..., Extracted] = load_file,
) -> dict[str, Any]:
    """Read, describe and chunk every new or changed document; reuse the rest."""
    root = settings.documents_dir
    paths = list(iter_documents(root)) if root.exists() else []
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    state: dict[str, Any] = {
        "docs": {},
        "chunks": {},
        "texts": {},
        "added": [],
        "changed": [],
        "removed": [],
        "unchanged": [],
        "failed": [],
        "next_id": prev.next_id if prev else 0,
    }
    seen: set[str] = set()
    for n, path in enumerate(paths):
        tick("load", n, len(paths))
        doc_id = path.relative_to(root).as_posix()
        seen.add(doc_id)
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            state["failed"].append((doc_id, f"không đọc được tệp: {exc.strerror}"))
            if prev and doc_id in prev.docs:  # the previous version keeps serving
                _keep(state, prev, doc_id)
            continue
        old = prev.docs.get(doc_id) if prev else None
        if prev and old and old.content_hash == digest:
            _keep(state, prev, doc_id)
            state["unchanged"].append(doc_id)
            continue
        try:
            with build_progress(settings.index_dir, path, digest, tick):
                doc, chunks, text = _read_one(
                    path, doc_id, digest, settings, embedder, state, max_bytes, load
                )
        except IngestError as exc:
            state["failed"].append((doc_id, str(exc)))
            if prev and old:
                _keep(state, prev, doc_id)
            continue
        except Exception as exc:  # one broken file must not abort the reindex
            logger.exception("could not index %s", doc_id)
            state["failed"].append((doc_id, f"lỗi khi xử lý tệp: {type(exc).__name__}"))
            if prev and old:
                _keep(state, prev, doc_id)
            continue
        state["docs"][doc_id], state["chunks"][doc_id], state["texts"][doc_id] = doc, chunks, text
        state["changed" if old else "added"].append(doc_id)
    tick("load", len(paths), len(paths))
    for folder, reason in unreadable_folders(root):
        state["failed"].append((folder + "/", f"không đọc được thư mục: {reason}"))
        for doc_id in prev.docs if prev else ():
            if doc_id.startswith(folder + "/") and doc_id not in seen:
                _keep(state, prev, doc_id)  # its documents keep serving
                seen.add(doc_id)
    if prev:
        state["removed"] = sorted(set(prev.docs) - seen)
    return state


def unreadable_folders(root: Path) -> list[tuple[str, str]]:
    """Folders under root that cannot be listed (relative path, reason); hidden ones skipped."""
    found: list[tuple[str, str]] = []

    def note(exc: OSError) -> None:
        rel = Path(exc.filename or root).relative_to(root).as_posix()
        if not any(part.startswith((".", "_")) for part in Path(rel).parts):
            found.append((rel, exc.strerror or type(exc).__name__))

    if root.exists():
        for _ in os.walk(root, onerror=note):
            pass
    return found


def _keep(state: dict[str, Any], prev: _Previous, doc_id: str) -> None:
    state["docs"][doc_id] = prev.docs[doc_id]
    state["chunks"][doc_id] = prev.chunks.get(doc_id, [])
    state["texts"][doc_id] = prev.texts.get(doc_id, "")


def _read_one(
    path: Path,
    doc_id: str,
    digest: str,
    settings: IndexSettings,
    embedder: Embedder | None,
    state: dict[str, Any],
    max_bytes: int,
    load: Callable[..., Extracted] = load_file,
) -> tuple[DocumentInfo, list[Chunk], str]:
    extracted = load(path, max_bytes=max_bytes)
    meta = extract_metadata(doc_id, extracted)
    pieces = chunk_text(extracted.text, settings.chunking, extracted.page_starts)
    pieces = _fit_window(pieces, meta, embedder, settings.chunking.with_heading)
    if not pieces:
        raise IngestError("tệp không có nội dung chữ")
    chunks = []
    for piece in pieces:
        chunks.append(
            Chunk(
                state["next_id"],
                doc_id,
                plain_text(piece.text),
                piece.section,
                piece.start,
                piece.end,
                piece.page,
                piece.context,
            )
        )
        state["next_id"] += 1
    doc = DocumentInfo(
        doc_id=doc_id,
        title=meta["title"],
        number=meta.get("number"),
        doc_type=meta.get("doc_type"),
        issuer=meta.get("issuer"),
        issued=meta.get("issued"),
        effective=meta.get("effective"),
        summary=meta.get("summary"),
        cites=tuple(meta.get("cites") or ()),
        content_hash=digest,
        size_chars=len(extracted.text),
        n_chunks=len(chunks),
        url=meta.get("url"),
        recipients=meta.get("recipients"),
        ocr_confidence=meta.get("ocr_confidence"),
        ocr_low=bool(meta.get("ocr_low")),
    )
    return doc, chunks, extracted.text


def _vectors(
    state: dict[str, Any],
    prev: _Previous | None,
    embedder: Embedder | None,
    embed: bool,
    settings: IndexSettings,
    tick: Progress,
    cancel: threading.Event | None = None,
) -> dict[int, np.ndarray]:
    """Vectors for every chunk: from the previous build, else the cache, else embedded now.

    The candidate bold spans of every passage (``answer.span_texts``) are embedded after the
    passages, through the same cache; they are left in ``state["spans"]`` as (text keys,
    chunk ids, vectors) for :func:`_write`.
    """
    if embedder is None:
        return {}
    vectors: dict[int, np.ndarray] = {}
    texts: dict[int, str] = {}
    span_ids: dict[str, int] = {}  # span text -> its id in ``texts`` (negative)
    by_chunk: list[tuple[int, list[str]]] = []
    for doc_id, chunks in state["chunks"].items():
        doc = state["docs"][doc_id]
        for chunk in chunks:
            if prev and chunk.chunk_id in prev.vectors:
                vectors[chunk.chunk_id] = prev.vectors[chunk.chunk_id]
            else:
                texts[chunk.chunk_id] = embed_text(doc, chunk, settings.chunking.with_heading)
            spans = span_texts(chunk)
            by_chunk.append((chunk.chunk_id, spans))
            for text in spans:
                span_ids.setdefault(text, -1 - len(span_ids))
    texts.update({i: text for text, i in span_ids.items()})  # after the passages
    seeds = [seed_path(settings.documents_dir, embedder.name)]
    cache = EmbeddingCache(settings.index_dir, embedder.name, seeds)
    largest = max(8, settings.embedding.batch_size)
    found = embed_missing(texts, embedder, cache, embed, largest, tick, cancel)
    keys, owners, rows = [], [], []
    for chunk_id, spans in by_chunk:
        for text in spans:
            vector = found.get(span_ids[text])
            if vector is not None:
                keys.append(text_key(text))
                owners.append(chunk_id)
                rows.append(vector)
    if rows:
        state["spans"] = (keys, np.asarray(owners, np.int64), np.stack(rows))
    vectors.update({i: v for i, v in found.items() if i >= 0})
    return vectors


def _prepared_reuse(
    prev: _Previous | None, unchanged: set[str]
) -> Callable[[Chunk], tuple[bytes, bytes] | None]:
    """The previous build's prepared record of a passage of an unchanged document, when that
    build has records of the current code."""
    loaded = (
        PreparedPassages.open(prev.folder, [c for cs in prev.chunks.values() for c in cs])
        if prev is not None and prev.folder is not None
        else None
    )
    if loaded is None or not unchanged:
        return lambda chunk: None
    return lambda chunk: loaded.parts(chunk.chunk_id) if chunk.doc_id in unchanged else None


def _write_or_clean(
    settings: IndexSettings,
    sig: dict[str, Any],
    state: dict[str, Any],
    vectors: dict[int, np.ndarray],
    prev: _Previous | None,
    tick: Progress,
) -> str:
    """Write and publish the build; on failure remove the unfinished folder.

    Raises:
        DiskFull: no space left while writing (one-line message; the old index serves on).
    """
    try:
        return _write(settings, sig, state, vectors, prev, tick)
    except Exception as exc:
        for unfinished in (settings.index_dir / "builds").glob("*.tmp"):
            store.discard_build(unfinished)  # we hold the build lock: no other build runs
        if store.is_disk_full(exc):
            raise store.DiskFull(
                f"no space left on device while writing the index in {settings.index_dir}: "
                "the unfinished build was removed and the previous index keeps serving"
            ) from exc
        raise


def _write(
    settings: IndexSettings,
    sig: dict[str, Any],
    state: dict[str, Any],
    vectors: dict[int, np.ndarray],
    prev: _Previous | None,
    tick: Progress,
) -> str:
    build_id, folder = store.new_build_dir(settings.index_dir)
    order = sorted(state["docs"])
    all_chunks = [c for doc_id in order for c in state["chunks"][doc_id]]
    prepared.write(
        folder,
        all_chunks,
        {d: state["docs"][d].title for d in order},
        reuse=_prepared_reuse(prev, set(state["unchanged"])),
        progress=lambda done, total: tick("prepare", done, total),
    )
    tick("save", 0, 1)
    store.write_jsonl(
        folder / "documents.jsonl", [store.doc_to_row(state["docs"][d]) for d in order]
    )
    store.write_jsonl(folder / "chunks.jsonl", [store.chunk_to_row(c) for c in all_chunks])
    store.write_jsonl(
        folder / "texts.jsonl", [{"doc_id": d, "text": state["texts"][d]} for d in order]
    )
    with_heading = settings.chunking.with_heading
    lexical = LexicalIndex.build(
        [embed_text(state["docs"][c.doc_id], c, with_heading) for c in all_chunks]
    )
    lexical.save(folder / "bm25")
    ToneRestorer.learn(state["texts"][d] for d in order).save(folder / "tones.json")
    if vectors:
        ids = np.array(sorted(vectors), dtype=np.int64)
        matrix = np.stack([vectors[i] for i in ids]).astype(np.float32)
        store.save_vectors(folder, matrix, ids)
        old = prev.folder / "vectors.faiss" if prev and prev.folder else None
        cfg = settings.retrieval
        index = VectorIndex.update(old, set(prev.vectors) if prev else set(), matrix, ids, cfg)
        index.save(folder / "vectors.faiss")
    if state.get("spans"):
        store.save_span_vectors(folder, *state["spans"])
    store.write_manifest(
        folder,
        {
            "build_id": build_id,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "signature": sig,
            "documents": {
                d: {"hash": state["docs"][d].content_hash, "chunks": len(state["chunks"][d])}
                for d in order
            },
            "counts": {
                "documents": len(order),
                "chunks": len(all_chunks),
                "embedded": len(vectors),
            },
            "next_chunk_id": state["next_id"],
            "failed": state["failed"],
            "libraries": store.library_versions(),
            "files": store.file_checksums(folder),
        },
    )
    store.publish(settings.index_dir, build_id, folder)
    return build_id
