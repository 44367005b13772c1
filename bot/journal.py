"""SQLite journal of questions, their top hits, abstain decisions, latency and feedback.

Plain synchronous code (one connection guarded by a lock); the bot calls it through
``asyncio.to_thread`` so the event loop never waits on the disk.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from index.models import SearchResult

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL,
    user_id INTEGER,
    chat_id INTEGER,
    chat_type TEXT,
    question TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    evidence REAL,
    mode TEXT,
    latency_ms REAL,
    n_hits INTEGER NOT NULL,
    feedback INTEGER,
    feedback_user INTEGER,
    feedback_ts REAL
);
CREATE TABLE IF NOT EXISTS hits (
    question_id INTEGER NOT NULL REFERENCES questions(id),
    rank INTEGER NOT NULL,
    doc_id TEXT NOT NULL,
    section TEXT,
    score REAL,
    PRIMARY KEY (question_id, rank)
);
CREATE TABLE IF NOT EXISTS actions (
    ts REAL NOT NULL,
    user_id INTEGER,
    action TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS questions_ts ON questions(ts);
"""

EXPORT_COLUMNS = (
    "id",
    "time",
    "user_id",
    "chat_id",
    "chat_type",
    "question",
    "abstained",
    "evidence",
    "mode",
    "latency_ms",
    "feedback",
    "top_doc",
    "top_section",
    "top_score",
    "hits",
)


class Journal:
    """The bot's log; one instance per process."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def log_question(
        self,
        result: SearchResult,
        *,
        user_id: int | None,
        chat_id: int | None,
        chat_type: str | None,
        latency_ms: float,
        top: int = 5,
    ) -> int:
        """Store one question with its top hits; return its id (used in callback data)."""
        with self._lock, self._db:
            cur = self._db.execute(
                "INSERT INTO questions (ts, user_id, chat_id, chat_type, question, abstained,"
                " evidence, mode, latency_ms, n_hits) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    time.time(),
                    user_id,
                    chat_id,
                    chat_type,
                    result.query,
                    int(result.abstained),
                    result.evidence,
                    result.mode,
                    latency_ms,
                    len(result.hits),
                ),
            )
            qid = int(cur.lastrowid or 0)
            self._db.executemany(
                "INSERT INTO hits (question_id, rank, doc_id, section, score) VALUES (?,?,?,?,?)",
                [
                    (qid, rank, h.doc.doc_id, h.chunk.section, h.score)
                    for rank, h in enumerate(result.hits[:top], 1)
                ],
            )
        return qid

    def question(self, qid: int) -> str | None:
        """The text of a logged question."""
        with self._lock:
            row = self._db.execute("SELECT question FROM questions WHERE id=?", (qid,)).fetchone()
        return row[0] if row else None

    def set_feedback(self, qid: int, user_id: int | None, value: int) -> bool:
        """Store 👍 (1) or 👎 (-1) for a question; False when the question is unknown."""
        with self._lock, self._db:
            cur = self._db.execute(
                "UPDATE questions SET feedback=?, feedback_user=?, feedback_ts=? WHERE id=?",
                (value, user_id, time.time(), qid),
            )
        return cur.rowcount > 0

    def feedback(self, qid: int) -> int | None:
        """The feedback stored for a question."""
        with self._lock:
            row = self._db.execute("SELECT feedback FROM questions WHERE id=?", (qid,)).fetchone()
        return row[0] if row else None

    def log_action(self, user_id: int | None, action: str, detail: str = "") -> None:
        """Audit an administrator's action (upload, delete, reindex)."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO actions (ts, user_id, action, detail) VALUES (?,?,?,?)",
                (time.time(), user_id, action, detail),
            )

    def stats(self, now: float | None = None, top_unanswered: int = 5) -> dict[str, Any]:
        """Counts for /thongke: today, last 7 days, share answered, feedback, top misses."""
        now = time.time() if now is None else now
        midnight = datetime.fromtimestamp(now).replace(hour=0, minute=0, second=0, microsecond=0)
        today = midnight.timestamp()
        week = (midnight - timedelta(days=6)).timestamp()
        with self._lock:
            q = self._db.execute
            total = q("SELECT COUNT(*) FROM questions").fetchone()[0]
            n_today = q("SELECT COUNT(*) FROM questions WHERE ts>=?", (today,)).fetchone()[0]
            n_week, answered = q(
                "SELECT COUNT(*), COALESCE(SUM(1-abstained),0) FROM questions WHERE ts>=?",
                (week,),
            ).fetchone()
            up, down = q(
                "SELECT COALESCE(SUM(feedback=1),0), COALESCE(SUM(feedback=-1),0) FROM questions"
            ).fetchone()
            misses = q(
                "SELECT lower(question), COUNT(*) AS n FROM questions WHERE abstained=1"
                " GROUP BY lower(question) ORDER BY n DESC, MAX(ts) DESC LIMIT ?",
                (top_unanswered,),
            ).fetchall()
        return {
            "total": total,
            "today": n_today,
            "week": n_week,
            "answered_share": (answered / n_week) if n_week else None,
            "up": up,
            "down": down,
            "unanswered": [(text, n) for text, n in misses],
        }

    def export_rows(self, since: float | None = None) -> Iterator[Sequence[Any]]:
        """Rows for CSV export, oldest first, with the top hit and all hits in one cell."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, ts, user_id, chat_id, chat_type, question, abstained, evidence, mode,"
                " latency_ms, feedback FROM questions WHERE ts>=? ORDER BY id",
                (since or 0.0,),
            ).fetchall()
            hits: dict[int, list[tuple[str, str, float]]] = {}
            for qid, doc, section, score in self._db.execute(
                "SELECT question_id, doc_id, section, score FROM hits ORDER BY question_id, rank"
            ):
                hits.setdefault(qid, []).append((doc, section or "", score))
        for row in rows:
            qid, ts = row[0], row[1]
            mine = hits.get(qid, [])
            top = mine[0] if mine else ("", "", None)
            cell = " | ".join(f"{d} [{s}] {sc:.3f}" for d, s, sc in mine)
            yield (
                qid,
                datetime.fromtimestamp(ts).isoformat(timespec="seconds"),
                *row[2:],
                top[0],
                top[1],
                top[2],
                cell,
            )
