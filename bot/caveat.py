"""The corpus caveat: bundled texts were transcribed automatically, so say so under answers.

The documents shipped in ``documents/`` were converted from web pages and PDFs by a program;
a number or a word can be wrong. Answers quoting them end with a short note asking the reader
to check the official text before quoting it. Documents an administrator uploaded (under
``documents/<uploads_dir>/``) are the school's own files and carry no note.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot import messages
from index.models import Hit


def is_bundled(doc_id: str, uploads_dir: str) -> bool:
    """True for a shipped document (not an administrator's upload, which lives in
    ``<uploads_dir>/`` or, sent to a collection, in ``<collection>/<uploads_dir>/``)."""
    folders = doc_id.split("/")[:-1]
    return uploads_dir.strip("/") not in folders[:2]


def transcription_note(hits: Iterable[Hit], uploads_dir: str) -> str | None:
    """The footer for an answer quoting at least one bundled document, else None."""
    if any(is_bundled(hit.doc.doc_id, uploads_dir) for hit in hits):
        return messages.TRANSCRIBED_NOTE
    return None


def with_note(blocks: list[str], hits: Iterable[Hit], uploads_dir: str) -> list[str]:
    """``blocks`` followed by the transcription note when it applies."""
    note = transcription_note(hits, uploads_dir)
    return [*blocks, note] if note else blocks
