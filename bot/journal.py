"""The journal of questions, their top hits, abstain decisions, latency and feedback.

It lives in the shared database (:mod:`bot.db`): a SQLite file by default, PostgreSQL when
``bot.database_url`` is set, so that every replica of the bot logs to, and reads /thongke and
feedback from, the same tables. The journal also claims each Telegram update once
(:meth:`Journal.claim_update`), which is how replicas avoid answering it twice.

Plain synchronous code (one connection guarded by a lock); the bot calls it through
``asyncio.to_thread`` so the event loop never waits on the disk or the network.

Writing never raises: a write that fails (disk full, locked or read-only database) is kept in
a bounded in-memory backlog and retried with the next write, or dropped when the backlog is
full; :attr:`Journal.health` counts both and :meth:`Journal.take_incident` reports the start
of each incident once, for the administrators' chat.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from bot.db import Database, masked, write_errors
from index.models import SearchResult

T = TypeVar("T")

logger = logging.getLogger(__name__)

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
"""Times in exports carry this zone (ISO 8601 with +07:00), whatever the server's clock."""

WRITE_ERRORS = write_errors()
"""What a failing write raises: disk full / I/O (sqlite3.OperationalError), a lost
PostgreSQL connection (psycopg.OperationalError), bad text."""

UPDATE_IDS_KEPT_S = 2 * 86400.0
"""Telegram re-delivers an update for at most a day; claimed update ids are kept twice that."""

EXPORT_COLUMNS = (
    "id",
    "time",
    "user_id",
    "chat_id",
    "chat_type",
    "question",
    "abstained",
    "uncertain",
    "evidence",
    "mode",
    "latency_ms",
    "feedback",
    "top_doc",
    "top_section",
    "top_score",
    "hits",
)


@dataclass
class JournalHealth:
    """Failed journal writes since start-up (shown by /thongke)."""

    failed_writes: int = 0
    """Writes that failed (each retried later while the backlog has room)."""
    dropped: int = 0
    """Rows lost because the backlog was full."""
    pending: int = 0
    """Rows waiting in the backlog for the next successful write."""


