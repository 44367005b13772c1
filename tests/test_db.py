"""The shared database on both backends: journal, update claims, migrations, build lock.

Every test taking the ``database`` fixture runs twice: against a SQLite file and against a
real PostgreSQL server (tests/pg.py), never a mock.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.db import LATEST, MIGRATIONS, Database, SchemaTooNew, masked, password_of
from bot.journal import EXPORT_COLUMNS, Journal
from bot.settings import load_settings
from index.models import SearchResult
from index.settings import ConfigError
from index.store import BuildLocked

ROOT = Path(__file__).resolve().parents[1]

# The journal's schema before versioned migrations (user_version 0), as deployed Sở have it.
OLD_SCHEMA = """
CREATE TABLE questions (id INTEGER PRIMARY KEY AUTOINCREMENT, ts REAL NOT NULL, user_id INTEGER,
    chat_id INTEGER, chat_type TEXT, question TEXT NOT NULL, abstained INTEGER NOT NULL,
    evidence REAL, mode TEXT, latency_ms REAL, n_hits INTEGER NOT NULL, feedback INTEGER,
    feedback_user INTEGER, feedback_ts REAL);
CREATE TABLE hits (question_id INTEGER NOT NULL REFERENCES questions(id), rank INTEGER NOT NULL,
    doc_id TEXT NOT NULL, section TEXT, score REAL, PRIMARY KEY (question_id, rank));
