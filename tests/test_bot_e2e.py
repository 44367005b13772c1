"""The real Application, its HTTP client and handlers against a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot import messages  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.formatting import html_to_text  # noqa: E402
from bot.handlers.ask import page_hits  # noqa: E402
from bot.settings import Settings, load_settings  # noqa: E402
from bot.state import STATE_KEY  # noqa: E402
from index.builder import build_index  # noqa: E402
from index.embedders import FakeEmbedder  # noqa: E402
from tests.fakebotapi import TOKEN, Call, FakeBotAPI  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "data" / "corpus"
ADMIN, MANAGER, TEACHER = 42, 43, 7
ADMIN_CHAT = -999
GROUP = -100123
EMBEDDER = FakeEmbedder(dim=64)
QUESTION = "Mức phụ cấp ưu đãi đối với nhà giáo trường trung học cơ sở là bao nhiêu?"
NUMBER_182 = "182/2026/NĐ-CP"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny corpus and its index (FakeEmbedder vectors), built once per module."""
    root = tmp_path_factory.mktemp("bot")
    shutil.copytree(CORPUS, root / "docs")
    settings = _settings(root, root / "journal.sqlite", "http://127.0.0.1:1/bot")
    build_index(settings.index, embedder=EMBEDDER)
    return root


def _settings(root: Path, journal: Path, base_url: str, extra: str = "") -> Settings:
    config = root / f"config-{journal.stem}.yaml"
    config.write_text(
        f"documents_dir: {root / 'docs'}\n"
        f"index_dir: {root / 'index'}\n"
        "embedding:\n  backend: none\n"
        "bot:\n"
        f"  admin_ids: [{ADMIN}]\n"
        f"  manager_ids: [{MANAGER}]\n"
        f"  admin_chat_id: {ADMIN_CHAT}\n"
        f"  journal_path: {journal}\n"
        f"  base_url: {base_url}\n" + extra,
        encoding="utf-8",
    )
    return load_settings(config, env={"TELEGRAM_BOT_TOKEN": TOKEN})


@asynccontextmanager
async def running(
    root: Path, tmp_path: Path, extra: str = ""
) -> AsyncIterator[tuple[FakeBotAPI, object]]:
    """Start the fake server and the real bot (long polling); stop both afterwards."""
    with FakeBotAPI() as api:
        settings = _settings(root, tmp_path / "journal.sqlite", api.base_url, extra)
        app = build_application(settings, embedder=EMBEDDER)
        await app.initialize()
        await app.post_init(app)
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        try:
            yield api, app
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            await app.post_shutdown(app)


async def wait(
    api: FakeBotAPI, method: str, timeout: float = 30.0, count: int = 1, predicate=None, **match
) -> list[Call]:
    """Wait for calls without blocking the bot's event loop."""
    return await asyncio.to_thread(api.wait_for, method, predicate, timeout, count, **match)


def answers_to(api: FakeBotAPI, chat_id: int) -> list[Call]:
    return api.find("sendMessage", chat_id=chat_id)


def plain(call: Call) -> str:
    return html_to_text(call.text)


