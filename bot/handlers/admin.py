"""Administrators: /reindex, /xoa and the shared build runner; managers: /thongke."""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from pathlib import Path, PurePosixPath

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import messages
from bot.formatting import document_label, esc, source_line
from bot.handlers.common import clean_input, cut, reader
from bot.handlers.documents import choice_keyboard, find_document
from bot.jobs import ThrottledProgress, shared_build
from bot.state import BotState, doc_key, state_of
from index.builder import BuildReport
from index.models import DocumentInfo
from index.store import BuildLocked, DiskFull

logger = logging.getLogger(__name__)


async def refuse_unless_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Politely refuse a non-administrator; True when refused (the caller then stops)."""
    user = update.effective_user
    if state_of(context).settings.bot.is_admin(user and user.id):
        return False
    if update.callback_query:
        await update.callback_query.answer(messages.NOT_ADMIN, show_alert=True)
    else:
        await update.effective_message.reply_text(messages.NOT_ADMIN)
    return True


async def edit(message: Message, text: str) -> None:
    """Edit a status message, ignoring "message is not modified"."""
    try:
        await message.edit_text(text)
    except BadRequest:
        logger.debug("edit skipped", exc_info=True)


async def run_build(state: BotState, status: Message, *, full: bool = False) -> BuildReport:
    """Build the index in a thread, editing status with progress; swap it into the engine.

    Raises:
        BuildLocked: another build runs (in this bot or in another process).
    """
    if state.build_lock.locked():
        raise BuildLocked("a build is running in this bot")
    async with state.build_lock:

        async def show(stage: str, done: int, total: int) -> None:
            stage_name = messages.STAGES.get(stage, stage)
            text = messages.REINDEX_PROGRESS.format(stage=stage_name, done=done, total=total)
            await edit(status, text)

        progress = ThrottledProgress(asyncio.get_running_loop(), show)
        report = await asyncio.to_thread(
            shared_build,
            state.journal.db,
            state.settings.index,
            full=full,
            embedder=state.embedder,
            progress=progress,
            cancel=state.stopping,
        )
        await asyncio.to_thread(state.engine.reload)
    return report


def _summary(report: BuildReport) -> str:
    text = messages.REINDEX_DONE.format(
        seconds=report.seconds,
        added=len(report.added),
        changed=len(report.changed),
        removed=len(report.removed),
        failed=len(report.failed),
        documents=report.documents,
        chunks=report.chunks,
    )
    lines = [text]
    for n, (doc_id, reason) in enumerate(report.failed):  # every file and folder, within 4096
        line = messages.REINDEX_FAILED_ITEM.format(doc_id=esc(doc_id[:200]), reason=esc(reason))
        if sum(len(x) + 1 for x in lines) + len(line) > 3900:
            lines.append(messages.REINDEX_FAILED_MORE.format(count=len(report.failed) - n))
            break
        lines.append(line)
    return "\n".join(lines)


def backup(state: BotState, path: Path, folder: str) -> Path:
    dest = state.settings.data_dir / folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{path.name}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(path, dest)
    return dest


async def reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Rebuild the index in the background ("/reindex full" reprocesses everything)."""
    if await refuse_unless_admin(update, context):
        return
    state = state_of(context)
    status = await update.effective_message.reply_text(messages.REINDEX_STARTED)
    full = bool(context.args) and context.args[0].lower() in ("full", "tatca", "all")
    try:
        report = await run_build(state, status, full=full)
    except BuildLocked:
        await edit(status, messages.BUILD_LOCKED)
        return
    except DiskFull:
        await edit(status, messages.REINDEX_DISK_FULL)
        return
    await asyncio.to_thread(state.journal.log_action, update.effective_user.id, "reindex")
    await edit(status, _summary(report))


def _matches(docs: list[DocumentInfo], found: list[DocumentInfo], query: str) -> list[DocumentInfo]:
    wanted = query.strip().lower()
    out = {d.doc_id: d for d in found}
    for doc in docs:
        if doc.doc_id.lower() == wanted or PurePosixPath(doc.doc_id).name.lower() == wanted:
            out[doc.doc_id] = doc
    return list(out.values())


