"""The journal from the administrator's side: CSV export, retention, purge."""

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bot.journal import Journal
from index.models import SearchResult

ROOT = Path(__file__).resolve().parents[1]


def _journal(path: Path, questions: int = 3, old: int = 1) -> None:
    journal = Journal(path)
    for n in range(questions):
        result = SearchResult(f"câu hỏi {n}", (), True, 0.0, 1.0, "bm25")
        journal.log_question(
            result, user_id=100 + n, chat_id=-5, chat_type="group", latency_ms=12.345678901
        )
    journal.close()
    with sqlite3.connect(path) as db:  # the first `old` questions were asked 400 days ago
        db.execute("UPDATE questions SET ts = ts - 400 * 86400 WHERE id <= ?", (old,))


def _script(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / name), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
    )


def test_export_has_zoned_times_and_rounded_latency(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    _journal(path)
    done = _script("export_log.py", "--journal", str(path))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 3
    assert rows[0]["time"].endswith("+07:00") and rows[0]["latency_ms"] == "12.3"


def test_export_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    _journal(path, questions=3000, old=0)
    script = ROOT / "scripts" / "export_log.py"
    done = subprocess.run(
        f"'{sys.executable}' '{script}' --journal '{path}' | head -2",
        shell=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert len(done.stdout.splitlines()) == 2
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_purge_deletes_old_questions_with_their_user_ids(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    _journal(path)
    config = tmp_path / "config.yaml"
    config.write_text("bot:\n  journal_path: journal.sqlite\n", encoding="utf-8")
    refused = _script("purge_journal.py", "--config", str(config))
    assert refused.returncode == 2 and "journal_retention_days" in refused.stderr

    config.write_text(
        "bot:\n  journal_path: journal.sqlite\n  journal_retention_days: 30\n", encoding="utf-8"
    )
    done = _script("purge_journal.py", "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert "Đã xoá 1 câu hỏi cũ hơn 30 ngày" in done.stdout
    with sqlite3.connect(path) as db:
        users = [u for (u,) in db.execute("SELECT user_id FROM questions ORDER BY id")]
    assert users == [101, 102]
    journal = Journal(path)
    assert journal.purge(time.time() + 1) == 2
    journal.close()