async def test_question_gets_cited_answer_with_buttons(built: Path, tmp_path: Path) -> None:
    async with running(built, tmp_path) as (api, app):
        api.send_text(1, QUESTION)
        [answer] = await wait(api, "sendMessage", chat_id=1)
        assert api.find("sendChatAction", chat_id=1), "typing action before answering"
        text = plain(answer)
        assert NUMBER_182 in text and "Nguồn" in text and "Điều 3" in text
        assert "<b>" in answer.text and answer.params["parse_mode"] == "HTML"
        assert len(text) <= 4096
        labels = [label for label, _ in answer.buttons()]
        assert labels == ["Xem thêm", "Toàn văn Điều này", "👍", "👎"]
        assert all(len(data.encode()) <= 64 for _, data in answer.buttons())

        # Xem thêm pages to passages not shown in the first answer.
        data = dict((label, d) for label, d in answer.buttons())
        api.click(answer, data["Xem thêm"])
        await wait(api, "sendMessage", chat_id=1, count=2)
        page2 = answers_to(api, 1)[1]
        assert "Các đoạn liên quan tiếp theo" in plain(page2)
        engine = app.bot_data[STATE_KEY].engine
        first, _ = page_hits(engine, QUESTION, 0, 3)
        second, _ = page_hits(engine, QUESTION, 1, 3)
        assert second and not {h.chunk.chunk_id for h in first} & {h.chunk.chunk_id for h in second}
        assert " ".join(second[0].chunk.text.split()[:6]) in " ".join(plain(page2).split())

        # Toàn văn Điều này sends the whole article of the best passage.
        api.click(answer, data["Toàn văn Điều này"])
        await wait(api, "sendMessage", chat_id=1, count=3)
        article = answers_to(api, 1)[2]
        assert "Toàn văn" in plain(article)
        whole = engine.article_text(first[0].chunk)
        assert " ".join(whole.split()[:8]) in " ".join(plain(article).split())

        # 👍 is stored in the journal and marked on the button.
        api.click(answer, data["👍"])
        [edit] = await wait(api, "editMessageReplyMarkup", chat_id=1)
        assert ("👍 ✓", data["👍"]) in edit.buttons()
        await wait(api, "answerCallbackQuery", count=3)
        qid = int(data["👍"].split(":")[1])
    with sqlite3.connect(tmp_path / "journal.sqlite") as db:
        row = db.execute(
            "SELECT question, feedback, abstained FROM questions WHERE id=?", (qid,)
        ).fetchone()
        hits = db.execute("SELECT doc_id, score FROM hits WHERE question_id=?", (qid,)).fetchall()
    assert row == (QUESTION, 1, 0)
    assert hits and all(score is not None for _, score in hits)

    exported = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "export_log.py"),
            "--journal",
            str(tmp_path / "journal.sqlite"),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        cwd=ROOT,
    ).stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["question"], r["feedback"], r["abstained"]) for r in rows] == [(QUESTION, "1", "0")]
    assert rows[0]["top_doc"].endswith(".md") and rows[0]["top_section"].startswith("Điều")


async def test_question_without_tone_marks_and_abstain(built: Path, tmp_path: Path) -> None:
    async with running(built, tmp_path) as (api, _):
        api.send_text(2, "muc phu cap uu dai nha giao truong trung hoc co so la bao nhieu")
        [answer] = await wait(api, "sendMessage", chat_id=2)
        assert NUMBER_182 in plain(answer)
        api.send_text(3, "giá vé máy bay khứ hồi Hà Nội đi Paris tháng sau")
        [nothing] = await wait(api, "sendMessage", chat_id=3)
        assert nothing.text == messages.NO_ANSWER
        assert nothing.buttons() == []


async def test_group_only_answers_when_addressed(built: Path, tmp_path: Path) -> None:
    async with running(built, tmp_path) as (api, _):
        group = {"chat_type": "supergroup", "user_id": TEACHER}
        api.send_text(GROUP, "phụ cấp ưu đãi nhà giáo là bao nhiêu", **group)
        api.send_text(GROUP, "/hoi phụ cấp ưu đãi nhà giáo là bao nhiêu", **group)
        [first] = await wait(api, "sendMessage", chat_id=GROUP)
        assert NUMBER_182 in plain(first)
        mention = "@trolyvanban_bot"
        api.send_text(
            GROUP,
            f"{mention} nhà giáo thỉnh giảng là gì",
            entities=[{"type": "mention", "offset": 0, "length": len(mention)}],
            **group,
        )
        await wait(api, "sendMessage", chat_id=GROUP, count=2)
        api.send_text(GROUP, "còn phụ cấp của giáo viên mầm non?", reply_to=first.result, **group)
        await wait(api, "sendMessage", chat_id=GROUP, count=3)
        await asyncio.sleep(1.0)
        calls = answers_to(api, GROUP)
        assert len(calls) == 3, "the plain group message must be ignored"
        assert "thỉnh giảng" in plain(calls[1]).lower()


