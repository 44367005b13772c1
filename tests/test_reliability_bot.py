"""Faults and hostile input against the real bot (fake Bot API on 127.0.0.1): docs/RELIABILITY.md."""

from __future__ import annotations

import asyncio
import errno
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot import messages
from bot.formatting import article_blocks, pack, size
from bot.handlers.uploads import safe_filename
from bot.state import STATE_KEY, doc_key
from index.lexical import LexicalIndex
from index.models import Chunk, DocumentInfo, Hit
from tests import test_bot_e2e
from tests.test_bot_e2e import (
    ADMIN,
    ADMIN_CHAT,
    GROUP,
    MANAGER,
    QUESTION,
    answers_to,
    plain,
    running,
    wait,
)
from tests.test_safety import make_bomb

built = test_bot_e2e.built  # the module-scoped corpus + index fixture


class FullDisk:
    """A sqlite3 connection whose writes fail like a full disk while ``full`` is set."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.full = True

    def _check(self, sql: str) -> None:
        if self.full and sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            raise sqlite3.OperationalError("database or disk is full")

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._check(sql)
        return self.db.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:
        self._check(sql)
        return self.db.executemany(sql, *args)

    def __enter__(self) -> FullDisk:
        self.db.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self.db.__exit__(*exc)

    def close(self) -> None:
        self.db.close()


async def test_full_journal_disk_never_blocks_answers(built: Path, tmp_path: Path) -> None:
    async with running(built, tmp_path) as (api, app):
        journal = app.bot_data[STATE_KEY].journal
        disk = journal.db._conn = FullDisk(journal.db._conn)
        for chat in range(21, 26):
            api.send_text(chat, QUESTION)
        for chat in range(21, 26):
            [reply] = await wait(api, "sendMessage", chat_id=chat)
            assert "Nguồn" in plain(reply), "the answer is sent although the journal fails"
            assert [label for label, _ in reply.buttons()] == ["Toàn văn Điều này"]
        warnings = api.find("sendMessage", chat_id=ADMIN_CHAT)
        assert len(warnings) == 1, "one admin warning per incident"
        assert "database or disk is full" in plain(warnings[0])

        disk.full = False
        api.send_text(26, QUESTION)
        [reply] = await wait(api, "sendMessage", chat_id=26)
        assert "👍" in [label for label, _ in reply.buttons()]
        api.send_text(MANAGER, "/thongke")
        [stats] = await wait(api, "sendMessage", chat_id=MANAGER)
        assert "5 lần ghi lỗi" in plain(stats) and "Câu hỏi hôm nay: 6" in plain(stats)
    with sqlite3.connect(tmp_path / "journal.sqlite") as db:
        chats = [c for (c,) in db.execute("SELECT chat_id FROM questions ORDER BY id")]
    assert sorted(chats) == [21, 22, 23, 24, 25, 26], "the 5 failed writes were caught up"


def _vote_buttons(call: Any) -> dict[str, str]:
    return dict(call.buttons())


async def test_one_vote_per_user_and_only_for_questions_the_user_saw(
    built: Path, tmp_path: Path
) -> None:
    async with running(built, tmp_path) as (api, _):
        api.send_text(31, QUESTION)
        [mine] = await wait(api, "sendMessage", chat_id=31)
        api.send_text(32, QUESTION)
        [theirs] = await wait(api, "sendMessage", chat_id=32)
        my_up = _vote_buttons(mine)["👍"]
        qid = int(my_up.split(":")[1])

        # User 32 forges 👎 for user 31's question from a message in their own chat.
        api.click(theirs, f"f:{qid}:-1", user_id=32)
        await wait(api, "answerCallbackQuery", count=1)
        # User 31 presses 👍 three times: one vote.
        for n in range(3):
            api.click(mine, my_up, user_id=31)
            await wait(api, "answerCallbackQuery", count=2 + n)

        api.send_text(GROUP, f"/hoi {QUESTION}", chat_type="supergroup", user_id=33)
        [group_answer] = await wait(api, "sendMessage", chat_id=GROUP)
        group_buttons = _vote_buttons(group_answer)
        api.click(group_answer, group_buttons["👍"], user_id=33)
        api.click(group_answer, group_buttons["👎"], user_id=34)
        api.click(group_answer, group_buttons["👎"], user_id=34)
        await wait(api, "answerCallbackQuery", count=7)
        group_qid = int(group_buttons["👍"].split(":")[1])
    with sqlite3.connect(tmp_path / "journal.sqlite") as db:
        votes = sorted(db.execute("SELECT question_id, user_id, value FROM votes"))
        feedback = dict(db.execute("SELECT id, feedback FROM questions"))
    assert votes == sorted([(qid, 31, 1), (group_qid, 33, 1), (group_qid, 34, -1)])
    assert feedback[qid] == 1, "the forged 👎 from another chat was ignored"


async def test_every_callback_query_is_answered(built: Path, tmp_path: Path) -> None:
    async with running(built, tmp_path) as (api, _):
        api.send_text(41, QUESTION)
        [reply] = await wait(api, "sendMessage", chat_id=41)
        for data in ("zz:1", "m:abc", "f:1:5", "", "a:"):
            api.click(reply, data)
        calls = await wait(api, "answerCallbackQuery", count=5)
        assert len(calls) == 5


async def test_lone_surrogate_in_a_question_is_answered_and_logged(
    built: Path, tmp_path: Path
) -> None:
    async with running(built, tmp_path) as (api, _):
        api.send_text(51, "phụ cấp ưu đãi nhà giáo \udc80 là bao nhiêu")
        [reply] = await wait(api, "sendMessage", chat_id=51)
        assert "Nguồn" in plain(reply)
        assert not api.find("sendMessage", chat_id=ADMIN_CHAT), "no error, no journal incident"
    with sqlite3.connect(tmp_path / "journal.sqlite") as db:
        [(question,)] = db.execute("SELECT question FROM questions").fetchall()
    assert "\ufffd" in question


async def test_reindex_reply_names_unreadable_files_and_folders(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "copy"
    shutil.copytree(built, root)
    folder = root / "docs" / "phong-gd"
    folder.mkdir()
    (folder / "lich-nghi.md").write_text("# Lịch nghỉ\n\nHọc sinh nghỉ Tết mười hai ngày.")
    unreadable = root / "docs" / "tt-59-2026-nha-giao-thinh-giang.md"
    real_read, real_scandir = Path.read_bytes, os.scandir

    def read_bytes(self: Path) -> bytes:
        if self == unreadable:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read(self)

    def scandir(path: object = ".") -> object:
        if not isinstance(path, int) and Path(os.fsdecode(path)) == folder:
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real_scandir(path)

    async with running(root, tmp_path) as (api, app):
        engine = app.bot_data[STATE_KEY].engine
        api.send_text(ADMIN, "/reindex")
        await wait(api, "editMessageText", chat_id=ADMIN, predicate=lambda c: "Đã" in c.text)
        assert engine.document("phong-gd/lich-nghi.md") is not None
        monkeypatch.setattr(Path, "read_bytes", read_bytes)
        monkeypatch.setattr(os, "scandir", scandir)
        api.send_text(ADMIN, "/reindex")
        done = await wait(
            api, "editMessageText", chat_id=ADMIN, count=2, predicate=lambda c: "Đã" in c.text
        )
        text = plain(done[-1])
        assert "tt-59-2026-nha-giao-thinh-giang.md: không đọc được tệp" in text
        assert "phong-gd/: không đọc được thư mục" in text
        assert engine.document("phong-gd/lich-nghi.md") is not None, "still served"
        assert engine.find_by_number("59/2026/TT-BGDĐT"), "still served"


async def test_reindex_on_a_full_disk_says_so_and_keeps_answering(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "copy"
    shutil.copytree(built, root)
    (root / "docs" / "moi.md").write_text("# Mới\n\nHọc sinh nghỉ Tết mười hai ngày.")

    def full_disk(self: LexicalIndex, folder: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(LexicalIndex, "save", full_disk)
    async with running(root, tmp_path) as (api, _):
        api.send_text(ADMIN, "/reindex")
        await wait(
            api,
            "editMessageText",
            chat_id=ADMIN,
            predicate=lambda c: c.text == messages.REINDEX_DISK_FULL,
        )
        api.send_text(61, QUESTION)
        [reply] = await wait(api, "sendMessage", chat_id=61)
        assert "Nguồn" in plain(reply)
    assert not list((root / "index" / "builds").glob("*.tmp"))


def test_long_multibyte_names_are_cut_by_bytes() -> None:
    name = safe_filename("ệ" * 200 + ".txt")
    assert name is not None and name.endswith(".txt") and set(name[:-4]) == {"ệ"}
    assert len(name.encode("utf-8")) <= 255
    assert safe_filename("a" * 300 + ".docx").endswith("a.docx")


async def test_upload_with_a_long_multibyte_name_is_saved(built: Path, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(built, root)
    async with running(root, tmp_path) as (api, _):
        text = "Thông báo\n\nHọc sinh toàn tỉnh được nghỉ Tết Nguyên đán mười hai ngày."
        document = api.add_file("ệ" * 200 + ".txt", text.encode())
        api.send_text(ADMIN, None, document=document)
        await wait(api, "editMessageText", chat_id=ADMIN, predicate=lambda c: "Đã thêm" in c.text)
    [saved] = (root / "docs" / "uploads").iterdir()
    assert saved.suffix == ".txt" and len(saved.name.encode()) <= 255
    assert saved.read_text(encoding="utf-8") == text


LONG_ARTICLE = "# Quy chế học bổng\n\n## Điều 1. Học bổng khuyến khích học tập\n\n" + "\n\n".join(
    f"{n}. Học sinh đạt loại giỏi được xét học bổng khuyến khích học tập mức {n} triệu đồng "
    "mỗi học kỳ theo quy định của Hội đồng xét học bổng nhà trường; hồ sơ gồm đơn đề nghị, "
    "bảng điểm có xác nhận và bản sao giấy khai sinh, nộp trước ngày 15 tháng 10 hằng năm."
    for n in range(1, 80)
)


DOC = DocumentInfo("qc.md", "Quy chế", None, None, None, None, None, None, (), "h", 1, 1)


def test_whole_article_reply_is_capped_with_a_pointer() -> None:
    engine_free = article_blocks(
        Hit(Chunk(1, "qc.md", "x", "Điều 1", 0, 1), DOC, 1.0),
        LONG_ARTICLE + "\n\n" + "rất dài " * 2000,
        max_messages=3,
    )
    texts = pack(engine_free)
    assert len(texts) <= 3 and all(size(t) <= 4096 for t in texts)
    assert "chỉ hiển thị phần đầu" in texts[-1] and "/vanban qc.md" in texts[-1]


async def test_long_echoes_and_long_articles_stay_within_telegram_limits(
    built: Path, tmp_path: Path
) -> None:
    root = tmp_path / "copy"
    shutil.copytree(built, root)
    (root / "docs" / "quy-che-hoc-bong.md").write_text(LONG_ARTICLE, encoding="utf-8")
    assert len(LONG_ARTICLE) > 18000
    async with running(root, tmp_path) as (api, _):
        api.send_text(ADMIN, "/reindex")
        await wait(api, "editMessageText", chat_id=ADMIN, predicate=lambda c: "Đã" in c.text)
        long_arg = "9" * 4088
        api.send_text(71, f"/vanban {long_arg}")
        api.send_text(ADMIN, f"/xoa {long_arg}")
        [vanban] = await wait(api, "sendMessage", chat_id=71)
        [xoa] = await wait(api, "sendMessage", chat_id=ADMIN, predicate=lambda c: "999" in c.text)
        for reply in (vanban, xoa):
            assert len(reply.text) <= 4096 and "…" in reply.text

        api.send_text(72, "học bổng khuyến khích học tập của học sinh giỏi là bao nhiêu")
        [answer] = await wait(api, "sendMessage", chat_id=72)
        api.click(answer, dict(answer.buttons())["Toàn văn Điều này"])
        await asyncio.sleep(2.0)
        article = answers_to(api, 72)[1:]
        assert 1 <= len(article) <= 3, len(article)
        assert all(len(call.text) <= 4096 for call in article)
        assert "chỉ hiển thị phần đầu" in plain(article[-1])


async def test_zip_bomb_upload_is_refused_with_a_reason(built: Path, tmp_path: Path) -> None:
    bomb = make_bomb(tmp_path / "bom.docx", 300)
    async with running(built, tmp_path) as (api, _):
        api.send_text(ADMIN, None, document=api.add_file("bom.docx", bomb.read_bytes()))
        [refusal] = await wait(
            api, "editMessageText", chat_id=ADMIN, predicate=lambda c: "Không thêm" in c.text
        )
        assert "bom nén" in plain(refusal)
    assert not (built / "docs" / "uploads").exists()


async def test_under_load_typing_is_skipped_and_groups_get_one_message(
    built: Path, tmp_path: Path
) -> None:
    async with running(built, tmp_path) as (api, _):
        for chat in range(2000, 2040):
            api.send_text(chat, QUESTION)
        await wait(api, "sendMessage", count=40, timeout=60)
        assert len(api.find("sendChatAction")) <= 10, "cosmetic calls skipped under load"
        api.send_text(GROUP, f"/hoi {QUESTION}", chat_type="supergroup", user_id=33)
        await wait(api, "sendMessage", chat_id=GROUP)
        await asyncio.sleep(0.5)
        assert len(api.find("sendMessage", chat_id=GROUP)) == 1
        assert not api.find("sendChatAction", chat_id=GROUP)


async def test_markup_in_input_is_escaped_in_every_reply(built: Path, tmp_path: Path) -> None:
    async with running(built, tmp_path) as (api, _):
        api.send_text(81, "/vanban <b>29</b><a href='javascript:alert(1)'>x</a>")
        api.send_text(82, "<i>phụ cấp</i> ưu đãi & <script>nhà giáo</script>")
        [echo] = await wait(api, "sendMessage", chat_id=81)
        [answer] = await wait(api, "sendMessage", chat_id=82)
        assert "&lt;b&gt;29&lt;/b&gt;" in echo.text and "<a href" not in echo.text
        assert "<script" not in answer.text and "<i>phụ" not in answer.text


async def test_hand_made_admin_buttons_and_other_chats_are_refused(
    built: Path, tmp_path: Path
) -> None:
    root = tmp_path / "copy"
    shutil.copytree(built, root)
    target = root / "docs" / "tt-59-2026-nha-giao-thinh-giang.md"
    extra = "  allowed_chats: [-100777]\n"
    async with running(root, tmp_path, extra) as (api, _):
        api.send_text(-100777, "/hoi phụ cấp ưu đãi", chat_type="supergroup", user_id=91)
        [allowed] = await wait(api, "sendMessage", chat_id=-100777)
        key = doc_key("tt-59-2026-nha-giao-thinh-giang.md")
        api.click(allowed, f"xy:{key}", user_id=91)  # forged "delete" by a non-admin
        [refusal] = await wait(api, "answerCallbackQuery")
        assert refusal.params.get("text") == messages.NOT_ADMIN and target.exists()
        api.send_text(92, "phụ cấp ưu đãi")  # a private chat outside allowed_chats
        await asyncio.sleep(1.0)
        assert not api.find("sendMessage", chat_id=92)
