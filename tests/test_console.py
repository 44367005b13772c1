"""``python -m bot`` without a token: a console chat that builds the index it needs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "data" / "corpus"


def _run(
    config: Path, stdin: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONIOENCODING="utf-8")
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config)],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=300,
    )


def _config(tmp_path: Path, bot_section: str = "") -> Path:
    shutil.copytree(CORPUS, tmp_path / "docs")
    config = tmp_path / "config.yaml"
    config.write_text(
        "documents_dir: docs\nindex_dir: index\nembedding:\n  backend: none\n"
        "bot:\n  journal_path: data/journal.sqlite\n" + bot_section,
        encoding="utf-8",
    )
    return config


def test_console_builds_the_index_and_answers_with_a_source(tmp_path: Path) -> None:
    config = _config(tmp_path)
    questions = (
        "phụ cấp ưu đãi nhà giáo trường trung học cơ sở là bao nhiêu\n"
        "/vanban 59/2026\n/thoat\nkhông đọc tới đây\n"
    )
    done = _run(config, questions)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Chưa có chỉ mục" in out
    assert (tmp_path / "index").is_dir()
    assert "182/2026/NĐ-CP" in out and "Nguồn:" in out
    assert "<b>" not in out and "&amp;" not in out  # HTML rendered as plain text
    assert "Thông tư 59/2026/TT-BGDĐT" in out
    assert "đối chiếu bản chính thức trước khi trích dẫn" in out  # bundled texts: the caveat
    assert out.rstrip().endswith("Tạm biệt!")
    assert "Traceback" not in done.stderr

    # Second start: the index exists, EOF (Ctrl-D) ends the chat cleanly.
    again = _run(config, "nha giao thinh giang la gi\n")
    assert again.returncode == 0, again.stderr
    assert "Chưa có chỉ mục" not in again.stdout
    assert "59/2026/TT-BGDĐT" in again.stdout and again.stdout.rstrip().endswith("Tạm biệt!")


def test_bad_setting_stops_start_up_with_its_name(tmp_path: Path) -> None:
    config = _config(tmp_path, "  max_question_chars: nhiều\n  colour: blue\n")
    done = _run(config, "")
    assert done.returncode == 2
    assert "bot.max_question_chars" in done.stderr and "Traceback" not in done.stderr
    config.write_text(config.read_text().replace("  max_question_chars: nhiều\n", ""))
    done = _run(config, "")
    assert done.returncode == 2 and "bot.colour: không có thiết lập này" in done.stderr
    config.write_text("documents_dir: docs\nbot:\n  admin_ids: [abc]\n")
    done = _run(config, "")
    assert done.returncode == 2 and "bot.admin_ids" in done.stderr


def test_console_commands_come_from_the_shared_table(tmp_path: Path) -> None:
    config = _config(tmp_path)
    lines = (
        "/help\n/thongke\n/xoa 182/2026\n/lenhla\n/vanban 182/2026/NĐ-CP\n/dieu 2\n"
        "/vanban 29-NQ/TW\n/trangthai\n/hoi nha giao thinh giang la gi\n"
    )
    done = _run(config, lines)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Sẵn sàng: 8 văn bản, 43 đoạn, chế độ trả lời: bm25" in out
    help_part = out.split("Bạn hỏi:")[1]
    assert "/vanban" in help_part and "/trangthai" in help_part
    assert "/thongke –" not in help_part and "/reindex –" not in help_part
    assert "Lệnh /thongke chỉ dùng được trong Telegram" in out
    assert "Lệnh /xoa chỉ dùng được trong Telegram" in out
    assert "Không có lệnh /lenhla" in out
    assert "Các mục (gõ /dieu <số> để đọc toàn văn):" in out and "2. Điều 3" in out
    assert "Toàn văn" in out and "Mức phụ cấp ưu đãi theo nghề" in out
    assert "không có toàn văn “29-NQ/TW”, nhưng 1 văn bản có nhắc tới nó" in out
    assert "Chế độ trả lời: bm25" in out
    assert "59/2026/TT-BGDĐT" in out  # /hoi asks
    assert "Không có văn bản nào" not in out.split("Không có lệnh /lenhla")[0]


def test_help_lists_only_commands_that_work_there() -> None:
    from bot import commands

    console = commands.help_text("console")
    telegram = commands.help_text("telegram", "tenbot")
    assert "/thongke" not in console.split("<b>Lệnh</b>")[1]
    assert "/dieu" not in telegram and "/thongke" in telegram and "@tenbot" in telegram
    menu = " ".join(n for n, _ in commands.telegram_menu())
    assert menu == "hoi vanban danhsach thongke reindex xoa help"


def test_console_waits_calmly_while_a_reindex_holds_the_lock(tmp_path: Path) -> None:
    import threading

    from index.store import build_lock

    config = _config(tmp_path)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with build_lock(tmp_path / "index"):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    threading.Timer(4.0, release.set).start()
    try:
        done = _run(config, "nha giao thinh giang la gi\n")
    finally:
        release.set()
        holder.join()
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Một lượt cập nhật chỉ mục khác đang chạy") == 1
    assert "Traceback" not in done.stderr and "WARNING" not in done.stderr
    assert "59/2026/TT-BGDĐT" in done.stdout


def test_transcription_note_only_under_answers_from_bundled_documents() -> None:
    from types import SimpleNamespace

    from bot import caveat, messages

    def hits(*doc_ids: str) -> list:
        return [SimpleNamespace(doc=SimpleNamespace(doc_id=d)) for d in doc_ids]

    assert caveat.transcription_note(hits("uploads/cv-12.pdf"), "uploads") is None
    assert caveat.transcription_note(hits("uploads/a.pdf", "van-ban/nd.md"), "uploads") == (
        messages.TRANSCRIBED_NOTE
    )
    assert caveat.with_note(["x"], hits(), "uploads") == ["x"]


def test_every_telegram_command_of_the_table_has_a_handler(tmp_path: Path) -> None:
    from telegram.ext import CommandHandler

    from bot import commands
    from bot.app import build_application
    from bot.settings import load_settings

    config = _config(tmp_path)
    settings = load_settings(config, env={"TELEGRAM_BOT_TOKEN": "123456:TEST"})
    app = build_application(settings)
    registered = {
        name
        for handlers in app.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    }
    table = {c.name for c in commands.COMMANDS if c.telegram}
    assert registered == table | set(commands.ALIASES)