class Journal:
    """The bot's log; one instance per process."""

    BACKLOG = 1000

    def __init__(self, target: str | Path) -> None:
        """Open (creating or upgrading the schema) a SQLite file or a ``postgresql://`` URL."""
        self.db = Database(target)
        self.target = target
        self._lock = self.db.lock
        self._backlog: deque[tuple[str, tuple[Any, ...], list[tuple[Any, ...]]]] = deque()
        self._failed = 0
        self._dropped = 0
        self._incident: str | None = None
        self._unreported: str | None = None

    def __repr__(self) -> str:
        return f"Journal({masked(self.target)})"

    def close(self) -> None:
        """Write what the backlog still holds (if the database allows), then close it."""
        with self._lock:
            if self._backlog:
                try:
                    with self.db.transaction():
                        for item in self._backlog:
                            self._insert(*item)
                    self._backlog.clear()
                except WRITE_ERRORS:
                    logger.warning("journal closed with %d rows unwritten", len(self._backlog))
            self.db.close()

    def log_question(
        self,
        result: SearchResult,
        *,
        user_id: int | None,
        chat_id: int | None,
        chat_type: str | None,
        latency_ms: float,
        top: int = 5,
        uncertain: bool = False,
    ) -> int | None:
        """Store one question with its top hits; return its id (used in callback data).

        ``uncertain``: the answer went out with the engine's doubt warning (``Answer.uncertain``).

        Returns None when the write failed: the row waits in the backlog (no id yet).
        """
        row = (
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
            int(uncertain),
        )
        hits = [
            (rank, h.doc.doc_id, h.chunk.section, h.score)
            for rank, h in enumerate(result.hits[:top], 1)
        ]
        return self._write("question", row, hits)

    def _write(self, kind: str, row: tuple[Any, ...], hits: list[tuple[Any, ...]]) -> int | None:
        """Write the backlog, then this row; on failure keep the row for the next write."""
        with self._lock:
            try:
                with self.db.transaction():
                    for item in self._backlog:
                        self._insert(*item)
                    new_id = self._insert(kind, row, hits)
            except WRITE_ERRORS as exc:
                self._failed += 1
                self._backlog.append((kind, row, hits))
                if len(self._backlog) > self.BACKLOG:
                    self._backlog.popleft()
                    self._dropped += 1
                if self._incident is None:
                    self._incident = self._unreported = f"{type(exc).__name__}: {exc}"
                    logger.warning("journal write failed (%s); answers continue", exc)
                return None
            if self._incident is not None:
                logger.info("journal writable again; %d rows caught up", len(self._backlog))
            self._backlog.clear()
            self._incident = None
            return new_id

    def _insert(self, kind: str, row: tuple[Any, ...], hits: list[tuple[Any, ...]]) -> int:
        if kind == "action":
            self.db.execute(
                "INSERT INTO actions (ts, user_id, action, detail) VALUES (?,?,?,?)", row
            )
            return 0
        qid = int(
            self.db.execute(
                "INSERT INTO questions (ts, user_id, chat_id, chat_type, question, abstained,"
                " evidence, mode, latency_ms, n_hits, uncertain)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                row,
            ).fetchone()[0]
        )
        self.db.executemany(
            "INSERT INTO hits (question_id, rank, doc_id, section, score) VALUES (?,?,?,?,?)",
            [(qid, *hit) for hit in hits],
        )
        return qid

    @property
    def health(self) -> JournalHealth:
        """Failed, dropped and pending writes since start-up."""
        with self._lock:
            return JournalHealth(self._failed, self._dropped, len(self._backlog))

    def take_incident(self) -> str | None:
        """The error that started a write-failure incident, once (None otherwise)."""
        with self._lock:
            error, self._unreported = self._unreported, None
        return error

    def question(self, qid: int) -> str | None:
        """The text of a logged question."""
        with self._lock:
            row = self.db.execute("SELECT question FROM questions WHERE id=?", (qid,)).fetchone()
        return row[0] if row else None

    def set_feedback(
        self, qid: int, user_id: int | None, value: int, chat_id: int | None = None
    ) -> bool:
        """Store one user's 👍 (1) or 👎 (-1) for a question; a new press replaces their vote.

        Returns False when the question is unknown, or was asked in another chat than
        ``chat_id`` (the user could not have seen its answer).
        """
        if user_id is None:
            return False
        with self._lock:
            try:
                row = self.db.execute("SELECT chat_id FROM questions WHERE id=?", (qid,)).fetchone()
            except WRITE_ERRORS:
                logger.warning("could not read question %d", qid, exc_info=True)
                return False
            if row is None or (chat_id is not None and row[0] is not None and row[0] != chat_id):
                return False
            now = time.time()
            try:
                with self.db.transaction():
                    self.db.execute(
                        "INSERT INTO votes (question_id, user_id, value, ts) VALUES (?,?,?,?)"
                        " ON CONFLICT(question_id, user_id) DO UPDATE"
                        " SET value=excluded.value, ts=excluded.ts",
                        (qid, user_id, value, now),
                    )
                    self.db.execute(
                        "UPDATE questions SET feedback=(SELECT SUM(value) FROM votes"
                        " WHERE question_id=?), feedback_user=?, feedback_ts=? WHERE id=?",
                        (qid, user_id, now, qid),
                    )
            except WRITE_ERRORS:
                self._failed += 1
                logger.warning("could not store feedback for question %d", qid, exc_info=True)
        return True

    def feedback(self, qid: int) -> int | None:
        """The feedback stored for a question."""
        with self._lock:
            row = self.db.execute("SELECT feedback FROM questions WHERE id=?", (qid,)).fetchone()
        return row[0] if row else None

    def log_action(self, user_id: int | None, action: str, detail: str = "") -> None:
        """Audit an administrator's action (upload, delete, reindex); never raises."""
        self._write("action", (time.time(), user_id, action, detail), [])

    def stats(self, now: float | None = None, top_unanswered: int = 5) -> dict[str, Any]:
        """Counts for /thongke: today, last 7 days, share answered, feedback, top misses."""
        now = time.time() if now is None else now
        midnight = datetime.fromtimestamp(now).replace(hour=0, minute=0, second=0, microsecond=0)
        today = midnight.timestamp()
        week = (midnight - timedelta(days=6)).timestamp()
        with self._lock:
            q = self.db.execute
            total = int(q("SELECT COUNT(*) FROM questions").fetchone()[0])
            n_today = int(q("SELECT COUNT(*) FROM questions WHERE ts>=?", (today,)).fetchone()[0])
            n_week, answered, doubted = q(
                "SELECT COUNT(*), COALESCE(SUM(1-abstained),0), COALESCE(SUM(uncertain),0)"
                " FROM questions WHERE ts>=?",
                (week,),
            ).fetchone()
            up, down = q(
                "SELECT COALESCE(SUM(CASE WHEN value=1 THEN 1 ELSE 0 END),0),"
                " COALESCE(SUM(CASE WHEN value=-1 THEN 1 ELSE 0 END),0) FROM votes"
            ).fetchone()
            misses = q(
                "SELECT lower(question), COUNT(*) AS n FROM questions"
                " WHERE abstained=1 OR uncertain=1"
                " GROUP BY lower(question) ORDER BY n DESC, MAX(ts) DESC LIMIT ?",
                (top_unanswered,),
            ).fetchall()
        # PostgreSQL sums are Decimal
        n_week, answered, doubted = int(n_week), int(answered), int(doubted)
        return {
            "total": total,
            "today": n_today,
            "week": n_week,
            "answered_share": (answered / n_week) if n_week else None,
            "doubted": doubted,
            "up": int(up),
            "down": int(down),
            "unanswered": [(text, int(n)) for text, n in misses],
            "journal_failed": self._failed,
            "journal_dropped": self._dropped,
        }

    def purge(self, before: float) -> int:
        """Delete questions (with their hits and votes) and actions older than ``before``.

        The freed pages are returned to the file system (VACUUM), so deleted questions and
        user ids do not linger in the file (PostgreSQL: the dead rows are reclaimed). Returns
        the number of questions deleted.
        """
        with self._lock:
            with self.db.transaction():
                old = "SELECT id FROM questions WHERE ts < ?"
                self.db.execute(f"DELETE FROM hits WHERE question_id IN ({old})", (before,))
                self.db.execute(f"DELETE FROM votes WHERE question_id IN ({old})", (before,))
                count = self.db.execute("DELETE FROM questions WHERE ts < ?", (before,)).rowcount
                self.db.execute("DELETE FROM actions WHERE ts < ?", (before,))
            if count:
                self.db.vacuum()
        return count

    def claim_update(self, update_id: int, replica: str = "", now: float | None = None) -> bool:
        """Record that this process handles a Telegram update; False when already claimed.

        Every replica calls this before handling an update, so an update that Telegram
        re-delivers, or that reaches two replicas, is answered once. When the database cannot
        be written the update is handled anyway (better twice than never); never raises.
        """
        now = time.time() if now is None else now
        claimed = self._shared(
            lambda: self.db.execute(
                "INSERT INTO processed_updates (update_id, replica, seen_at)"
                " VALUES (?,?,?) ON CONFLICT DO NOTHING",
                (update_id, replica, now),
            ).rowcount,
            failed=1,  # handled anyway; no journal row is lost, so not counted in health
            what=f"claim update {update_id}; handling it",
        )
        return claimed == 1

    def hold(self, token: str, user_id: int, kind: str, target: str, staged: str | None) -> bool:
        """Keep an action until its confirmation button is pressed, on whichever replica.

        Returns False when the database could not store it (the caller keeps it in memory).
        """

        def store() -> bool:
            self.db.execute(
                "INSERT INTO pending_actions (token, user_id, kind, target, staged,"
                " created_at) VALUES (?,?,?,?,?,?)",
                (token, user_id, kind, target, staged, time.time()),
            )
            return True

        return self._shared(store, failed=False, what=f"store pending action {token}")

    def release(self, token: str) -> tuple[int, str, str, str | None] | None:
        """Take a held action once: (user_id, kind, target, staged), or None when unknown,
        already taken (by this or another replica) or unreadable."""
        row = self._shared(
            lambda: self.db.execute(
                "DELETE FROM pending_actions WHERE token=? RETURNING user_id, kind, target, staged",
                (token,),
            ).fetchone(),
            failed=None,
            what=f"read pending action {token}",
        )
        return None if row is None else (int(row[0]), row[1], row[2], row[3])

    def forget_updates(self, now: float | None = None) -> int:
        """Delete claimed update ids (and unanswered confirmations) older than
        :data:`UPDATE_IDS_KEPT_S`; returns the update ids deleted; never raises."""
        before = (time.time() if now is None else now) - UPDATE_IDS_KEPT_S

        def delete() -> int:
            self.db.execute("DELETE FROM pending_actions WHERE created_at < ?", (before,))
            return int(
                self.db.execute("DELETE FROM processed_updates WHERE seen_at < ?", (before,))
                .rowcount
            )

        return self._shared(delete, failed=0, what="delete old update ids")

    def _shared(self, work: Callable[[], T], *, failed: T, what: str) -> T:
        """Run ``work`` in one transaction under the lock: the replicas' shared bookkeeping.

        A database error is logged ("could not <what>") and ``failed`` returned: these calls
        never raise, and lose no journal row (they are not counted in :attr:`health`)."""
        with self._lock:
            try:
                with self.db.transaction():
                    return work()
            except WRITE_ERRORS:
                logger.warning("could not %s", what, exc_info=True)
                return failed

    def export_rows(self, since: float | None = None) -> Iterator[Sequence[Any]]:
        """Rows for CSV export, oldest first, with the top hit and all hits in one cell."""
        with self._lock:
            rows = self.db.execute(
                "SELECT id, ts, user_id, chat_id, chat_type, question, abstained, uncertain,"
                " evidence, mode, latency_ms, feedback FROM questions WHERE ts>=? ORDER BY id",
                (since or 0.0,),
            ).fetchall()
            hits: dict[int, list[tuple[str, str, float]]] = {}
            for qid, doc, section, score in self.db.execute(
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
                datetime.fromtimestamp(ts, LOCAL_ZONE).isoformat(timespec="seconds"),
                *row[2:10],
                None if row[10] is None else round(row[10], 1),
                *row[11:],
                top[0],
                top[1],
                top[2],
                cell,
            )