CREATE TABLE actions (ts REAL NOT NULL, user_id INTEGER, action TEXT NOT NULL, detail TEXT);
CREATE INDEX questions_ts ON questions(ts);
"""

BIG_CHAT = -1001234567890  # supergroup ids pass 2^31


def _result(text: str, abstained: bool = False) -> SearchResult:
    return SearchResult(text, (), abstained, 0.4, 12.0, "hybrid")


def _ask(journal: Journal, text: str, chat: int = BIG_CHAT, abstained: bool = False) -> int:
    qid = journal.log_question(
        _result(text, abstained), user_id=7, chat_id=chat, chat_type="group", latency_ms=31.5
    )
    assert qid is not None
    return qid


def test_answers_sent_with_the_doubt_warning_are_counted_and_listed(
    database: str | Path,
) -> None:
    journal = Journal(database)
    try:
        sure = _ask(journal, "Phụ cấp ưu đãi?")
        doubted = journal.log_question(
            _result("Lương tối thiểu vùng?"), user_id=7, chat_id=BIG_CHAT, chat_type="group",
            latency_ms=20.0, uncertain=True,
        )
        stats = journal.stats()
        assert stats["answered_share"] == 1.0 and stats["doubted"] == 1
        assert stats["unanswered"] == [("lương tối thiểu vùng?", 1)]
        rows = {r[0]: r for r in journal.export_rows()}
        column = EXPORT_COLUMNS.index("uncertain")
        assert (rows[sure][column], rows[doubted][column]) == (0, 1)
        assert rows[doubted][EXPORT_COLUMNS.index("question")] == "Lương tối thiểu vùng?"
        assert rows[doubted][EXPORT_COLUMNS.index("latency_ms")] == 20.0
    finally:
        journal.close()


def test_journal_round_trip(database: str | Path) -> None:
    journal = Journal(database)
    try:
        first = _ask(journal, "Phụ cấp ưu đãi?")
        second = _ask(journal, "Câu không có trong văn bản", abstained=True)
        _ask(journal, "câu không có trong văn bản", abstained=True)
        assert second > first
        assert journal.question(first) == "Phụ cấp ưu đãi?"
        assert journal.set_feedback(first, 7, 1, chat_id=BIG_CHAT)
        assert journal.set_feedback(first, 8, -1, chat_id=BIG_CHAT)
        assert journal.set_feedback(first, 8, 1, chat_id=BIG_CHAT), "a new press replaces"
        assert not journal.set_feedback(first, 9, 1, chat_id=5), "another chat cannot vote"
        assert not journal.set_feedback(99999, 9, 1)
        assert journal.feedback(first) == 2
        journal.log_action(42, "reindex", "full")
        stats = journal.stats()
        assert (stats["total"], stats["today"], stats["week"]) == (3, 3, 3)
        assert stats["answered_share"] == pytest.approx(1 / 3)
        assert (stats["up"], stats["down"]) == (2, 0)
        assert stats["unanswered"] == [("câu không có trong văn bản", 2)]
        rows = list(journal.export_rows())
        assert [r[0] for r in rows] == [first, second, second + 1]
        assert rows[0][3] == BIG_CHAT and rows[0][1].endswith("+07:00")
        assert journal.health.failed_writes == 0
    finally:
        journal.close()


def test_purge_deletes_old_questions_with_hits_and_votes(database: str | Path) -> None:
    journal = Journal(database)
    try:
        old = _ask(journal, "cũ")
        journal.set_feedback(old, 7, 1)
        _ask(journal, "mới")
        with journal.db.transaction():
            journal.db.execute("UPDATE questions SET ts = ts - 400 * 86400 WHERE id = ?", (old,))
        assert journal.purge(time.time() - 30 * 86400) == 1
        assert journal.question(old) is None
        assert journal.stats()["up"] == 0 and journal.stats()["total"] == 1
    finally:
        journal.close()


def test_each_update_is_claimed_once_across_processes(database: str | Path) -> None:
    one, two = Journal(database), Journal(database)  # two replicas, one database
    try:
        assert one.claim_update(5001, "a")
        assert not two.claim_update(5001, "b"), "the other replica drops it"
        assert not one.claim_update(5001, "a"), "a re-delivery is dropped"
        assert two.claim_update(5002, "b")
        now = time.time()
        assert one.forget_updates(now=now + 3 * 86400) == 2, "ids are kept two days only"
        assert two.claim_update(5001, "b")
    finally:
        one.close()
        two.close()


def test_concurrent_claims_have_one_winner(database: str | Path) -> None:
    replicas = [Journal(database) for _ in range(4)]
    wins: list[int] = []
    barrier = threading.Barrier(len(replicas))

    def race(n: int) -> None:
        barrier.wait()
        for update_id in range(100, 140):
            if replicas[n].claim_update(update_id, str(n)):
                wins.append(update_id)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(len(replicas))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for journal in replicas:
        journal.close()
    assert sorted(wins) == list(range(100, 140))


def test_fresh_database_has_the_latest_schema_and_reopening_changes_nothing(
    database: str | Path,
) -> None:
    db = Database(database)
    assert db.version == LATEST == MIGRATIONS[-1].version
    db.close()
    again = Database(database)
    assert again.migrate() == []
    again.close()


def test_database_from_a_newer_bot_is_refused(database: str | Path) -> None:
    db = Database(database)
    with db.transaction():
        if db.backend == "sqlite":
            db.execute("PRAGMA user_version = 99")
        else:
            db.execute("INSERT INTO schema_version (version) VALUES (99)")
    db.close()
    with pytest.raises(SchemaTooNew, match="99"):
        Database(database)


def test_version_1_database_is_upgraded(database: str | Path) -> None:
    db = Database(database)
    journal_qid = Journal(database)
    qid = _ask(journal_qid, "giữ lại")
    journal_qid.close()
    with db.transaction():  # back to the schema of version 1
        db.execute("DROP TABLE processed_updates")
        db.execute("DROP TABLE pending_actions")
        db.execute("ALTER TABLE questions DROP COLUMN uncertain")
        if db.backend == "sqlite":
            db.execute("PRAGMA user_version = 1")
        else:
            db.execute("DELETE FROM schema_version WHERE version > 1")
    db.close()
    journal = Journal(database)
    try:
        assert journal.db.version == LATEST
        assert journal.question(qid) == "giữ lại"
        assert journal.claim_update(1, "a")
    finally:
        journal.close()


def test_old_sqlite_journal_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with sqlite3.connect(path) as old:
        old.executescript(OLD_SCHEMA)
        old.execute(
            "INSERT INTO questions (ts, user_id, chat_id, question, abstained, n_hits,"
            " feedback, feedback_user, feedback_ts) VALUES (?, 7, 7, 'cũ', 0, 1, 1, 7, ?)",
            (time.time(), time.time()),
        )
        old.execute("INSERT INTO hits VALUES (1, 1, 'van-ban/a.md', 'Điều 1', 0.9)")
    old.close()
    journal = Journal(path)
    try:
        assert journal.db.version == LATEST
        assert journal.question(1) == "cũ"
        stats = journal.stats()
        assert stats["total"] == 1 and stats["up"] == 1, "the old feedback became a vote"
        assert list(journal.export_rows())[0][-1] == "van-ban/a.md [Điều 1] 0.900"
        assert journal.claim_update(10, "a") and not journal.claim_update(10, "b")
    finally:
        journal.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST


def test_replicas_starting_together_migrate_once(pg_url: str) -> None:
    opened: list[Database] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        barrier.wait()
        try:
            opened.append(Database(pg_url))
        except BaseException as exc:  # pragma: no cover - the failure is the assertion
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(opened) == 4
    rows = opened[0].execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert [v for (v,) in rows] == [m.version for m in MIGRATIONS]
    for db in opened:
        db.close()


def test_lost_postgres_connection_keeps_rows_and_reconnects(pg_url: str) -> None:
    import psycopg

    journal = Journal(pg_url)
    try:
        _ask(journal, "trước")
        pid = journal.db.execute("SELECT pg_backend_pid()").fetchone()[0]
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        lost = journal.log_question(
            _result("trong lúc mất kết nối"), user_id=7, chat_id=1, chat_type="private",
            latency_ms=1.0,
        )  # fmt: skip
        assert lost is None and journal.health.pending == 1
        assert journal.take_incident() is not None
        after = _ask(journal, "sau")
        assert journal.health.pending == 0
        texts = [r[5] for r in journal.export_rows()]
        assert texts == ["trước", "trong lúc mất kết nối", "sau"]
        assert journal.question(after) == "sau"
    finally:
        journal.close()


def test_build_lock_is_shared_by_replicas_on_postgres(pg_url: str) -> None:
    one, two = Database(pg_url), Database(pg_url)
    try:
        with one.build_lock():
            with pytest.raises(BuildLocked):
                with two.build_lock():
                    pass
        with two.build_lock():  # released with the block
            pass
    finally:
        one.close()
        two.close()


def test_sqlite_build_lock_leaves_it_to_the_file_lock(tmp_path: Path) -> None:
    one, two = Database(tmp_path / "j.sqlite"), Database(tmp_path / "j.sqlite")
    with one.build_lock(), two.build_lock():
        pass


def test_database_url_from_settings_and_environment(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("bot:\n  database_url: postgresql://bot@db/troly\n", encoding="utf-8")
    assert load_settings(config, env={}).bot.database == "postgresql://bot@db/troly"
    url = "postgresql://bot:s3cret-pass@db:5432/troly"
    settings = load_settings(config, env={"DATABASE_URL": url})
    assert settings.bot.database == url
    assert "s3cret-pass" not in repr(settings)
    assert masked(url) == "postgresql://bot:***@db:5432/troly"
    assert password_of(url) == "s3cret-pass" and password_of(tmp_path) is None
    plain = tmp_path / "plain.yaml"
    plain.write_text("bot:\n  journal_path: j.sqlite\n", encoding="utf-8")
    assert load_settings(plain, env={}).bot.database == tmp_path / "j.sqlite"
    config.write_text("bot:\n  database_url: mysql://bot@db/troly\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bot.database_url"):
        load_settings(config, env={})


def test_reindex_script_takes_the_replicas_build_lock(pg_url: str, corpus: Path) -> None:
    config = corpus.parent / "config.yaml"
    config.write_text(
        f"documents_dir: {corpus}\nindex_dir: {corpus.parent / 'index'}\n"
        "embedding:\n  backend: none\n",
        encoding="utf-8",
    )
    env = {**os.environ, "DATABASE_URL": pg_url, "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, str(ROOT / "scripts" / "reindex.py"), "--config", str(config)]
    replica = Database(pg_url)
    try:
        with replica.build_lock():  # a replica is building
            held = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert held.returncode == 3, held.stderr
        assert "Đang có một lượt cập nhật chỉ mục khác" in held.stderr
        free = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert free.returncode == 0, free.stderr
    finally:
        replica.close()


def test_export_and_purge_scripts_read_either_backend(database: str | Path) -> None:
    journal = Journal(database)
    old = _ask(journal, "=cũ")  # a formula-like text is neutralised in the CSV
    _ask(journal, "mới")
    with journal.db.transaction():
        journal.db.execute("UPDATE questions SET ts = ts - 400 * 86400 WHERE id = ?", (old,))
    journal.close()
    target = str(database)
    if isinstance(database, str):  # the server trusts 127.0.0.1; the password must not show
        target = target.replace("postgresql://tester@", "postgresql://tester:s3cret-pw@")

    def script(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args], capture_output=True, text=True, timeout=120, cwd=ROOT
        )

    exported = script("scripts/export_log.py", "--journal", target)
    assert exported.returncode == 0, exported.stderr
    lines = exported.stdout.splitlines()
    assert len(lines) == 3 and "'=cũ" in lines[1] and "mới" in lines[2]
    purged = script("scripts/purge_journal.py", "--journal", target, "--days", "30")
    assert purged.returncode == 0, purged.stderr
    assert "Đã xoá 1 câu hỏi" in purged.stdout and "s3cret-pw" not in purged.stdout
    again = Journal(database)
    try:
        assert [r[5] for r in again.export_rows()] == ["mới"]
    finally:
        again.close()


def test_a_held_action_is_released_once_by_any_replica(database: str | Path) -> None:
    one, two = Journal(database), Journal(database)
    try:
        assert one.hold("ab12cd34", 42, "replace", "/docs/uploads/a.md", "/data/incoming/x")
        assert two.release("ab12cd34") == (42, "replace", "/docs/uploads/a.md", "/data/incoming/x")
        assert one.release("ab12cd34") is None, "a second press finds nothing"
        assert two.release("unknown") is None
        one.hold("old", 42, "replace", "/docs/uploads/b.md", None)
        one.forget_updates(now=time.time() + 3 * 86400)
        assert two.release("old") is None, "unanswered confirmations expire with update ids"
    finally:
        one.close()
        two.close()


def test_unreachable_database_stops_the_bot_with_one_line(tmp_path: Path) -> None:
    from tests.fakebotapi import TOKEN, FakeBotAPI
    from tests.pg import free_port

    config = tmp_path / "config.yaml"
    with FakeBotAPI() as api:
        config.write_text(
            f"documents_dir: {tmp_path / 'docs'}\nindex_dir: {tmp_path / 'index'}\n"
            f"embedding:\n  backend: none\nbot:\n  base_url: {api.base_url}\n",
            encoding="utf-8",
        )
        (tmp_path / "docs").mkdir()
        url = f"postgresql://bot:s3cret-pw@127.0.0.1:{free_port()}/troly"  # nobody listens
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": url}
        done = subprocess.run(
            [sys.executable, "-m", "bot", "--config", str(config)],
            env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
        )  # fmt: skip
    assert done.returncode == 2
    assert "Không dùng được cơ sở dữ liệu postgresql://bot:***@127.0.0.1" in done.stderr
    assert "s3cret-pw" not in done.stdout + done.stderr and "Traceback" not in done.stderr