async def test_vanban_finds_loosely_typed_numbers(built: Path, tmp_path: Path) -> None:
    async with running(built, tmp_path) as (api, _):
        api.send_text(4, "/vanban nd 182/2026")
        [reply] = await wait(api, "sendMessage", chat_id=4)
        card = plain(reply)  # one card: the decree's second file is listed as its copy
        assert NUMBER_182 in card and "Chính phủ" in card and "Ngày ban hành: 22/05/2026" in card
        assert "Bản sao" in card and "ban-sao.md" in card
        sections = [(label, d) for label, d in reply.buttons() if d.startswith("s:")]
        assert any(label == "Điều 3" for label, _ in sections)
        api.click(reply, dict(sections)["Điều 3"])
        [*_, section] = await wait(api, "sendMessage", chat_id=4, count=2)
        assert "Mức phụ cấp ưu đãi" in plain(answers_to(api, 4)[-1])

        api.send_text(5, "/vanban 59/2026")
        [card59] = await wait(api, "sendMessage", chat_id=5)
        assert "59/2026/TT-BGDĐT" in plain(card59)
        api.send_text(6, "/vanban 999/2031/NĐ-CP")
        [none] = await wait(api, "sendMessage", chat_id=6)
        assert "Không tìm thấy văn bản" in plain(none)
        api.send_text(7, "/vanban nghi quyet 29")  # not held, but cited by a news article
        [cited] = await wait(api, "sendMessage", chat_id=7)
        assert "không có toàn văn" in plain(cited) and "có nhắc tới nó" in plain(cited)
        assert any(d.startswith("d:") for _, d in cited.buttons())
        api.send_text(8, "/danhsach")
        [listing] = await wait(api, "sendMessage", chat_id=8)
        assert "Văn bản trong bộ sưu tập" in plain(listing)


UPLOAD = """---
title: "Công văn 77/2026/BGDĐT-NGCBQLGD về thời gian nghỉ hè của giáo viên"
so_hieu: "77/2026/BGDĐT-NGCBQLGD"
ngay_ban_hanh: "01/06/2026"
---

## Điều 1. Thời gian nghỉ hè

Thời gian nghỉ hè của giáo viên mầm non, phổ thông là tám tuần,
bao gồm cả thời gian nghỉ phép năm, được hưởng nguyên lương và các phụ cấp.
"""


async def test_admin_upload_becomes_answerable_and_replace_asks(
    built: Path, tmp_path: Path
) -> None:
    root = tmp_path / "copy"
    shutil.copytree(built, root)
    async with running(root, tmp_path) as (api, _):
        document = api.add_file("../nghi he/.cong-van-77.md", UPLOAD.encode())
        api.send_text(ADMIN, None, document=document)
        [done] = await wait(
            api, "editMessageText", chat_id=ADMIN, predicate=lambda c: "Đã thêm" in c.text
        )
        assert "77/2026/BGDĐT-NGCBQLGD" in plain(done)
        saved = root / "docs" / "uploads" / "cong-van-77.md"
        assert saved.read_text(encoding="utf-8") == UPLOAD, "sanitised name, inside uploads/"

        api.send_text(ADMIN, "giáo viên phổ thông được nghỉ hè mấy tuần")
        [answer] = await wait(
            api, "sendMessage", chat_id=ADMIN, predicate=lambda c: "Nguồn" in c.text
        )
        assert "77/2026/BGDĐT-NGCBQLGD" in plain(answer) and "tám tuần" in plain(answer)

        # Same name again: asks before replacing; the old file is kept as a backup.
        api.add_file("cong-van-77.md", UPLOAD.replace("tám tuần", "chín tuần").encode())
        api.send_text(
            ADMIN, None, document={**document, "file_id": "file2", "file_name": "cong-van-77.md"}
        )
        [ask] = await wait(
            api,
            "editMessageText",
            chat_id=ADMIN,
            predicate=lambda c: "Thay thế" in str(c.buttons()),
        )
        assert saved.read_text(encoding="utf-8") == UPLOAD, "nothing replaced before confirming"
        api.click(ask, dict(ask.buttons())["Thay thế"])
        await wait(
            api, "editMessageText", chat_id=ADMIN, count=2, predicate=lambda c: "Đã thêm" in c.text
        )
        assert "chín tuần" in saved.read_text(encoding="utf-8")
        backups = list((tmp_path / "backups").iterdir())
        assert len(backups) == 1 and "tám tuần" in backups[0].read_text(encoding="utf-8")


