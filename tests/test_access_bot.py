"""Collections and access through the real bot and a fake Bot API: a teacher in a school group
never receives a passage, a title or a number of an internal document, whatever they send
(questions, /vanban, /danhsach, hand-made buttons); a manager does."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from bot import messages
from bot.caveat import is_bundled
from bot.state import STATE_KEY, doc_key
from index.builder import build_index
from tests.access_corpus import (
    INTERNAL_NUMBER,
    INTERNAL_TITLE,
    INTERNAL_WORDS,
    QUESTION,
    leaks,
    write_access_corpus,
)
from tests.fakebotapi import Call, FakeBotAPI
from tests.test_bot_e2e import ADMIN, EMBEDDER, MANAGER, TEACHER, _settings, plain, running, wait

SCHOOL_GROUP = -100777
MANAGERS_GROUP = -100500
GROUP = {"chat_type": "supergroup", "user_id": TEACHER}
ACCESS = f"access:\n  restricted:\n    noi-bo: {{chats: [{MANAGERS_GROUP}], users: [{MANAGER}]}}\n"
INTERNAL_DOC = "noi-bo/kh-15.md"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The access corpus (cong-khai/, noi-bo/) and its index, built once."""
    root = tmp_path_factory.mktemp("access-bot")
    write_access_corpus(root / "docs")
    settings = _settings(root, root / "journal.sqlite", "http://127.0.0.1:1/bot")
    build_index(settings.index, embedder=EMBEDDER)
    return root


def _seen_by(api: FakeBotAPI, chats: set[int]) -> list[Call]:
    """Every call whose text or buttons reach one of the chats (and every callback answer)."""
    return [c for c in api.calls if c.chat_id in chats or c.method == "answerCallbackQuery"]


def _leaked(calls: list[Call]) -> list[tuple[str, list[str]]]:
    return [(c.method, leaks(str(c.params))) for c in calls if leaks(str(c.params))]


async def _count(api: FakeBotAPI, chat: int, n: int) -> list[Call]:
    """Wait until a chat has received n messages; returns them all."""
    return await wait(api, "sendMessage", chat_id=chat, count=n)


async def test_teacher_in_a_school_group_never_sees_internal_documents(
    built: Path, tmp_path: Path
) -> None:
    async with running(built, tmp_path, ACCESS) as (api, app):
        engine = app.bot_data[STATE_KEY].engine
        internal_chunks = [c.chunk_id for c in engine.chunks(INTERNAL_DOC)]
        key = doc_key(INTERNAL_DOC)

        # The manager asks privately first: the answer quotes the internal plan.
        api.send_text(MANAGER, QUESTION)
        [manager_answer] = await wait(api, "sendMessage", chat_id=MANAGER)
        assert INTERNAL_WORDS in plain(manager_answer)
        assert INTERNAL_NUMBER in plain(manager_answer)
        manager_qid = dict(manager_answer.buttons())["Xem thêm"].split(":")[1]

        sent = 0

        async def group_says(text: str, user: int = TEACHER) -> Call:
            nonlocal sent
            api.send_text(SCHOOL_GROUP, text, chat_type="supergroup", user_id=user)
            sent += 1
            return (await _count(api, SCHOOL_GROUP, sent))[-1]

        # The teacher, in the school group: the question the internal plan answers best, the
        # decree the plan cites (its card lists citing documents), the list.
        answer = await group_says(f"/hoi {QUESTION}")
        assert answer.text, "the teacher is answered (from public texts, or told none)"
        card = await group_says("/vanban 182/2026/NĐ-CP")
        assert "182/2026/NĐ-CP" in plain(card)
        listing = await group_says("/danhsach")
        assert "182/2026/NĐ-CP" in plain(listing)
        # A manager asking in the school group gets what the group may read, no more.
        await group_says(f"/hoi {QUESTION}", user=MANAGER)
        # The internal number and file name get the reply of a number nobody holds (the echo of
        # what the teacher typed is the only difference).
        by_number = await group_says(f"/vanban {INTERNAL_NUMBER}")
        unknown = await group_says("/vanban 16/KH-SGDĐT")
        assert by_number.text.replace(INTERNAL_NUMBER, "#") == unknown.text.replace(
            "16/KH-SGDĐT", "#"
        )
        by_name = await group_says("/vanban kh-15")
        assert by_name.text.replace("kh-15", "#") == (
            await group_says("/vanban kh-16")
        ).text.replace("kh-16", "#")
        echoes = {id(by_number), id(by_name)}

        # Hand-made buttons with internal keys, pressed in the group on a bot message.
        forged = [
            *(f"a:{chunk_id}" for chunk_id in internal_chunks),
            f"d:{key}",
            f"s:{key}:0",
            f"sp:{key}:0",
            f"m:{manager_qid}:0",
            f"m:{manager_qid}:1",
            "l:0",
        ]
        for data in forged:
            api.click(answer, data, user_id=TEACHER)
        await wait(api, "answerCallbackQuery", count=len(forged))
        sent += len(forged) - 1  # l:0 edits the list instead of sending
        await _count(api, SCHOOL_GROUP, sent)
        await asyncio.sleep(1.0)  # anything late is caught below too

        seen = [c for c in _seen_by(api, {SCHOOL_GROUP, TEACHER}) if id(c) not in echoes]
        assert len(seen) > sent
        assert _leaked(seen) == []
        replies = [plain(c) for c in api.find("sendMessage", chat_id=SCHOOL_GROUP)]
        assert replies.count(messages.SECTION_GONE) == len(internal_chunks) + 1
        assert replies.count(messages.DOCUMENT_GONE) == 2

        # An unknown chunk id gets the very reply an internal one got: existence is not told.
        api.click(answer, "a:999999", user_id=TEACHER)
        last = await _count(api, SCHOOL_GROUP, sent + 1)
        assert plain(last[-1]) == messages.SECTION_GONE


