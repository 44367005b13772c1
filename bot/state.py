"""What the running bot keeps between updates, behind typed accessors on ``bot_data``.

The engine and the journal are opened once in ``post_init`` (see :mod:`bot.app`); handlers
reach them through :func:`state_of` instead of poking at ``bot_data`` keys.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.journal import Journal
from bot.settings import Settings

if TYPE_CHECKING:
    from telegram.ext import Application, ContextTypes

    from index.embedders import Embedder
    from index.engine import Engine

STATE_KEY = "state"
LOAD_PER_SECOND = 5
"""Above this many questions per second, cosmetic Bot API calls (typing…) are skipped."""
SETTINGS_KEY = "settings"
EMBEDDER_KEY = "embedder"


@dataclass
class Pending:
    """An administrator's action waiting for a confirmation button."""

    user_id: int
    kind: str
    """"replace" (an upload over an existing file) or "delete"."""
    target: Path
    staged: Path | None = None


@dataclass
class BotState:
    """Heavy objects and small in-memory tables shared by all handlers."""

    settings: Settings
    engine: Engine
    journal: Journal
    embedder: Embedder | None = None
    build_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending: dict[str, Pending] = field(default_factory=dict)
    questions: OrderedDict[int, str] = field(default_factory=OrderedDict)
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    stopping: threading.Event = field(default_factory=threading.Event)
    """Set at shutdown: builds running in threads stop after their current batch."""
    max_questions: int = 2048
    arrivals: deque[float] = field(default_factory=deque)
    """When the last questions arrived (see :meth:`under_load`)."""

    def hold(self, token: str, action: Pending) -> None:
        """Keep an action for its confirmation button in the shared database, so that any
        replica can take it (in memory only when the database cannot be written)."""
        staged = None if action.staged is None else str(action.staged)
        if not self.journal.hold(token, action.user_id, action.kind, str(action.target), staged):
            self.pending[token] = action

    def release(self, token: str) -> Pending | None:
        """Take a held action once (None when unknown, expired or already taken)."""
        action = self.pending.pop(token, None)
        if action is not None:
            return action
        row = self.journal.release(token)
        if row is None:
            return None
        user_id, kind, target, staged = row
        return Pending(user_id, kind, Path(target), None if staged is None else Path(staged))

    def remember(self, qid: int, question: str) -> None:
        """Keep a question in the small LRU used by the answer buttons."""
        self.questions[qid] = question
        self.questions.move_to_end(qid)
        while len(self.questions) > self.max_questions:
            self.questions.popitem(last=False)

    def under_load(self, now: float | None = None) -> bool:
        """Count a question; True when more than LOAD_PER_SECOND arrived in the last second."""
        now = time.monotonic() if now is None else now
        self.arrivals.append(now)
        while self.arrivals and self.arrivals[0] < now - 1.0:
            self.arrivals.popleft()
        return len(self.arrivals) > LOAD_PER_SECOND

    def recall(self, qid: int) -> str | None:
        """A question from the LRU (None when evicted: look in the journal)."""
        question = self.questions.get(qid)
        if question is not None:
            self.questions.move_to_end(qid)
        return question


def doc_key(doc_id: str) -> str:
    """Short stable key of a document for callback data (64-byte limit)."""
    return hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:10]


def state_of(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    """The bot's state (opened in post_init)."""
    return context.application.bot_data[STATE_KEY]


def settings_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Settings:
    """The settings given to build_application."""
    return application.bot_data[SETTINGS_KEY]