async def test_non_admin_upload_and_commands_are_refused(built: Path, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(built, root)
    async with running(root, tmp_path) as (api, _):
        document = api.add_file("cong-van.md", UPLOAD.encode())
        api.send_text(TEACHER, None, document=document)
        api.send_text(TEACHER, "/reindex")
        api.send_text(TEACHER, "/xoa 182/2026")
        api.send_text(TEACHER, "/thongke")
        calls = await wait(api, "sendMessage", chat_id=TEACHER, count=4)
        texts = [c.text for c in calls]
        assert texts.count(messages.NOT_ADMIN) == 3 and messages.NOT_MANAGER in texts
        assert not api.find("getFile")
        assert not (root / "docs" / "uploads").exists()
        api.send_text(ADMIN, None, document=api.add_file("virus.exe", b"MZ"))
        [refusal] = await wait(api, "sendMessage", chat_id=ADMIN)
        assert "định dạng không hỗ trợ" in plain(refusal)


async def test_bad_input_gets_friendly_replies(built: Path, tmp_path: Path) -> None:
    async with running(built, tmp_path) as (api, _):
        sticker = {
            "file_id": "st1",
            "file_unique_id": "ust1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        api.send_text(11, None, sticker=sticker)
        api.send_text(12, "phụ cấp " * 2500)
        api.send_text(13, "/khonglenhnay")
        api.send_text(14, "/hoi")
        api.send_text(15, "/start")
        replies = {}
        for chat in (11, 12, 13, 14, 15):
            [call] = await wait(api, "sendMessage", chat_id=chat)
            replies[chat] = call.text
        assert replies[11] == messages.UNSUPPORTED_MESSAGE
        assert "Câu hỏi dài quá (19999 ký tự, tối đa 1000)" in replies[12]
        assert replies[13] == messages.UNKNOWN_COMMAND
        assert replies[14] == messages.EMPTY_QUESTION
        assert "Ví dụ" in replies[15]
        assert "đối chiếu bản chính thức" in replies[15]  # the corpus caveat
        assert api.find("setMyCommands")


async def test_unexpected_error_reaches_user_and_admin_chat(built: Path, tmp_path: Path) -> None:
    class Broken:
        def search(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError("chỉ mục hỏng")

        answer = search

    async with running(built, tmp_path) as (api, app):
        app.bot_data[STATE_KEY].engine = Broken()
        api.send_text(16, "phụ cấp ưu đãi")
        [call] = await wait(api, "sendMessage", chat_id=16)
        assert call.text == messages.ERROR
        [report] = await wait(api, "sendMessage", chat_id=ADMIN_CHAT)
        assert "RuntimeError: chỉ mục hỏng" in plain(report)


async def test_xoa_reindex_and_stats_for_admin(built: Path, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(built, root)
    async with running(root, tmp_path) as (api, app):
        engine = app.bot_data[STATE_KEY].engine
        api.send_text(ADMIN, "/xoa 59/2026")
        [confirm] = await wait(api, "sendMessage", chat_id=ADMIN)
        assert "59/2026/TT-BGDĐT" in plain(confirm)
        assert (root / "docs" / "tt-59-2026-nha-giao-thinh-giang.md").exists(), (
            "not before confirming"
        )
        api.click(confirm, dict(confirm.buttons())["Xoá"])
        await wait(api, "editMessageText", chat_id=ADMIN, predicate=lambda c: "Đã xoá" in c.text)
        assert engine.find_by_number("59/2026/TT-BGDĐT") == []
        [kept] = list((tmp_path / "deleted").iterdir())
        assert kept.name.endswith("tt-59-2026-nha-giao-thinh-giang.md")

        (root / "docs" / "nd-233-2026-danh-gia-xep-loai-vien-chuc.md").unlink()
        api.send_text(ADMIN, "/reindex")
        [summary] = await wait(
            api, "editMessageText", chat_id=ADMIN, predicate=lambda c: "Đã cập nhật" in c.text
        )
        assert "Xoá: 1" in plain(summary)
        assert engine.find_by_number("233/2026/NĐ-CP") == []

        api.send_text(MANAGER, "phụ cấp ưu đãi nhà giáo")
        await wait(api, "sendMessage", chat_id=MANAGER)
        api.send_text(MANAGER, "/thongke")
        await wait(api, "sendMessage", chat_id=MANAGER, count=2)
        stats = plain(answers_to(api, MANAGER)[1])
        assert "Câu hỏi hôm nay: 1" in stats and "Văn bản: 6" in stats


async def test_quick_index_gets_dense_vectors_in_background(tmp_path: Path) -> None:
    """A missing index is built BM25-only at start-up, then embedded without blocking."""
    root = tmp_path / "fresh"
    shutil.copytree(CORPUS, root / "docs")
    async with running(root, tmp_path) as (api, app):
        engine = app.bot_data[STATE_KEY].engine
        api.send_text(1, QUESTION)
        [answer] = await wait(api, "sendMessage", chat_id=1)
        assert NUMBER_182 in plain(answer)
        for _ in range(100):
            stats = engine.stats()
            if stats["embedded_chunks"] == stats["chunks"] > 0:
                break
            await asyncio.sleep(0.1)
        assert stats["embedded_chunks"] == stats["chunks"] > 0


@pytest.mark.parametrize("limiter", ["rate-limited", "unlimited"])
async def test_200_questions_at_once(built: Path, tmp_path: Path, limiter: str) -> None:
    """All answered; end-to-end latency from enqueued update to sendMessage is printed.

    "rate-limited" is the shipped setting (30 requests/s overall, as Telegram allows, each
    answer costing a typing action and a message); "unlimited" shows the bot's own cost.
    """
    questions = [
        "phụ cấp ưu đãi của giáo viên mầm non",
        "nhà giáo thỉnh giảng là gì",
        "tiêu chí xếp loại viên chức hoàn thành xuất sắc nhiệm vụ",
        "muc phu cap uu dai nha giao trung hoc co so",
    ]
    n = 200
    extra = "  rate_limit:\n    enabled: false\n" if limiter == "unlimited" else ""
    async with running(built, tmp_path, extra) as (api, _):
        started = time.monotonic()
        ids = {}
        for i in range(n):
            ids[1000 + i] = api.send_text(1000 + i, questions[i % len(questions)])
        await wait(api, "sendMessage", timeout=90, count=n)
        total = time.monotonic() - started
        latencies = []
        for chat, update_id in ids.items():
            [call] = answers_to(api, chat)
            latencies.append(call.at - api.enqueued[update_id])
            assert "Nguồn" in call.text
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * n) - 1]
    print(
        f"\n200 questions ({limiter}): p50 {p50:.2f} s, p95 {p95:.2f} s, "
        f"max {latencies[-1]:.2f} s, all answered in {total:.2f} s"
    )
    assert latencies[-1] < 60


async def test_build_published_by_another_process_is_picked_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.app

    monkeypatch.setattr(bot.app, "RELOAD_EVERY_S", 0.2)
    root = tmp_path / "root"
    shutil.copytree(CORPUS, root / "docs")
    settings = _settings(root, tmp_path / "j.sqlite", "http://127.0.0.1:1/bot")
    build_index(settings.index, embedder=EMBEDDER)
    async with running(root, tmp_path) as (api, app):
        (root / "docs" / "lich-nghi-tet.md").write_text(
            "# Lịch nghỉ Tết\n\nHọc sinh toàn tỉnh được nghỉ Tết Nguyên đán mười hai ngày liên tục.",
            encoding="utf-8",
        )
        await asyncio.to_thread(build_index, settings.index, embedder=EMBEDDER)  # like reindex.py
        await asyncio.sleep(1.0)
        api.send_text(11, "học sinh được nghỉ tết nguyên đán mấy ngày")
        [reply] = await wait(api, "sendMessage", chat_id=11)
        assert "mười hai ngày" in plain(reply)
