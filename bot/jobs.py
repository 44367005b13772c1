"""Index builds run off the event loop: first opening, dense completion, /reindex and uploads.

Questions keep being answered from the live engine while a build runs; the new build is
swapped in with ``engine.reload()`` when it is published.

Every build runs under two locks: the index folder's file lock (processes on one machine) and,
with PostgreSQL, the database's advisory lock (replicas on several machines that share the
index folder), so a /reindex or an upload builds once whichever replica received it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

from index.builder import BuildCancelled, BuildReport, build_index
from index.embedders import Embedder
from index.engine import Engine
from index.settings import IndexSettings
from index.store import BuildLocked, IndexMismatch, IndexMissing

if TYPE_CHECKING:
    from bot.db import Database

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

__all__ = [
    "BuildLocked",
    "DenseProgress",
    "ThrottledProgress",
    "complete_dense",
    "needs_dense",
    "open_or_build",
    "shared_build",
]

RETRY_LOCKED_S = 30.0
"""A dense build deferred because another build holds the lock is retried this often."""


def shared_build(database: Database | None, settings: IndexSettings, **kwargs: Any) -> BuildReport:
    """:func:`~index.builder.build_index` under the database's build lock as well.

    Raises:
        BuildLocked: another process or replica is building (file or database lock).
    """
    guard = database.build_lock() if database is not None else contextlib.nullcontext()
    with guard:
        return build_index(settings, **kwargs)


def open_or_build(
    settings: IndexSettings,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    on_build: Callable[[], None] | None = None,
    on_wait: Callable[[], None] | None = None,
    database: Database | None = None,
) -> Engine:
    """Open the index, first building a quick BM25-only one when it is missing or stale.

    While another process holds the build lock, waits for it (``on_wait`` is called once).
    ``database`` adds its build lock (replicas sharing the index folder build once).
    """
    try:
        return Engine.open(settings, embedder=embedder)
    except IndexMissing:
        full = False
    except IndexMismatch as exc:
        logger.warning("index does not match the settings (%s): rebuilding", exc)
        full = True
    if on_build:
        on_build()
    told = False
    while True:
        try:
            shared_build(
                database, settings, full=full, embed=False, embedder=embedder, progress=progress
            )
        except BuildLocked:
            if not told:
                if on_wait:
                    on_wait()
                else:
                    logger.warning("another process is building the index; waiting for it")
                told = True
            time.sleep(2.0)
            try:
                return Engine.open(settings, embedder=embedder)
            except (IndexMissing, IndexMismatch):
                continue
        return Engine.open(settings, embedder=embedder)


def needs_dense(settings: IndexSettings, engine: Engine, embedder: Embedder | None = None) -> bool:
    """True when a dense model (configured or given) has passages left to embed."""
    if settings.embedding.backend == "none" and embedder is None:
        return False
    stats = engine.stats()
    return int(stats.get("embedded_chunks", 0)) < int(stats.get("chunks", 0))


T = TypeVar("T")


async def in_daemon_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Like ``asyncio.to_thread``, but in a daemon thread that never delays the process exit.

    For the background dense build: at shutdown it is asked to stop after its batch, and
    if that batch takes too long the process exits anyway (batches are checkpointed
    atomically, so at most the batch in flight is lost).
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(value: Any, failed: bool) -> None:
        if not future.done():
            future.set_exception(value) if failed else future.set_result(value)

    def work() -> None:
        try:
            outcome, failed = function(*args, **kwargs), False
        except BaseException as exc:  # handed to the awaiting task
            outcome, failed = exc, True
        try:
            loop.call_soon_threadsafe(settle, outcome, failed)
        except RuntimeError:  # the event loop is already closed: nobody waits
            pass

    threading.Thread(target=work, name="dense-index", daemon=True).start()
    return await future


class DenseProgress:
    """Where the background dense build stands (written by its thread, read by anyone)."""

    def __init__(self) -> None:
        self.done = 0
        self.total = 0
        self.waiting = False
        """True while another process's build holds the lock."""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "embed":
            self.done, self.total = done, total


def complete_dense(
    settings: IndexSettings,
    engine: Engine,
    embedder: Embedder | None = None,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    retry_s: float = RETRY_LOCKED_S,
    database: Database | None = None,
) -> BuildReport | None:
    """Embed what the quick build left out, then swap the new build into the engine.

    Every batch is checkpointed (see :mod:`index.embed_cache`). While another build holds
    the lock, the attempt is retried every ``retry_s`` seconds.

    Returns:
        The build report, or None when ``cancel`` was set or another build did the work.
    """
    stop = cancel or threading.Event()
    while True:
        try:
            report = shared_build(
                database, settings, embedder=embedder, progress=progress, cancel=stop
            )
        except BuildCancelled:
            logger.info("dense build stopped; the vectors embedded so far are kept")
            return None
        except BuildLocked:
            logger.info("another build is running: dense vectors retried in %.0f s", retry_s)
            if isinstance(progress, DenseProgress):
                progress.waiting = True
            if stop.wait(retry_s):
                return None
            if isinstance(progress, DenseProgress):
                progress.waiting = False
            engine.reload()
            if not needs_dense(settings, engine, embedder):
                return None
            continue
        engine.reload()
        return report


class ThrottledProgress:
    """Build progress callback (called from the build thread) that edits a message.

    At most one edit every ``interval`` seconds, and never two at once.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        edit: Callable[[str, int, int], Awaitable[Any]],
        interval: float = 2.0,
    ) -> None:
        self._loop = loop
        self._edit = edit
        self._interval = interval
        self._last = time.monotonic()
        self._future: Future[Any] | None = None
        self.calls = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < self._interval:
            return
        if self._future is not None and not self._future.done():
            return
        self._last = now
        self.calls += 1
        self._future = asyncio.run_coroutine_threadsafe(self._edit(stage, done, total), self._loop)
