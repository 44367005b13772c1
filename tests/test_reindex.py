"""Incremental reindexing, atomic publishing, the build lock, and reload without restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from index import store
from index.builder import build_index
from index.engine import Engine
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]


class CountingEmbedder:
    """Fake embedder that counts how many passages it was asked to encode."""

    def __init__(self) -> None:
        from index.embedders import FakeEmbedder

        self.inner = FakeEmbedder(dim=32)
        self.name, self.dim, self.max_tokens = "fake:32", 32, 256
        self.encoded = 0

    def embed_documents(self, texts):
        self.encoded += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)

    def count_tokens(self, text):
        return self.inner.count_tokens(text)


def test_incremental_add_change_delete(tmp_path, corpus):
    settings = make_settings(tmp_path, corpus)
    embedder = CountingEmbedder()
    first = build_index(settings, embedder=embedder)
    assert len(first.added) == 5 and not first.failed
    total = embedder.encoded

    again = build_index(settings, embedder=embedder)
    assert embedder.encoded == total, "nothing changed: nothing is re-embedded"
    assert len(again.unchanged) == 5

    (corpus / "them.md").write_text(
        "# Quy định dạy thêm\n\nGiáo viên không được dạy thêm đối với học sinh mà mình đang dạy chính khóa khi chưa được phép.",
        encoding="utf-8",
    )
    news = corpus / "tin-tuc" / "hoi-nghi-so-ket.txt"
    seen = set(Engine.open(settings, embedder)._state.spans.row_of)  # span vectors so far
    news.write_text(
        news.read_text(encoding="utf-8").replace("12 nhiệm vụ", "15 nhiệm vụ"), encoding="utf-8"
    )
    (corpus / "khac.md").unlink()
    report = build_index(settings, embedder=embedder)
    assert report.added == ("them.md",)
    assert report.changed == ("tin-tuc/hoi-nghi-so-ket.txt",)
    assert report.removed == ("khac.md",)
    from index.answer import span_texts
    from index.embed_cache import text_key

    fresh = [c for d in (*report.added, *report.changed)
             for c in Engine.open(settings, embedder).chunks(d)]
    new_spans = {text_key(t) for c in fresh for t in span_texts(c)} - seen
    assert embedder.encoded - total == len(fresh) + len(new_spans), (
        "only new and changed documents (their passages and new bold-span candidates) are "
        "embedded"
    )

    engine = Engine.open(settings, embedder=embedder)
    assert engine.search("dạy thêm học sinh chính khóa").hits[0].doc.doc_id == "them.md"
    assert engine.document("khac.md") is None
    assert all(h.doc.doc_id != "khac.md" for h in engine.search("chăm sóc cây cà phê", k=10).hits)
    assert "15 nhiệm vụ" in " ".join(c.text for c in engine.chunks("tin-tuc/hoi-nghi-so-ket.txt"))


def test_bad_file_is_reported_and_does_not_abort(tmp_path, corpus):
    (corpus / "hong.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (corpus / "bang-tinh.xlsx").write_bytes(b"PK\x03\x04")
    settings = make_settings(tmp_path, corpus)
    report = build_index(settings)
    assert [doc for doc, _ in report.failed] == ["hong.pdf"]
    assert report.documents == 5


def test_reload_swaps_in_a_new_build(tmp_path, corpus):
    settings = make_settings(tmp_path, corpus)
    build_index(settings)
    engine = Engine.open(settings)
    old = engine.build_id
    assert engine.reload() is False
    (corpus / "moi.txt").write_text(
        "Lịch nghỉ Tết Nguyên đán của học sinh kéo dài chín ngày.", encoding="utf-8"
    )
    build_index(settings)
    assert engine.reload() is True and engine.build_id != old
    assert engine.search("nghỉ tết nguyên đán mấy ngày").hits[0].doc.doc_id == "moi.txt"


def test_second_build_is_refused_while_one_runs(tmp_path, corpus):
    settings = make_settings(tmp_path, corpus)
    with store.build_lock(settings.index_dir):
        with pytest.raises(store.BuildLocked):
            build_index(settings)


SLOW_BUILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from index.builder import build_index
    from index.embedders import FakeEmbedder
    from tests.conftest import make_settings

    class Slow(FakeEmbedder):
        def embed_documents(self, texts):
            Path(sys.argv[3]).write_text("embedding")
            time.sleep(30)
            return super().embed_documents(texts)

    settings = make_settings(Path(sys.argv[1]), Path(sys.argv[2]))
    build_index(settings, embedder=Slow(dim=32), full=True)
    """
)


def test_killed_build_leaves_the_old_index_serving(tmp_path, corpus):
    settings = make_settings(tmp_path, corpus)
    build_index(settings)
    before = Engine.open(settings).build_id
    (corpus / "moi.txt").write_text("Một văn bản mới về tuyển sinh lớp 10.", encoding="utf-8")
    flag = tmp_path / "started"
    script = tmp_path / "slow_build.py"
    script.write_text(SLOW_BUILD, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path), str(corpus), str(flag)], env=env, cwd=ROOT
    )
    deadline = time.time() + 60
    while not flag.exists() and time.time() < deadline:
        time.sleep(0.1)
    assert flag.exists(), "the build never reached the embedding stage"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    engine = Engine.open(settings)
    assert engine.build_id == before
    assert engine.search("phụ cấp giáo viên trung học cơ sở").hits
    report = build_index(settings)  # the lock died with the process; a new build works
    assert report.added == ("moi.txt",)


def test_vector_index_follows_removed_and_added_documents(tmp_path, corpus, fake_embedder):
    settings = make_settings(tmp_path, corpus)
    build_index(settings, embedder=fake_embedder)
    (corpus / "khac.md").unlink()
    (corpus / "moi.txt").write_text(
        "Học sinh được nghỉ học khi nhiệt độ xuống dưới 10 độ C.", encoding="utf-8"
    )
    build_index(settings, embedder=fake_embedder)
    engine = Engine.open(settings, embedder=fake_embedder)
    assert engine.stats()["embedded_chunks"] == engine.stats()["chunks"]
    hits = engine.search("nhiệt độ xuống dưới 10 độ C nghỉ học", mode="dense", k=20).hits
    assert hits[0].doc.doc_id == "moi.txt"
    assert all(h.doc.doc_id != "khac.md" for h in hits)


def test_empty_documents_folder_builds_an_index_that_finds_nothing(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    settings = make_settings(tmp_path, empty)
    report = build_index(settings)
    assert report.documents == 0 and report.chunks == 0
    result = Engine.open(settings).search("giáo viên được phụ cấp bao nhiêu")
    assert result.abstained and not result.hits
