"""Console chat: the bot's answer pipeline and formatting in a terminal (no token needed).

The index is built first when missing: a quick BM25-only build so answers start in seconds,
then the dense vectors in a background thread, swapped in with ``engine.reload()``.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, TextIO

from bot import messages
from bot.formatting import answer_blocks, document_card, document_list, html_to_text, pack
from bot.jobs import complete_dense, needs_dense, open_or_build
from bot.settings import Settings
from index.engine import Engine

logger = logging.getLogger(__name__)

BOLD = ("\033[1m", "\033[0m")


class TqdmProgress:
    """Build progress as one tqdm bar per stage (on stderr)."""

    def __init__(self) -> None:
        self._bars: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None:
            label = messages.STAGES.get(stage, stage)
            unit = {"load": "tệp", "embed": "đoạn"}.get(stage, "")
            bar = self._bars[stage] = tqdm(total=total, desc=label, unit=unit, leave=True)
        bar.total = total
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    def close(self) -> None:
        """Close any bar still open."""
        for bar in self._bars.values():
            bar.close()


class Console:
    """One terminal conversation over an engine."""

    def __init__(self, settings: Settings, engine: Engine, out: TextIO) -> None:
        self.settings = settings
        self.engine = engine
        self.out = out
        self.bold = BOLD if out.isatty() else ("", "")

    def show(self, html_text: str) -> None:
        """Print HTML as plain text."""
        for piece in pack([html_text]):
            print(html_to_text(piece, self.bold), file=self.out, flush=True)

    def handle(self, line: str) -> None:
        """Answer one line: a question or one of /vanban, /danhsach, /help."""
        command, _, rest = line.partition(" ")
        if command in ("/help", "/start"):
            self.show(messages.HELP.format(username="bot"))
        elif command == "/danhsach":
            self.show(document_list(self.engine.documents(), 0, 50)[0])
        elif command == "/vanban":
            self.vanban(rest.strip())
        else:
            self.ask(line)

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
        result = self.engine.search(question)
        blocks = answer_blocks(result, limits.answer_passages, limits.passage_chars)
        self.show("\n\n".join(blocks))

    def vanban(self, query: str) -> None:
        """Document cards for a number."""
        if not query:
            self.show(messages.VANBAN_USAGE)
            return
        found = self.engine.find_by_number(query)
        if not found:
            self.show(messages.VANBAN_NONE.format(query=query))
        for doc in found[:5]:
            self.show(document_card(doc, self.engine.cited_by(doc.doc_id)))


def _dense_in_background(settings: Settings, engine: Engine, out: TextIO, embedder: Any) -> None:
    def work() -> None:
        try:
            complete_dense(settings.index, engine, embedder)
        except Exception as exc:  # the console keeps answering with BM25
            logger.warning("dense index failed", exc_info=True)
            print("\n" + messages.CONSOLE_DENSE_FAILED.format(error=exc), file=out, flush=True)
        else:
            print("\n" + messages.CONSOLE_DENSE_READY, file=out, flush=True)

    threading.Thread(target=work, name="dense-index", daemon=True).start()


def run_console(settings: Settings, stdin: TextIO, out: TextIO, embedder: Any = None) -> int:
    """Chat in the terminal until EOF, Ctrl-D, Ctrl-C or /thoat; return the exit code."""
    print(messages.CONSOLE_WELCOME, file=out, flush=True)
    progress = TqdmProgress()

    def announce() -> None:
        print(messages.CONSOLE_BUILDING.format(folder=settings.index.documents_dir), file=out)

    engine = open_or_build(settings.index, embedder, progress, on_build=announce)
    progress.close()
    if needs_dense(settings.index, engine, embedder):
        _dense_in_background(settings, engine, out, embedder)
    console = Console(settings, engine, out)
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
    print(messages.CONSOLE_BYE, file=out, flush=True)
    return 0
