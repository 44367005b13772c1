"""Administrators add documents by sending files: checked, staged, confirmed, indexed."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import shutil
import unicodedata
from pathlib import Path, PurePosixPath

from telegram import (
    Document,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    PhotoSize,
    Update,
)
from telegram.ext import ContextTypes

from bot import messages
from bot.formatting import esc
from bot.handlers.admin import backup, edit, refuse_unless_admin, run_build
from bot.handlers.common import cut, unsupported
from bot.jobs import ThrottledProgress
from bot.settings import Settings
from bot.state import BotState, Pending, state_of
from index.access import collections_on_disk
from index.loaders import SUPPORTED_SUFFIXES, IngestError, load_file
from index.ocr import OcrOptions
from index.ocr import cache_dir as ocr_cache_dir
from index.store import BuildLocked, DiskFull

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^\w\-. ()]+")
MAX_NAME_BYTES = 200
"""Longest saved name in UTF-8 bytes: under the 255-byte limit of file systems, with room for
the prefixes of staged uploads and backups ("1a2b3c4d-", "20260101-120000-")."""


def safe_filename(name: str | None) -> str | None:
    """A file name that cannot leave the uploads folder or hide itself (None if nothing left)."""
    if not name:
        return None
    name = unicodedata.normalize("NFC", name.replace("\\", "/").split("/")[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" ._-")
    name = re.sub(r"\s+", " ", name)
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem.strip(" ._-"):
        return None
    suffix = suffix.lower()[:16]
    room = MAX_NAME_BYTES - len(suffix.encode("utf-8")) - 1  # cut by bytes, not characters
    stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(" ._-") or "tep"
    return f"{stem}.{suffix}"


def upload_folder(settings: Settings, caption: str | None) -> Path | None:
    """Where an upload is saved: ``documents/<uploads_dir>/`` (the public uploads collection),
    or ``documents/<collection>/<uploads_dir>/`` when the caption names an existing collection.
    None when the caption names none (a typo must not make an internal file public)."""
    wanted = (caption or "").strip()
    if not wanted or wanted == settings.bot.uploads_dir:
        return settings.uploads_path
    if wanted in collections_on_disk(settings.index.documents_dir):
        return settings.index.documents_dir / wanted / settings.bot.uploads_dir
    return None


def _incoming(message: Message) -> tuple[str | None, int, Document | PhotoSize]:
    """File name, size and Telegram object of a sent file, or of a photo (largest size)."""
    if message.document is not None:
        document = message.document
        return document.file_name, document.file_size or 0, document
    photo = message.photo[-1]
    return f"anh-{message.date:%Y%m%d-%H%M%S}.jpg", photo.file_size or 0, photo


async def upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Add a document or photo sent by an administrator, after checking its text can be read."""
    message = update.effective_message
    user = update.effective_user
    if message.document is None and not state_of(context).settings.bot.is_admin(user and user.id):
        await unsupported(update, context)  # a teacher's photo is not a question
        return
    if await refuse_unless_admin(update, context):
        return
    state = state_of(context)
    file_name, file_size, document = _incoming(message)
    name = safe_filename(file_name)
    if name is None:
        await message.reply_text(messages.UPLOAD_BAD_NAME.format(name=esc(file_name)))
        return
    if PurePosixPath(name).suffix not in SUPPORTED_SUFFIXES:
        suffixes = ", ".join(SUPPORTED_SUFFIXES)
        await message.reply_text(
            messages.UPLOAD_UNSUPPORTED.format(name=esc(name), suffixes=suffixes)
        )
        return
    limit_mb = min(state.settings.bot.max_upload_mb, state.settings.index.max_file_mb)
    if file_size > limit_mb * 1024 * 1024:
        size_mb = file_size / 1024 / 1024
        await message.reply_text(
            messages.UPLOAD_TOO_LARGE.format(name=esc(name), size=size_mb, limit=limit_mb)
        )
        return
    folder = upload_folder(state.settings, message.caption)
    if folder is None:
        choices = ", ".join(collections_on_disk(state.settings.index.documents_dir))
        await message.reply_text(
            messages.UPLOAD_BAD_COLLECTION.format(
                caption=esc(cut(message.caption or "")), choices=choices
            )
        )
        return
    status = await message.reply_text(messages.UPLOAD_RECEIVED.format(name=esc(name)))
    token = secrets.token_hex(4)
    staged = state.settings.data_dir / "incoming" / f"{token}-{name}"
    staged.parent.mkdir(parents=True, exist_ok=True)
    telegram_file = await document.get_file()
    await telegram_file.download_to_drive(staged)
    try:
        ocr = _ocr_options(state, status, name)
        await asyncio.to_thread(load_file, staged, int(limit_mb * 1024 * 1024), ocr=ocr)
    except IngestError as exc:
        staged.unlink(missing_ok=True)
        await edit(status, messages.UPLOAD_REJECTED.format(name=esc(name), reason=esc(exc)))
        return
    target = folder / name
    if target.exists():
        pending = Pending(update.effective_user.id, "replace", target, staged)
        await asyncio.to_thread(state.hold, token, pending)
        buttons = [
            InlineKeyboardButton(messages.BUTTON_REPLACE, callback_data=f"u:y:{token}"),
            InlineKeyboardButton(messages.BUTTON_KEEP, callback_data=f"u:n:{token}"),
        ]
        await status.edit_text(
            messages.UPLOAD_EXISTS.format(name=esc(name)),
            reply_markup=InlineKeyboardMarkup([buttons]),
        )
        return
    await _install(state, status, staged, target, update.effective_user.id)


