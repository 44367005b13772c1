"""`bench.py --bot`: N simultaneous private questions through the real bot and a fake Bot API.

Everything stays on 127.0.0.1: the fake server from tests/fakebotapi.py answers the Bot API, the
bot runs with its shipped settings (rate limiter: ~30 requests/s overall, as Telegram allows),
the index is the tiny test corpus (BM25 + deterministic fake vectors), so the figure measures
the bot's own pipeline and its Bot API budget, not the retrieval model.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus"
QUESTIONS = (
    "phụ cấp ưu đãi của giáo viên mầm non",
    "nhà giáo thỉnh giảng là gì",
    "tiêu chí xếp loại viên chức hoàn thành xuất sắc nhiệm vụ",
    "muc phu cap uu dai nha giao trung hoc co so",
)
TELEGRAM_CALLS_PER_SECOND = 30.0


async def _run(root: Path, n: int, timeout: float, limited: bool = True) -> dict[str, Any]:
    from bot.app import build_application
    from bot.settings import load_settings
    from index.builder import build_index
    from index.embedders import FakeEmbedder
    from tests.fakebotapi import TOKEN, FakeBotAPI

    embedder = FakeEmbedder(dim=64)
    with FakeBotAPI() as api:
        config = root / "config.yaml"
        config.write_text(
            f"documents_dir: {root / 'docs'}\nindex_dir: {root / 'index'}\n"
            "embedding:\n  backend: none\n"
            f"bot:\n  journal_path: {root / 'journal.sqlite'}\n  base_url: {api.base_url}\n"
            + ("" if limited else "  rate_limit:\n    enabled: false\n"),
            encoding="utf-8",
        )
        settings = load_settings(config, env={"TELEGRAM_BOT_TOKEN": TOKEN})
        build_index(settings.index, embedder=embedder)
        app = build_application(settings, embedder=embedder)
        await app.initialize()
        await app.post_init(app)
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        try:
            started = time.monotonic()
            ids = {
                1000 + i: api.send_text(1000 + i, QUESTIONS[i % len(QUESTIONS)]) for i in range(n)
            }
            await asyncio.to_thread(api.wait_for, "sendMessage", None, timeout, n)
            total = time.monotonic() - started
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            await app.post_shutdown(app)
        latencies = sorted(
            api.find("sendMessage", chat_id=chat)[0].at - api.enqueued[update_id]
            for chat, update_id in ids.items()
        )
        calls = len([c for c in api.calls if c.method != "getUpdates"])
        typing = len(api.find("sendChatAction"))
    floor = n / TELEGRAM_CALLS_PER_SECOND
    p95 = latencies[max(int(0.95 * n) - 1, 0)]
    return {
        "questions": n,
        "p50_s": round(statistics.median(latencies), 2),
        "p95_s": round(p95, 2),
        "max_s": round(latencies[-1], 2),
        "all_answered_s": round(total, 2),
        "floor_s": round(floor, 2),
        "p95_over_floor": round(p95 / floor, 3),
        "bot_api_calls": calls,
        "typing_actions": typing,
    }


def run_bot_bench(n: int = 200, timeout: float = 120.0) -> dict[str, Any]:
    """Send n questions at once; latency from update queued to answer sent, in seconds."""
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench-bot-") as tmp:
        root = Path(tmp)
        shutil.copytree(CORPUS, root / "docs")
        result = asyncio.run(_run(root, n, timeout))
        shutil.rmtree(root / "index")
        (root / "journal.sqlite").unlink()
        own = asyncio.run(_run(root, n, timeout, limited=False))
        result["without_rate_limit_all_answered_s"] = own["all_answered_s"]
        return result


def print_bot_report(result: dict[str, Any]) -> None:
    """One paragraph for the terminal."""
    print(
        f"bot, {result['questions']} simultaneous private questions (fake Bot API, shipped rate "
        f"limiter): p50 {result['p50_s']} s, p95 {result['p95_s']} s, max {result['max_s']} s; "
        f"floor N/30 = {result['floor_s']} s (p95 = {result['p95_over_floor']:.2f} x floor); "
        f"{result['bot_api_calls']} Bot API calls, {result['typing_actions']} typing actions; "
        f"the bot's own time (rate limiter off): "
        f"{result['without_rate_limit_all_answered_s']} s for all {result['questions']}"
    )
