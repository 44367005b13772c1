"""Console chat: the bot's answer pipeline and formatting in a terminal (no token needed).

The index is built first when missing: a quick build (BM25, plus any vectors already in the
embedding cache) so answers start in seconds, then the missing vectors in a background
thread (checkpointed batch by batch), swapped in with ``engine.reload()``. Commands come
from the table shared with the bot (:mod:`bot.commands`).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Sequence
from types import FrameType
from typing import Any, TextIO

from bot import caveat, commands, messages
from bot.formatting import (
    answer_blocks,
    article_blocks,
    document_card,
    document_label,
    document_list,
    esc,
    excerpt_card,
    html_to_text,
    pack,
    sections,
)
from bot.jobs import DenseProgress, complete_dense, needs_dense, open_or_build
from bot.progress import TqdmProgress
from bot.settings import Settings
from index.engine import Engine
from index.models import Chunk, DocumentInfo, Hit

logger = logging.getLogger(__name__)

BOLD = ("\033[1m", "\033[0m")
STOP_WAIT_S = 4.0

__all__ = ["Console", "DenseBackground", "TqdmProgress", "effective_mode", "run_console"]


def effective_mode(engine: Engine) -> str:
    """The mode answers really use: "bm25" while no passage has a vector yet."""
    stats = engine.stats()
    configured = engine.settings.retrieval.mode
    return configured if int(stats.get("embedded_chunks", 0)) > 0 else "bm25"


class DenseBackground:
    """The dense build running in a thread; can report progress and be stopped."""

    def __init__(self, settings: Settings, engine: Engine, out: TextIO, embedder: Any) -> None:
        self.progress = DenseProgress()
        self.cancel = threading.Event()
        self._out = out

        def work() -> None:
            try:
                report = complete_dense(
                    settings.index, engine, embedder, progress=self.progress, cancel=self.cancel
                )
            except Exception as exc:  # the console keeps answering with BM25
                logger.debug("dense index failed", exc_info=True)
                self._say(messages.CONSOLE_DENSE_FAILED.format(error=exc))
            else:
                if report is not None or not needs_dense(settings.index, engine, embedder):
                    self._say(messages.CONSOLE_DENSE_READY)

        self.thread = threading.Thread(target=work, name="dense-index", daemon=True)

    def _say(self, text: str) -> None:
        if not self.cancel.is_set():
            print("\n" + text, file=self._out, flush=True)

    def start(self) -> None:
        """Start embedding in the background."""
        self.thread.start()

    def running(self) -> bool:
        """True while the thread embeds or waits for another build."""
        return self.thread.is_alive()

    def stop(self, timeout: float = STOP_WAIT_S) -> bool:
        """Ask the build to stop after its current batch; True when it was still running."""
        if not self.running():
            return False
        self.cancel.set()
        self.thread.join(timeout)
        return True


class Console:
    """One terminal conversation over an engine."""

    def __init__(
        self, settings: Settings, engine: Engine, out: TextIO, dense: DenseBackground | None = None
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.out = out
        self.dense = dense
        self.bold = BOLD if out.isatty() else ("", "")
        self.current: DocumentInfo | None = None
        self.listed: list[Chunk] = []
        """The articles of the last /vanban listing, in the order /dieu numbers them."""

    def show(self, html_text: str) -> None:
        """Print HTML as plain text."""
        for piece in pack([html_text]):
            print(html_to_text(piece, self.bold), file=self.out, flush=True)

    def handle(self, line: str) -> None:
        """Answer one line: a question, or a command of the shared table."""
        if not line.startswith("/"):
            self.ask(line)
            return
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        command = commands.find(word)
        if command is None:
            self.show(messages.CONSOLE_UNKNOWN_COMMAND.format(command=esc(word.lstrip("/"))))
        elif not command.console:
            self.show(messages.CONSOLE_TELEGRAM_ONLY.format(command=command.name))
        elif command.name == "help":
            self.show(commands.help_text("console"))
        elif command.name == "hoi":
            self.ask(rest) if rest else self.show(messages.EMPTY_QUESTION)
        elif command.name == "danhsach":
            self.show(document_list(self.engine.documents(), 0, 50)[0])
        elif command.name == "vanban":
            self.vanban(rest)
        elif command.name == "dieu":
            self.dieu(rest)
        elif command.name == "trangthai":
            self.status()

    def ask(self, question: str) -> None:
        """The bot's pipeline: limits, search, format."""
        limits = self.settings.bot
        if len(question) > limits.max_question_chars:
            self.show(
                messages.QUESTION_TOO_LONG.format(
                    length=len(question), limit=limits.max_question_chars
                )
            )
            return
        reply = self.engine.answer(question, passages=limits.answer_passages)
        blocks = answer_blocks(reply, limits.passage_chars)
        if not reply.result.abstained:
            blocks = caveat.with_note(blocks, reply.passages, limits.uploads_dir)
        self.show("\n\n".join(blocks))

    def vanban(self, query: str) -> None:
        """Document cards for a number with their sections; citing documents otherwise."""
        if not query:
            self.show(messages.VANBAN_USAGE)
            return
        found = self.engine.find_by_number(query)
        excerpts = [] if found else self.engine.excerpts(query)
        if excerpts:  # held only as articles of a compilation
            for excerpt in excerpts[:5]:
                cited = [
                    d for d in self.engine.citing(excerpt.number)
                    if d.doc_id != excerpt.compilation.doc_id
                ]
                self.show(excerpt_card(excerpt, cited))
            self.current, self.listed = excerpts[0].compilation, list(excerpts[0].articles)
            self._list_sections(excerpts[0].labels)
            return
        if not found:
            citing = self.engine.citing(query)
            if not citing:
                self.show(messages.VANBAN_NONE.format(query=esc(query)))
                return
            head = messages.CONSOLE_CITED_ONLY.format(query=esc(query), count=len(citing))
            self.show("\n".join([head] + [f"• {document_label(d, 120)}" for d in citing[:15]]))
            return
        for doc in found[:5]:
            self.show(document_card(doc, self.engine.cited_by(doc.doc_id)))
        self.current = found[0]
        chunks = self.engine.chunks(found[0].doc_id)
        items = sections(chunks)
        self.listed = [chunks[i] for _, i in items]
        if not items:
            self.show(messages.CARD_NO_SECTIONS)
            return
        self._list_sections([label for label, _ in items])

    def _list_sections(self, labels: Sequence[str]) -> None:
        lines = [messages.CONSOLE_SECTIONS]
        lines += [
            messages.CONSOLE_SECTION_LINE.format(n=n, section=esc(label))
            for n, label in enumerate(labels, 1)
        ]
        self.show("\n".join(lines))

    def dieu(self, value: str) -> None:
        """The whole text of section number ``value`` of the document last shown."""
        doc = self.current
        if doc is None:
            self.show(messages.CONSOLE_NO_DOCUMENT)
            return
        listed = self.listed
        if not value.isdigit() or not 1 <= int(value) <= len(listed):
            self.show(messages.CONSOLE_BAD_SECTION.format(value=esc(value), count=len(listed)))
            return
        chunk = listed[int(value) - 1]
        text = self.engine.article_text(chunk)
        hit = self.engine.passage(chunk.chunk_id) or Hit(chunk, doc, 1.0)
        self.show("\n\n".join(article_blocks(hit, text)))

    def status(self) -> None:
        """Counts, the mode answers use, and the background embedding's progress."""
        stats = self.engine.stats()
        mode = effective_mode(self.engine)
        lines = [
            messages.CONSOLE_STATUS.format(
                documents=stats["documents"],
                chunks=stats["chunks"],
                embedded=stats["embedded_chunks"],
                mode=messages.MODE_NAMES.get(mode, mode),
            )
        ]
        if self.dense is not None and self.dense.running():
            progress = self.dense.progress
            if progress.waiting:
                lines.append(messages.CONSOLE_STATUS_WAITING)
            elif progress.total:
                percent = round(100 * progress.done / progress.total)
                lines.append(
                    messages.CONSOLE_STATUS_EMBEDDING.format(
                        done=progress.done, total=progress.total, percent=percent
                    )
                )
        self.show("\n".join(lines))


