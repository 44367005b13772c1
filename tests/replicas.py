"""Real bot processes (``python -m bot``) in webhook mode on 127.0.0.1, for tests and bench.py.

Each replica is the real entry point with its own config.yaml: the same documents and index
folders (shared index storage), the same database (a PostgreSQL URL, or one SQLite file), the
fake Bot API as ``base_url``, and its own webhook port. Updates are POSTed as Telegram would,
with the secret header.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.fakebotapi import TOKEN
from tests.pg import free_port

ROOT = Path(__file__).resolve().parents[1]
SECRET = "replica-secret-0123456789"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
HOOK_PATH = "tg/hook"


class Replica:
    """One ``python -m bot`` process; stopped with SIGTERM (its shutdown path), then killed."""

    def __init__(
        self,
        name: str,
        root: Path,
        base_url: str,
        database: str | Path,
        *,
        admin_ids: tuple[int, ...] = (42,),
        manager_ids: tuple[int, ...] = (43,),
        backend: str = "none",
        extra: str = "",
    ) -> None:
        self.name = name
        self.port = free_port()
        self.log = root / f"{name}.log"
        self.config = root / f"{name}.yaml"
        journal = database if isinstance(database, Path) else root / f"{name}.sqlite"
        self.config.write_text(
            f"documents_dir: {root / 'docs'}\n"
            f"index_dir: {root / 'index'}\n"
            f"embedding:\n  backend: {backend}\n"
            "bot:\n"
            f"  admin_ids: [{', '.join(map(str, admin_ids))}]\n"
            f"  manager_ids: [{', '.join(map(str, manager_ids))}]\n"
            f"  journal_path: {journal}\n"
            f"  base_url: {base_url}\n"
            f"  webhook_url: https://bot.example/{HOOK_PATH}\n"
            "  webhook_listen: 127.0.0.1\n"
            f"  webhook_port: {self.port}\n" + extra,
            encoding="utf-8",
        )
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }
        self.env.pop("DATABASE_URL", None)
        if isinstance(database, str):
            self.env["DATABASE_URL"] = database
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Where to POST updates."""
        return f"http://127.0.0.1:{self.port}/{HOOK_PATH}"

    def start(self) -> Replica:
        """Start the process (returns at once; see :meth:`wait_ready`)."""
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "--config", str(self.config)],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Wait until the webhook port accepts connections (the engine is open by then)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"replica {self.name} exited: {self.tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"replica {self.name} not listening after {timeout} s: {self.tail()}")

    def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        """POST one update as Telegram does; returns the HTTP status."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[HEADER] = secret
        request = urllib.request.Request(
            self.url, data=json.dumps(update).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    def tail(self, chars: int = 3000) -> str:
        """The end of the process's log (for failure messages)."""
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, wait, then SIGKILL; returns the exit code."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(5)
