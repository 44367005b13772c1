"""The bot token never reaches a log line or the terminal (-v logging, rejected token)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from bot.redact import SecretFilter
from tests.fakebotapi import FakeBotAPI

ROOT = Path(__file__).resolve().parents[1]
SECRET_TOKEN = "987654321:AAHsecret-Part_of-the-token-xyz"


def test_rejected_token_and_verbose_http_logs_never_show_the_token(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"documents_dir: {tmp_path / 'docs'}\nindex_dir: {tmp_path / 'index'}\n"
        "embedding:\n  backend: none\n",
        encoding="utf-8",
    )
    with FakeBotAPI() as api:  # knows another token: answers 404 like Telegram for a bad one
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": SECRET_TOKEN,
            "TELEGRAM_BASE_URL": api.base_url,
            "PYTHONPATH": str(ROOT),
        }
        done = subprocess.run(
            [sys.executable, "-m", "bot", "-v", "--config", str(config)],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
    output = done.stdout + done.stderr
    assert done.returncode == 2
    assert "Telegram từ chối token" in done.stderr
    assert "getMe" in output, "the verbose HTTP log ran (with the token masked)"
    for piece in (SECRET_TOKEN, SECRET_TOKEN.split(":")[1], "AAHsecret"):
        assert piece not in output
    assert "<token>" in output, "log lines that carried it show the mask"


def test_filter_masks_messages_arguments_and_tracebacks() -> None:
    secret_filter = SecretFilter([SECRET_TOKEN])
    try:
        raise ValueError(f"The token `{SECRET_TOKEN}` was rejected by the server.")
    except ValueError:
        record = logging.LogRecord(
            "httpx", logging.INFO, __file__, 1, "HTTP Request: %s", (f"/bot{SECRET_TOKEN}/getMe",),
            sys.exc_info(),
        )  # fmt: skip
    assert secret_filter.filter(record)
    text = logging.Formatter().format(record)
    assert SECRET_TOKEN not in text and "/bot<token>/getMe" in text and "<token>" in text
