"""Faults in the index and the documents folder: docs/RELIABILITY.md lists each with its outcome."""

from __future__ import annotations

import errno
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index import store
from index.builder import build_index
from index.embedders import FakeEmbedder
from index.engine import Engine, IndexCorrupt
from index.lexical import LexicalIndex
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[1]
EMBEDDER = FakeEmbedder(dim=32)
QUESTION = "phụ cấp ưu đãi giáo viên trung học cơ sở"


def _two_builds(tmp_path: Path, corpus: Path) -> tuple[object, str, Path]:
    """Settings, the older good build id and the live build folder (with vectors)."""
    settings = make_settings(tmp_path, corpus)
    old = build_index(settings, embedder=EMBEDDER).build_id
    (corpus / "moi.txt").write_text("Học sinh được nghỉ Tết mười hai ngày.", encoding="utf-8")
    build_index(settings, embedder=EMBEDDER)
    live = store.current_build(settings.index_dir)
    assert live is not None and live.name != old
    return settings, old, live


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


DAMAGE = {
    "chunks.jsonl truncated": lambda f: _truncate(f / "chunks.jsonl"),
    "manifest.json empty": lambda f: (f / "manifest.json").write_text(""),
    "vectors.faiss bit flip": lambda f: _flip(f / "vectors.faiss"),
    "vectors.faiss deleted": lambda f: (f / "vectors.faiss").unlink(),
    "bm25 bit flip": lambda f: _flip(max((f / "bm25").iterdir(), key=lambda p: p.stat().st_size)),
    "bm25 truncated": lambda f: [_truncate(p) for p in (f / "bm25").iterdir()],
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_live_build_is_refused_and_the_previous_good_one_serves(
    tmp_path: Path, corpus: Path, damage: str
) -> None:
    settings, old, live = _two_builds(tmp_path, corpus)
    DAMAGE[damage](live)
    engine = Engine.open(settings, embedder=EMBEDDER)
    assert engine.build_id == old
    assert engine.search(QUESTION).hits


def test_damaged_only_build_gives_a_clear_message_in_ask_py(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path, corpus)
    build_index(settings)
    live = store.current_build(settings.index_dir)
    _truncate(live / "chunks.jsonl")
    with pytest.raises(IndexCorrupt, match="reindex.py --full"):
        Engine.open(settings)
    config = tmp_path / "config.yaml"
    config.write_text("embedding:\n  backend: none\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "scripts/ask.py", "--config", str(config), "--index",
         str(settings.index_dir), "--docs", str(corpus), QUESTION],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "reindex.py --full" in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2, done.stderr


def test_reload_keeps_serving_when_the_new_build_is_damaged(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path, corpus)
    build_index(settings, embedder=EMBEDDER)
    engine = Engine.open(settings, embedder=EMBEDDER)
    before = engine.build_id
    (corpus / "moi.txt").write_text("Học sinh được nghỉ Tết mười hai ngày.", encoding="utf-8")
    build_index(settings, embedder=EMBEDDER)
    _flip(store.current_build(settings.index_dir) / "vectors.faiss")
    assert engine.reload() is False and engine.build_id == before
    assert engine.reload() is False, "a refused build is not hashed again every 30 s"


def test_incremental_reindex_on_a_damaged_live_build_rebuilds_everything(
    tmp_path: Path, corpus: Path
) -> None:
    settings = make_settings(tmp_path, corpus)
    build_index(settings)
    _truncate(store.current_build(settings.index_dir) / "chunks.jsonl")
    report = build_index(settings)
    assert len(report.added) == 5 and not report.unchanged
    assert Engine.open(settings).search(QUESTION).hits


def test_reported_mode_is_the_one_used(tmp_path: Path, corpus: Path) -> None:
    settings = make_settings(tmp_path, corpus)
    build_index(settings, embedder=EMBEDDER, embed=False)  # no vectors yet
    assert Engine.open(settings, embedder=EMBEDDER).search(QUESTION).mode == "bm25"
    build_index(settings, embedder=EMBEDDER)
    assert Engine.open(settings, embedder=EMBEDDER).search(QUESTION).mode == "hybrid"


def test_unreadable_file_keeps_its_previous_version_and_is_named(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path, corpus)
    build_index(settings)
    target = corpus / "van-ban" / "nd-182-2026.md"
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    report = build_index(settings)
    assert "Permission denied" in dict(report.failed)["van-ban/nd-182-2026.md"]
    assert "van-ban/nd-182-2026.md" not in report.removed
    assert Engine.open(settings).document("van-ban/nd-182-2026.md") is not None


def test_unreadable_folder_keeps_its_documents_and_is_named(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path, corpus)
    build_index(settings)
    locked = corpus / "van-ban"
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if not isinstance(path, int) and Path(os.fsdecode(path)) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = build_index(settings)
    assert "Permission denied" in dict(report.failed)["van-ban/"]
    assert not report.removed
    assert Engine.open(settings).document("van-ban/nd-233-2026.md") is not None


def _reindex_main() -> object:
    spec = importlib.util.spec_from_file_location("reindex_script", ROOT / "scripts/reindex.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.main


def test_disk_full_during_reindex_is_one_line_and_leaves_no_partial_build(
    tmp_path: Path,
    corpus: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = make_settings(tmp_path, corpus)
    before = build_index(settings).build_id
    (corpus / "moi.txt").write_text("Học sinh được nghỉ Tết mười hai ngày.", encoding="utf-8")

    def full_disk(self: LexicalIndex, folder: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(LexicalIndex, "save", full_disk)
    with pytest.raises(store.DiskFull, match="no space left"):
        build_index(settings)
    assert not list((settings.index_dir / "builds").glob("*.tmp")), "partial build removed"
    assert Engine.open(settings).build_id == before

    config = tmp_path / "config.yaml"
    config.write_text("embedding:\n  backend: none\n", encoding="utf-8")
    argv = ["--config", str(config), "--docs", str(corpus), "--index", str(settings.index_dir)]
    assert _reindex_main()(argv) == 4
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if "no space left" in line.lower()]) == 1, err
    shutil.rmtree(settings.index_dir / "builds", ignore_errors=True)


def test_bot_start_up_on_a_damaged_only_build_rebuilds_it(tmp_path: Path, corpus: Path) -> None:
    from bot.jobs import open_or_build

    settings = make_settings(tmp_path, corpus)
    damaged = build_index(settings).build_id
    _truncate(store.current_build(settings.index_dir) / "chunks.jsonl")
    engine = open_or_build(settings)
    assert engine.build_id != damaged and engine.search(QUESTION).hits
