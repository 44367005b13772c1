"""Two real bot processes behind one webhook URL, sharing one database and one index folder.

Each replica is ``python -m bot`` (tests/replicas.py) talking to the fake Bot API. They must
behave as one bot: an update both receive is answered once, a vote given through one is counted
by /thongke on the other, and an index that one rebuilds is served by the other within 30 s.
Run on PostgreSQL (the multi-machine set-up) and on one SQLite file (two processes, one host).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.db import Database
from bot.formatting import html_to_text
from tests.fakebotapi import FakeBotAPI
from tests.replicas import Replica
from tests.test_bot_e2e import ADMIN, CORPUS, MANAGER, QUESTION

NEW_DOC = """---
title: "Thông tư 77/2026/TT-BGDĐT - Quy định dạy bơi an toàn cho học sinh tiểu học"
so_hieu: "77/2026/TT-BGDĐT"
ngay_ban_hanh: "01/08/2026"
loai_van_ban: "Thông tư"
co_quan_ban_hanh: "Bộ Giáo dục và Đào tạo"
---

## Điều 4. Thời lượng dạy bơi an toàn

Mỗi học sinh tiểu học được học bơi an toàn tối thiểu 12 buổi trong năm học, mỗi buổi 45 phút, tại bể bơi đạt chuẩn có nhân viên cứu hộ trực.
"""
NEW_QUESTION = "học sinh tiểu học được học bơi an toàn bao nhiêu buổi?"
NEW_NUMBER = "77/2026/TT-BGDĐT"
PASSWORD = "replica-pw-8ce1"


@pytest.fixture(params=["postgresql", "sqlite"])
def replicas(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Any, ...]]:
    """The fake Bot API and two started replicas (no index yet: they build it once)."""
    shutil.copytree(CORPUS, tmp_path / "docs")
    database: str | Path = tmp_path / "shared.sqlite"
    if request.param == "postgresql":  # the server trusts 127.0.0.1; the logs must not show it
        database = request.getfixturevalue("pg_url").replace("tester@", f"tester:{PASSWORD}@")
    with FakeBotAPI() as api:
        pair = [Replica(name, tmp_path, api.base_url, database) for name in ("one", "two")]
        try:
            for replica in pair:
                replica.start()
            for replica in pair:
                replica.wait_ready()
            yield api, pair[0], pair[1], database
        finally:
            codes = [replica.stop() for replica in pair]
            assert codes == [0, 0], [replica.tail() for replica in pair]
            logs = [replica.log.read_text(encoding="utf-8") for replica in pair]
            shown = "tester:***@" if request.param == "postgresql" else "shared.sqlite"
            assert all(shown in log for log in logs), logs[0][-3000:]
            assert not any(PASSWORD in log for log in logs), "the database password is masked"


class Updates:
    """Update ids and bodies as Telegram numbers them (one counter for both replicas)."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        self.next_id = 50_000

    def message(self, chat_id: int, text: str | None, **extra: Any) -> dict[str, Any]:
        self.next_id += 1
        return {"update_id": self.next_id, "message": self.api.message(chat_id, text, **extra)}

    def click(self, call: Any, data: str, user_id: int) -> dict[str, Any]:
        self.next_id += 1
        query = {
            "id": str(self.next_id),
            "from": {"id": user_id, "is_bot": False, "first_name": "Cô giáo"},
            "chat_instance": "1",
            "message": call.result,
            "data": data,
        }
        return {"update_id": self.next_id, "callback_query": query}


def test_two_replicas_behave_as_one_bot(replicas: tuple[Any, ...]) -> None:
    api, one, two, database = replicas
    updates = Updates(api)
    built = [c for c in api.calls if c.method == "setWebhook"]
    assert len(built) == 2, "both replicas registered the webhook"

    # 1. The same update reaching both replicas (or retried) is answered once.
    for chat in (11, 12, 13):
        body = updates.message(chat, QUESTION)
        assert [one.post(body), two.post(body), one.post(body)] == [200, 200, 200]
    for chat in (11, 12, 13):
        api.wait_for("sendMessage", chat_id=chat)
    time.sleep(1.0)
    assert [len(api.find("sendMessage", chat_id=c)) for c in (11, 12, 13)] == [1, 1, 1]
    db = Database(database)
    try:
        [(claimed,)] = db.execute("SELECT COUNT(*) FROM processed_updates").fetchall()
        assert claimed == 3
    finally:
        db.close()

    # 2. A vote given through one replica is counted by /thongke on the other.
    [answer] = api.find("sendMessage", chat_id=11)
    up = dict(answer.buttons())["👍"]
    assert two.post(updates.click(answer, up, user_id=11)) == 200
    api.wait_for("editMessageReplyMarkup", chat_id=11)
    assert one.post(updates.message(MANAGER, "/thongke")) == 200
    [stats] = api.wait_for("sendMessage", chat_id=MANAGER)
    text = html_to_text(stats.text)
    assert "Góp ý: 👍 1 · 👎 0" in text and "tổng: 3" in text, text

    # 3. /reindex on one replica: the other serves the new build within 30 s.
    shared_docs = one.config.parent / "docs"
    (shared_docs / "tt-77-2026-day-boi.md").write_text(NEW_DOC, encoding="utf-8")
    assert one.post(updates.message(ADMIN, "/reindex")) == 200
    api.wait_for(
        "editMessageText",
        predicate=lambda c: "Đã cập nhật chỉ mục" in html_to_text(c.text),
        chat_id=ADMIN,
        timeout=60,
    )
    built_at = time.monotonic()
    chat = 500
    while True:
        chat += 1
        assert two.post(updates.message(chat, NEW_QUESTION)) == 200
        [reply] = api.wait_for("sendMessage", chat_id=chat, timeout=30)
        if NEW_NUMBER in html_to_text(reply.text):
            break
        assert time.monotonic() - built_at < 30, "the other replica still serves the old build"
        time.sleep(1.0)
    waited = time.monotonic() - built_at
    assert waited < 30
    print(f"\nthe other replica served the new build {waited:.1f} s after it was published")

    # 4. An upload replacing a file: the confirmation pressed on the other replica works.
    def added(count: int) -> list[Any]:
        return api.wait_for(
            "editMessageText",
            predicate=lambda c: "Đã thêm" in html_to_text(c.text),
            chat_id=ADMIN,
            count=count,
            timeout=60,
        )

    first = api.add_file("cong-van-91.md", NEW_DOC.encode())
    assert one.post(updates.message(ADMIN, None, document=first)) == 200
    added(1)
    saved = shared_docs / "uploads" / "cong-van-91.md"
    assert saved.read_text(encoding="utf-8") == NEW_DOC
    second = api.add_file("cong-van-91.md", NEW_DOC.replace("12 buổi", "16 buổi").encode())
    assert one.post(updates.message(ADMIN, None, document=second)) == 200
    [ask] = api.wait_for(
        "editMessageText", predicate=lambda c: "Thay thế" in str(c.buttons()), chat_id=ADMIN
    )
    assert two.post(updates.click(ask, dict(ask.buttons())["Thay thế"], user_id=ADMIN)) == 200
    added(2)
    assert "16 buổi" in saved.read_text(encoding="utf-8"), "replaced through the other replica"