async def xoa(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask to confirm the removal of a document named by file name or number."""
    if await refuse_unless_admin(update, context):
        return
    message = update.effective_message
    query = clean_input(" ".join(context.args or []).strip())
    if not query:
        await message.reply_text(messages.XOA_USAGE)
        return
    engine = state_of(context).engine
    access = reader(update, context)  # in a group, what the group may read
    docs = await asyncio.to_thread(engine.documents, access)
    found = _matches(docs, await asyncio.to_thread(engine.find_by_number, query, access), query)
    if not found:
        await message.reply_text(messages.XOA_NONE.format(query=esc(cut(query))))
    elif len(found) > 1:
        await message.reply_text(
            messages.XOA_CHOOSE.format(count=len(found), query=esc(cut(query))),
            reply_markup=choice_keyboard(found, "x"),
        )
    else:
        await _ask_delete(message, found[0])


async def _ask_delete(message: Message, doc: DocumentInfo) -> None:
    key = doc_key(doc.doc_id)
    buttons = [
        InlineKeyboardButton(messages.BUTTON_DELETE, callback_data=f"xy:{key}"),
        InlineKeyboardButton(messages.BUTTON_CANCEL, callback_data="xn:-"),
    ]
    await message.reply_text(
        messages.XOA_CONFIRM.format(source=source_line(doc)),
        reply_markup=InlineKeyboardMarkup([buttons]),
    )


async def xoa_choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask to confirm the removal of the document chosen among several matches."""
    if await refuse_unless_admin(update, context):
        return
    query = update.callback_query
    key = query.data.split(":")[1]
    engine = state_of(context).engine
    doc = await asyncio.to_thread(find_document, engine, key, reader(update, context))
    await query.answer()
    if doc is None:
        await update.effective_message.reply_text(messages.DOCUMENT_GONE)
        return
    await _ask_delete(update.effective_message, doc)


async def xoa_confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remove the confirmed document (moved to the backup folder) and reindex."""
    if await refuse_unless_admin(update, context):
        return
    query = update.callback_query
    await query.answer()
    status = update.effective_message
    if query.data.startswith("xn:"):
        await edit(status, messages.XOA_CANCELLED)
        return
    state = state_of(context)
    key = query.data.split(":")[1]
    doc = await asyncio.to_thread(find_document, state.engine, key, reader(update, context))
    path = state.settings.index.documents_dir / doc.doc_id if doc else None
    if doc is None or path is None or not path.exists():
        await edit(status, messages.DOCUMENT_GONE)
        return
    await asyncio.to_thread(backup, state, path, "deleted")
    await asyncio.to_thread(
        state.journal.log_action, update.effective_user.id, "delete", doc.doc_id
    )
    try:
        await run_build(state, status)
    except BuildLocked:
        await edit(status, messages.BUILD_LOCKED_SAVED)
        return
    except DiskFull:
        await edit(status, messages.REINDEX_DISK_FULL)
        return
    await edit(status, messages.XOA_DONE.format(name=document_label(doc)))


async def thongke(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Usage statistics for managers and administrators."""
    state = state_of(context)
    user = update.effective_user
    if not state.settings.bot.is_manager(user and user.id):
        await update.effective_message.reply_text(messages.NOT_MANAGER)
        return
    engine_stats = await asyncio.to_thread(state.engine.stats)
    stats = await asyncio.to_thread(state.journal.stats)
    share = stats["answered_share"]
    text = messages.STATS.format(
        documents=engine_stats.get("documents", 0),
        chunks=engine_stats.get("chunks", 0),
        embedded=engine_stats.get("embedded_chunks", 0),
        today=stats["today"],
        week=stats["week"],
        total=stats["total"],
        answered=messages.STATS_NONE if share is None else f"{share:.0%}",
        doubted=stats["doubted"],
        up=stats["up"],
        down=stats["down"],
    )
    health = state.journal.health
    if health.failed_writes:
        text += "\n" + messages.STATS_JOURNAL.format(
            failed=health.failed_writes, dropped=health.dropped, pending=health.pending
        )
    if stats["unanswered"]:
        text += "\n" + messages.STATS_UNANSWERED
        text += "".join(f"\n• {esc(q[:200])} ({n})" for q, n in stats["unanswered"])
    await update.effective_message.reply_text(text)