def _ocr_options(state: BotState, status: Message, name: str) -> OcrOptions:
    """OCR into the index's cache (the build then reuses it), editing the status message with
    "đang nhận dạng chữ trang 3/12" at most every 2 seconds."""

    async def show(stage: str, done: int, total: int) -> None:
        text = messages.UPLOAD_OCR_PROGRESS.format(name=esc(name), done=done, total=total)
        await edit(status, text)

    throttled = ThrottledProgress(asyncio.get_running_loop(), show, interval=2.0)
    return OcrOptions(
        cache_dir=ocr_cache_dir(state.settings.index.index_dir),
        progress=lambda done, total: throttled("ocr", done, total),
    )


async def _install(state: BotState, status: Message, staged: Path, target: Path, user: int) -> None:
    """Move a checked upload into the documents folder (backing up an old one) and index it."""
    if target.exists():
        await asyncio.to_thread(backup, state, target, "backups")
    target.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(shutil.move, staged, target)
    doc_id = target.relative_to(state.settings.index.documents_dir).as_posix()
    await asyncio.to_thread(state.journal.log_action, user, "upload", doc_id)
    try:
        report = await run_build(state, status)
    except BuildLocked:
        await edit(status, messages.BUILD_LOCKED_SAVED)
        return
    except DiskFull:
        await edit(status, messages.REINDEX_DISK_FULL)
        return
    reasons = dict(report.failed)
    doc = await asyncio.to_thread(state.engine.document, doc_id)
    if doc_id in reasons or doc is None:
        reason = reasons.get(doc_id, "?")
        await edit(
            status, messages.UPLOAD_FAILED_INDEX.format(name=esc(target.name), reason=esc(reason))
        )
        return
    text = messages.UPLOAD_DONE.format(
        name=esc(target.name),
        title=esc(doc.title),
        number=esc(doc.number or messages.NO_NUMBER),
        chunks=doc.n_chunks,
    )
    if target.parent != state.settings.uploads_path:
        text += messages.UPLOAD_COLLECTION.format(collection=esc(doc.collection))
    await edit(status, text)


async def upload_confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Replace an existing file with the staged upload, or drop the upload."""
    if await refuse_unless_admin(update, context):
        return
    query = update.callback_query
    _, choice, token = query.data.split(":")
    state = state_of(context)
    pending = await asyncio.to_thread(state.release, token)
    await query.answer()
    if pending is None or pending.staged is None or not pending.staged.exists():
        await edit(update.effective_message, messages.UPLOAD_PENDING_GONE)
        return
    if choice != "y":
        pending.staged.unlink(missing_ok=True)
        await edit(update.effective_message, messages.UPLOAD_CANCELLED)
        return
    await edit(
        update.effective_message, messages.UPLOAD_RECEIVED.format(name=esc(pending.target.name))
    )
    await _install(state, update.effective_message, pending.staged, pending.target, pending.user_id)