async def test_a_granted_chat_and_user_read_the_internal_collection(
    built: Path, tmp_path: Path
) -> None:
    async with running(built, tmp_path, ACCESS) as (api, app):
        engine = app.bot_data[STATE_KEY].engine
        chunk_id = engine.chunks(INTERNAL_DOC)[0].chunk_id
        managers = {"chat_type": "supergroup", "user_id": TEACHER}  # any member of the group
        api.send_text(MANAGERS_GROUP, f"/hoi {QUESTION}", **managers)
        [group_answer] = await wait(api, "sendMessage", chat_id=MANAGERS_GROUP)
        assert INTERNAL_WORDS in plain(group_answer)

        api.send_text(MANAGER, f"/vanban {INTERNAL_NUMBER}")
        [card] = await wait(api, "sendMessage", chat_id=MANAGER)
        assert INTERNAL_TITLE in plain(card)
        api.click(card, f"a:{chunk_id}")
        [_, article] = await wait(api, "sendMessage", chat_id=MANAGER, count=2)
        assert INTERNAL_WORDS in plain(article)

        api.send_text(ADMIN, "/danhsach")
        [listing] = await wait(api, "sendMessage", chat_id=ADMIN)
        assert INTERNAL_TITLE in plain(listing)
        api.send_text(TEACHER, "/danhsach")
        [teacher_listing] = await wait(api, "sendMessage", chat_id=TEACHER)
        assert "182/2026/NĐ-CP" in plain(teacher_listing)
        assert leaks(str(teacher_listing.params)) == []


async def test_an_upload_captioned_with_a_collection_goes_into_it(
    built: Path, tmp_path: Path
) -> None:
    root = tmp_path / "copy"
    shutil.copytree(built, root)
    upload = (
        '---\ntitle: "Công văn 88/SGDĐT-TCCB - Danh sách nâng lương nội bộ"\n'
        'so_hieu: "88/SGDĐT-TCCB"\n---\n\n'
        "Danh sách giáo viên được nâng lương trước thời hạn năm 2027 gồm cô Lê Thị Mận.\n"
    )
    async with running(root, tmp_path, ACCESS) as (api, _):
        typo = api.add_file("cv-88.md", upload.encode())
        api.send_text(ADMIN, None, document=typo, caption="noi_bo")
        [refused] = await wait(api, "sendMessage", chat_id=ADMIN)
        assert "noi_bo" in plain(refused) and "cong-khai, noi-bo" in plain(refused)
        assert not list(root.glob("docs/**/cv-88.md")), "nothing saved on a typo"

        document = api.add_file("cv-88.md", upload.encode())
        api.send_text(ADMIN, None, document=document, caption="noi-bo")
        [done] = await wait(
            api, "editMessageText", chat_id=ADMIN, predicate=lambda c: "Đã thêm" in c.text
        )
        assert "Bộ sưu tập: noi-bo" in plain(done)
        assert (root / "docs" / "noi-bo" / "uploads" / "cv-88.md").exists()

        question = "giáo viên nào được nâng lương trước thời hạn năm 2027"
        api.send_text(MANAGER, question)
        [manager] = await wait(api, "sendMessage", chat_id=MANAGER)
        assert "Lê Thị Mận" in plain(manager)
        api.send_text(TEACHER, question)
        [teacher] = await wait(api, "sendMessage", chat_id=TEACHER)
        assert "Lê Thị Mận" not in plain(teacher) and "88/SGDĐT" not in plain(teacher)


def test_uploads_into_a_collection_carry_no_transcription_note() -> None:
    assert not is_bundled("uploads/cv-88.md", "uploads")
    assert not is_bundled("noi-bo/uploads/cv-88.md", "uploads")
    assert is_bundled("van-ban/nd-182-2026.md", "uploads")
    assert is_bundled("uploads.md", "uploads"), "a file named like the folder is not in it"
