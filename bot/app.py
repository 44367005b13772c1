"""The Telegram application: every handler registered in one place, one error handler.

The engine and the journal are opened in ``post_init`` (building a quick BM25 index first
when none exists), kept on ``bot_data`` (see :mod:`bot.state`) and closed in ``post_shutdown``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import commands, messages, replicas
from bot.db import masked
from bot.formatting import esc
from bot.handlers import admin, ask, common, documents, uploads
from bot.jobs import complete_dense, in_daemon_thread, needs_dense, open_or_build
from bot.journal import Journal
from bot.settings import Settings
from bot.state import EMBEDDER_KEY, SETTINGS_KEY, STATE_KEY, BotState, settings_of

logger = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]


def build_application(settings: Settings, *, embedder: Any = None) -> App:
    """Create the bot with all its handlers (the engine is opened when it starts).

    Args:
        settings: Loaded configuration; ``settings.token`` must be set.
        embedder: Encoder to use instead of the configured one (tests pass a fake one).
    """
    if not settings.token:
        raise ValueError("build_application needs settings.token (TELEGRAM_BOT_TOKEN)")
    cfg = settings.bot
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(cfg.base_url)
        .base_file_url(cfg.base_file_url)
        .concurrent_updates(True)
        # httpx's pool bookkeeping grows with its size; 32 connections keep up with the
        # 30 requests/s Telegram allows, and a queued request waits instead of failing.
        .connection_pool_size(32)
        .pool_timeout(30.0)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if cfg.rate_limit.enabled:
        builder = builder.rate_limiter(
            AIORateLimiter(
                overall_max_rate=cfg.rate_limit.overall_per_second,
                group_max_rate=cfg.rate_limit.group_per_minute,
                max_retries=cfg.rate_limit.max_retries,
            )
        )
    application = builder.build()
    application.bot_data[SETTINGS_KEY] = settings
    application.bot_data[EMBEDDER_KEY] = embedder
    _register(application)
    return application


def _register(app: App) -> None:
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    new = filters.UpdateType.MESSAGE
    app.add_handler(TypeHandler(Update, replicas.claim), group=-2)  # once across replicas
    app.add_handler(TypeHandler(Update, common.gate), group=-1)
    app.add_handlers(
        [
            CommandHandler("start", common.start),
            CommandHandler("help", common.help_command),
            CommandHandler("hoi", ask.hoi),
            CommandHandler("vanban", documents.vanban),
            CommandHandler("danhsach", documents.danhsach),
            CommandHandler("thongke", admin.thongke),
            CommandHandler("reindex", admin.reindex),
            CommandHandler("xoa", admin.xoa),
            MessageHandler(filters.COMMAND & new, common.unknown_command),
            MessageHandler(filters.TEXT & private & new, ask.ask),
            MessageHandler(filters.TEXT & groups & new, ask.ask_in_group),
            MessageHandler((filters.Document.ALL | filters.PHOTO) & private & new, uploads.upload),
            MessageHandler(private & new, common.unsupported),
            CallbackQueryHandler(ask.more, pattern=r"^m:\d+:\d+$"),
            CallbackQueryHandler(ask.article, pattern=r"^a:\d+$"),
            CallbackQueryHandler(ask.feedback, pattern=r"^f:\d+:-?1$"),
            CallbackQueryHandler(documents.show_document, pattern=r"^d:\w+$"),
            CallbackQueryHandler(documents.show_section, pattern=r"^s:\w+:\d+$"),
            CallbackQueryHandler(documents.section_page, pattern=r"^sp:\w+:\d+$"),
            CallbackQueryHandler(documents.list_page, pattern=r"^l:\d+$"),
            CallbackQueryHandler(uploads.upload_confirm, pattern=r"^u:[yn]:\w+$"),
            CallbackQueryHandler(admin.xoa_choose, pattern=r"^x:\w+$"),
            CallbackQueryHandler(admin.xoa_confirm, pattern=r"^x[yn]:[\w-]+$"),
            CallbackQueryHandler(common.stale_button),  # any other data: stop the spinner
        ]
    )
    app.add_error_handler(on_error)


async def post_init(app: App) -> None:
    """Open the engine (building a quick index if needed) and the journal; set the menu."""
    settings = settings_of(app)
    embedder = app.bot_data.get(EMBEDDER_KEY)
    journal = await asyncio.to_thread(Journal, settings.bot.database)
    engine = await asyncio.to_thread(open_or_build, settings.index, embedder, database=journal.db)
    engine.warm_in_background()
    state = BotState(settings=settings, engine=engine, journal=journal, embedder=embedder)
    app.bot_data[STATE_KEY] = state
    await app.bot.set_my_commands([BotCommand(n, text) for n, text in commands.telegram_menu()])
    background = [
        ("follow", _follow_published_builds(state)),
        ("updates", replicas.forget_old_updates(state)),
    ]
    if settings.bot.journal_retention_days:
        background.append(("purge", _purge_journal(state)))
    if needs_dense(settings.index, engine, embedder):
        background.append(("dense", _complete_dense(state)))
    for name, job in background:
        task = asyncio.get_running_loop().create_task(job, name=name)
        state.tasks.add(task)
        task.add_done_callback(state.tasks.discard)
    stats = engine.stats()
    mode = settings.index.retrieval.mode if stats["embedded_chunks"] else "bm25"
    logger.info(
        "bot @%s ready: %d documents, %d passages (%d with vectors), mode %s, journal %s",
        app.bot.username,
        stats["documents"],
        stats["chunks"],
        stats["embedded_chunks"],
        mode,
        masked(settings.bot.database),
    )
    logger.info("collections %s", settings.access.summary())


RELOAD_EVERY_S = 10.0
"""How often every replica looks for a build published by another process (well under 30 s)."""
PURGE_EVERY_S = 86400.0


async def _purge_journal(state: BotState) -> None:
    """Delete journal entries older than bot.journal_retention_days, at start and daily."""
    days = state.settings.bot.journal_retention_days
    while True:
        try:
            deleted = await asyncio.to_thread(state.journal.purge, time.time() - days * 86400)
        except Exception:
            logger.exception("could not purge the journal")
        else:
            if deleted:
                logger.info("journal: %d questions older than %d days deleted", deleted, days)
        await asyncio.sleep(PURGE_EVERY_S)


async def _follow_published_builds(state: BotState) -> None:
    """Swap in builds published by another process (scripts/reindex.py) without a restart."""
    while True:
        await asyncio.sleep(RELOAD_EVERY_S)
        try:
            if await asyncio.to_thread(state.engine.reload):
                logger.info("now answering from build %s", state.engine.build_id)
        except Exception:
            logger.exception("could not load the newly published index; keeping the current one")


async def _complete_dense(state: BotState) -> None:
    """Embed the passages of a quick BM25-only build in the background."""
    async with state.build_lock:
        try:
            report = await in_daemon_thread(
                complete_dense,
                state.settings.index,
                state.engine,
                state.embedder,
                cancel=state.stopping,
                database=state.journal.db,
            )
        except Exception:
            logger.exception("could not complete the dense index; answering with BM25 only")
        else:
            if report is not None:
                logger.info("dense index ready: %d passages with vectors", report.embedded)


SHUTDOWN_WAIT_S = 3.0


async def post_shutdown(app: App) -> None:
    """Stop background builds (their vectors are checkpointed) and close the journal."""
    state: BotState | None = app.bot_data.get(STATE_KEY)
    if state is not None:
        state.stopping.set()
        tasks = list(state.tasks)
        building = [t for t in tasks if t.get_name() == "dense"]
        if building:  # the build thread ends after its current (checkpointed) batch
            await asyncio.wait(building, timeout=SHUTDOWN_WAIT_S)
        for task in tasks:
            task.cancel()
        await asyncio.to_thread(state.journal.close)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any unexpected error, tell the user, and notify the admin chat if configured."""
    where = _describe(update)
    logger.error("error while handling %s", where, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            if update.callback_query:
                await update.callback_query.answer()
            await update.effective_message.reply_text(messages.ERROR)
        except TelegramError:
            logger.warning("could not tell the user about the error", exc_info=True)
    admin_chat = context.application.bot_data[SETTINGS_KEY].bot.admin_chat_id
    if admin_chat is not None:
        error = f"{type(context.error).__name__}: {context.error}"[:3000]
        try:
            await context.bot.send_message(
                admin_chat,
                messages.ADMIN_ERROR_REPORT.format(where=esc(where), error=esc(error)),
            )
        except TelegramError:
            logger.warning("could not notify the admin chat", exc_info=True)


def _describe(update: object) -> str:
    if not isinstance(update, Update):
        return repr(update)[:300]
    chat, user = update.effective_chat, update.effective_user
    message = update.effective_message
    text = (update.callback_query.data if update.callback_query else None) or (
        message.text if message else None
    )
    return (
        f"update {update.update_id} chat={chat and chat.id} user={user and user.id} {text!r:.200}"
    )