def _interrupt_on_sigterm() -> None:
    """Make SIGTERM (systemd, kill) end the chat like Ctrl-C, so the dense build stops cleanly."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


def run_console(settings: Settings, stdin: TextIO, out: TextIO, embedder: Any = None) -> int:
    """Chat in the terminal until EOF, Ctrl-D, Ctrl-C, SIGTERM or /thoat; return the exit code."""
    print(messages.CONSOLE_WELCOME, file=out, flush=True)
    _interrupt_on_sigterm()
    progress = TqdmProgress()

    def announce() -> None:
        print(messages.CONSOLE_BUILDING.format(folder=settings.index.documents_dir), file=out)

    def waiting() -> None:
        print(messages.CONSOLE_WAITING_BUILD, file=out, flush=True)

    try:
        engine = open_or_build(
            settings.index, embedder, progress, on_build=announce, on_wait=waiting
        )
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM during the first build: nothing published
        progress.close()
        print("\n" + messages.CONSOLE_BYE, file=out, flush=True)
        return 130
    progress.close()
    engine.warm_in_background()
    stats = engine.stats()
    mode = effective_mode(engine)
    print(
        messages.CONSOLE_READY.format(
            documents=stats["documents"],
            chunks=stats["chunks"],
            mode=messages.MODE_NAMES.get(mode, mode),
        ),
        file=out,
        flush=True,
    )
    dense = None
    if needs_dense(settings.index, engine, embedder):
        dense = DenseBackground(settings, engine, out, embedder)
        missing = int(stats["chunks"]) - int(stats["embedded_chunks"])
        print(messages.CONSOLE_DENSE_STARTED.format(missing=missing), file=out, flush=True)
        dense.start()
    console = Console(settings, engine, out, dense)
    try:
        while True:
            print(messages.CONSOLE_PROMPT, end="", file=out, flush=True)
            line = stdin.readline()
            if not line:
                print(file=out)
                break
            line = " ".join(line.split())
            if line == messages.CONSOLE_EXIT:
                break
            if line:
                console.handle(line)
                print(file=out, flush=True)
    except KeyboardInterrupt:
        print(file=out)
    if dense is not None and dense.stop():
        stats = engine.stats()
        done = min(stats["chunks"], stats["embedded_chunks"] + dense.progress.done)
        text = messages.CONSOLE_DENSE_STOPPED.format(done=done, total=stats["chunks"])
        print(text, file=out, flush=True)
    print(messages.CONSOLE_BYE, file=out, flush=True)
    return 0
