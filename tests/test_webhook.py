"""Webhook mode end to end: real HTTP POSTs of updates to the real Application's web server.

The bot listens on 127.0.0.1 (python-telegram-bot's tornado server, with the secret token) and
talks to the fake Bot API; an update is answered once however often it is POSTed, and a POST
without the right secret header gets 403 and no answer.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from bot.app import build_application
from bot.state import STATE_KEY
from tests import test_bot_e2e
from tests.fakebotapi import FakeBotAPI
from tests.pg import free_port
from tests.test_bot_e2e import EMBEDDER, QUESTION, _settings, plain, wait

built = test_bot_e2e.built  # the module-scoped corpus + index fixture
SECRET = "webhook-secret-0123456789"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


@asynccontextmanager
async def webhook_bot(
    root: Path, tmp_path: Path, api: FakeBotAPI, database: str | Path, journal: str = "journal"
) -> AsyncIterator[tuple[str, object]]:
    """The real bot in webhook mode on a SQLite file or a PostgreSQL URL; yields the URL to
    POST updates to and the Application."""
    if isinstance(database, Path):
        settings = _settings(root, database, api.base_url)
    else:
        extra = f"  database_url: {database}\n"
        settings = _settings(root, tmp_path / f"{journal}.sqlite", api.base_url, extra)
    app = build_application(settings, embedder=EMBEDDER)
    port = free_port()
    await app.initialize()
    await app.post_init(app)
    await app.updater.start_webhook(
        listen="127.0.0.1",
        port=port,
        url_path="tg/hook",
        webhook_url="https://bot.example/tg/hook",
        secret_token=SECRET,
    )
    await app.start()
    try:
        yield f"http://127.0.0.1:{port}/tg/hook", app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)


def update(api: FakeBotAPI, update_id: int, chat_id: int, text: str) -> dict[str, object]:
    """A message update as Telegram POSTs it."""
    return {"update_id": update_id, "message": api.message(chat_id, text)}


async def post(url: str, body: dict[str, object], secret: str | None = SECRET) -> int:
    """POST one update; returns the HTTP status."""
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[HEADER] = secret
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(url, content=json.dumps(body), headers=headers)
    return response.status_code


async def test_webhook_answers_once_and_refuses_a_wrong_secret(built: Path, tmp_path: Path) -> None:
    with FakeBotAPI() as api:
        async with webhook_bot(built, tmp_path, api, tmp_path / "journal.sqlite") as (url, app):
            assert api.find("setWebhook"), "the webhook is registered with Telegram"
            assert api.find("setWebhook")[0].params.get("secret_token") == SECRET
            first = update(api, 9001, 1, QUESTION)
            assert await post(url, first) == 200
            [answer] = await wait(api, "sendMessage", chat_id=1)
            assert "Nguồn" in plain(answer)

            assert await post(url, first) == 200, "Telegram retries: accepted, not answered"
            assert await post(url, update(api, 9002, 2, QUESTION)) == 200
            await wait(api, "sendMessage", chat_id=2)

            assert await post(url, update(api, 9003, 3, QUESTION), secret="wrong-secret") == 403
            assert await post(url, update(api, 9004, 4, QUESTION), secret=None) == 403
            await asyncio.sleep(1.0)
            assert len(api.find("sendMessage", chat_id=1)) == 1, "the retried update: one answer"
            assert not api.find("sendMessage", chat_id=3) and not api.find(
                "sendMessage", chat_id=4
            ), "nothing answered without the secret"
            stats = app.bot_data[STATE_KEY].journal.stats()
            assert stats["total"] == 2


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_two_replicas_receiving_the_same_update_answer_once(
    built: Path, tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    database: str | Path = (
        tmp_path / "shared.sqlite" if backend == "sqlite" else request.getfixturevalue("pg_url")
    )
    with FakeBotAPI() as api:
        async with (
            webhook_bot(built, tmp_path, api, database, "one") as (one, app_one),
            webhook_bot(built, tmp_path, api, database, "two") as (two, app_two),
        ):
            for app in (app_one, app_two):
                assert app.bot_data[STATE_KEY].journal.db.target == database
            started = time.monotonic()
            for n in range(5):
                body = update(api, 7000 + n, 100 + n, QUESTION)
                statuses = await asyncio.gather(post(one, body), post(two, body))
                assert statuses == [200, 200]
            for n in range(5):
                await wait(api, "sendMessage", chat_id=100 + n)
            await asyncio.sleep(1.0)
            counts = [len(api.find("sendMessage", chat_id=100 + n)) for n in range(5)]
            assert counts == [1] * 5, (
                f"each update answered once ({time.monotonic() - started:.1f} s)"
            )
