"""/vanban for a document held only as articles of a Pháp điển compilation: its card names
the document and the compilation, and a button per article opens that article."""

from __future__ import annotations

import io
import shutil

from bot.console import Console
from bot.formatting import excerpt_card
from bot.handlers.documents import _excerpt
from bot.settings import load_settings
from bot.state import doc_key
from index.access import EVERYTHING
from index.builder import build_index
from index.engine import Engine
from tests.conftest import COMPILATION, make_settings
from tests.test_bot_e2e import CORPUS, EMBEDDER, _settings, plain, running, wait


def test_card_and_article_buttons_of_a_document_held_in_a_compilation(tmp_path, corpus):
    (corpus / "van-ban" / "giao-duc.md").write_text(COMPILATION, encoding="utf-8")
    settings = make_settings(tmp_path, corpus)
    build_index(settings)
    engine = Engine.open(settings)
    (excerpt,) = engine.excerpts("24/2021")

    card = excerpt_card(excerpt, [])
    assert "Nghị định số 24/2021/NĐ-CP" in card and "“Giáo dục” có 3 điều" in card

    text, markup = _excerpt(engine, excerpt, EVERYTHING)
    buttons = [b for row in markup.inline_keyboard for b in row]
    assert [b.text for b in buttons] == list(excerpt.labels)
    chunks = engine.chunks(excerpt.compilation.doc_id)
    for button, article in zip(buttons, excerpt.articles, strict=True):
        _, key, index = button.callback_data.split(":")
        assert key == doc_key(excerpt.compilation.doc_id)  # what show_section looks up
        assert chunks[int(index)].chunk_id == article.chunk_id


def test_console_lists_the_articles_and_reads_one(tmp_path, corpus):
    (corpus / "van-ban" / "giao-duc.md").write_text(COMPILATION, encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(
        f"documents_dir: {corpus}\nindex_dir: {tmp_path / 'index'}\n"
        "embedding:\n  backend: none\n", encoding="utf-8",
    )
    settings = load_settings(config, env={})
    build_index(settings.index)
    out = io.StringIO()
    console = Console(settings, Engine.open(settings.index), out)
    console.handle("/vanban 24/2021")
    console.handle("/dieu 2")
    text = out.getvalue()
    assert "Nghị định số 24/2021/NĐ-CP" in text and "2. Điều 2. Đối tượng áp dụng" in text
    assert "Nghị định này áp dụng đối với nhà trẻ" in text  # /dieu 2 read Điều 2
    assert "Nguồn: Điều 2 Nghị định số 24/2021/NĐ-CP" in text


async def test_vanban_through_the_bot_opens_an_article_of_the_compilation(tmp_path):
    # The real Application against the fake Bot API: the command, the card, a button.
    root = tmp_path / "bot"
    shutil.copytree(CORPUS, root / "docs")
    (root / "docs" / "giao-duc.md").write_text(COMPILATION, encoding="utf-8")
    build_index(_settings(root, root / "build.sqlite", "http://127.0.0.1:1/bot").index,
                embedder=EMBEDDER)
    async with running(root, tmp_path) as (api, _):
        api.send_text(4, "/vanban nghị định 24/2021")
        [card] = await wait(api, "sendMessage", chat_id=4)
        text = plain(card)
        assert "Nghị định số 24/2021/NĐ-CP" in text and "Pháp điển “Giáo dục” có 3 điều" in text
        buttons = dict(card.buttons())
        assert list(buttons) == [
            "Điều 1. Phạm vi điều chỉnh", "Điều 2. Đối tượng áp dụng", "Điều 3. Giải thích từ ngữ"
        ]
        api.click(card, buttons["Điều 2. Đối tượng áp dụng"])
        [_, article] = await wait(api, "sendMessage", chat_id=4, count=2)
        assert "Nghị định này áp dụng đối với nhà trẻ" in plain(article)
        assert "Điều 2 Nghị định số 24/2021/NĐ-CP" in plain(article)
