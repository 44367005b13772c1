"""Questions and the buttons under an answer: Xem thêm, Toàn văn Điều này, 👍 / 👎."""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import caveat, messages
from bot.formatting import answer_blocks, article_blocks, esc, more_blocks
from bot.handlers.common import (
    ARTICLE_MESSAGES,
    clean_input,
    is_private,
    notify_admin_chat,
    reader,
    send_blocks,
)
from bot.state import BotState, state_of
from index.access import EVERYTHING, Access
from index.engine import Engine
from index.models import Hit

logger = logging.getLogger(__name__)


def answer_keyboard(
    qid: int | None, chunk_id: int, chosen: int | None = None
) -> InlineKeyboardMarkup:
    """Buttons under a first answer; chosen marks the feedback already given.

    Without a question id (the journal could not store the question) only the whole-article
    button is offered.
    """
    if qid is None:
        article = InlineKeyboardButton(messages.BUTTON_ARTICLE, callback_data=f"a:{chunk_id}")
        return InlineKeyboardMarkup([[article]])
    up, down = messages.BUTTON_UP, messages.BUTTON_DOWN
    if chosen == 1:
        up = messages.BUTTON_CHOSEN.format(label=up)
    elif chosen == -1:
        down = messages.BUTTON_CHOSEN.format(label=down)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(messages.BUTTON_MORE, callback_data=f"m:{qid}:1"),
                InlineKeyboardButton(messages.BUTTON_ARTICLE, callback_data=f"a:{chunk_id}"),
            ],
            [
                InlineKeyboardButton(up, callback_data=f"f:{qid}:1"),
                InlineKeyboardButton(down, callback_data=f"f:{qid}:-1"),
            ],
        ]
    )


def page_hits(
    engine: Engine, query: str, offset: int, passages: int, access: Access = EVERYTHING
) -> tuple[list[Hit], int]:
    """Hits of a page (offset 0: the first answer) and the offset of the next page.

    Pages after the first walk the ranking from ``offset`` and skip passages the first answer
    already showed, so "Xem thêm" never repeats them. Only what ``access`` reads is ranked.
    """
    first = list(engine.answer(query, passages=passages, access=access).passages)
    if offset == 0:
        return first, 1
    shown = {h.chunk.chunk_id for h in first}
    ranked = engine.search(query, k=passages + len(shown), offset=offset, access=access).hits
    hits: list[Hit] = []
    consumed = 0
    for i, hit in enumerate(ranked):
        if len(hits) == passages:
            break
        consumed = i + 1
        if hit.chunk.chunk_id not in shown:
            hits.append(hit)
    return hits, offset + max(consumed, 1)


async def _question_of(state: BotState, qid: int) -> str | None:
    question = state.recall(qid)
    if question is None:
        question = await asyncio.to_thread(state.journal.question, qid)
        if question is not None:
            state.remember(qid, question)
    return question


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """Search, log and reply to one question (shared by all the ways of asking)."""
    message = update.effective_message
    state = state_of(context)
    limits = state.settings.bot
    question = " ".join(clean_input(question).split())
    if not question:
        await message.reply_text(messages.EMPTY_QUESTION)
        return
    if len(question) > limits.max_question_chars:
        await message.reply_text(
            messages.QUESTION_TOO_LONG.format(length=len(question), limit=limits.max_question_chars)
        )
        return
    started = time.perf_counter()
    # "typing…" is cosmetic: skipped in groups (20 messages/minute each) and under load, so
    # the Bot API budget (~30 calls/s) goes to answers.
    if is_private(update) and not state.under_load():
        try:
            await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
        except TelegramError:
            logger.debug("chat action failed", exc_info=True)
    reply = await asyncio.to_thread(
        state.engine.answer,
        question,
        passages=limits.answer_passages,
        access=reader(update, context),
    )
    result = reply.result
    blocks = answer_blocks(reply, limits.passage_chars)
    if not result.abstained:
        blocks = caveat.with_note(blocks, reply.passages, limits.uploads_dir)
    user, chat = update.effective_user, update.effective_chat
    qid = await asyncio.to_thread(
        state.journal.log_question,
        result,
        user_id=user and user.id,
        chat_id=chat and chat.id,
        chat_type=chat and chat.type,
        latency_ms=(time.perf_counter() - started) * 1000,
        uncertain=reply.uncertain,
    )
    logger.info(  # the question text stays in the journal only (personal data)
        "question %s chat=%s (%s) user=%s: %s, mode %s, %.0f ms",
        qid,
        chat and chat.id,
        chat and chat.type,
        user and user.id,
        "no answer" if result.abstained else "answered",
        result.mode,
        (time.perf_counter() - started) * 1000,
    )
    await report_journal_incident(context, state)
    if qid is not None:
        state.remember(qid, question)
    markup = None
    if not reply.abstained and reply.passages:
        markup = answer_keyboard(qid, reply.passages[0].chunk.chunk_id)
    private = is_private(update)
    await send_blocks(
        message, blocks, markup, quote=not private, max_messages=None if private else 1
    )


async def report_journal_incident(context: ContextTypes.DEFAULT_TYPE, state: BotState) -> None:
    """Warn the admin chat once when journal writes start failing (answers continue)."""
    error = state.journal.take_incident()
    if error is not None:
        await notify_admin_chat(context, messages.JOURNAL_FAILING.format(error=esc(error[:500])))


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a plain message in a private chat."""
    await answer(update, context, update.effective_message.text or "")


async def hoi(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer /hoi <câu hỏi> (the way to ask in groups)."""
    await answer(update, context, " ".join(context.args or []))


async def ask_in_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a group message that mentions the bot or replies to it; ignore the rest."""
    message = update.effective_message
    text = message.text or ""
    username = (context.bot.username or "").lower()
    mentioned = False
    for value in message.parse_entities([MessageEntity.MENTION]).values():
        if username and value.lower() == "@" + username:
            mentioned = True
            text = text.replace(value, " ")
    replied = message.reply_to_message
    to_bot = (
        replied is not None
        and replied.from_user is not None
        and (replied.from_user.id == context.bot.id)
    )
    if mentioned or to_bot:
        await answer(update, context, text)


async def more(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the next page of passages ("Xem thêm")."""
    query = update.callback_query
    _, qid_text, offset_text = query.data.split(":")
    qid, offset = int(qid_text), int(offset_text)
    state = state_of(context)
    question = await _question_of(state, qid)
    if question is None:
        await query.answer(messages.QUESTION_EXPIRED, show_alert=True)
        return
    await query.answer()
    passages = state.settings.bot.answer_passages
    hits, next_offset = await asyncio.to_thread(
        page_hits, state.engine, question, offset, passages, reader(update, context)
    )
    blocks = more_blocks(hits, offset + 1, state.settings.bot.passage_chars)
    markup = None
    if hits:
        rows = [
            [
                InlineKeyboardButton(
                    f"{messages.BUTTON_ARTICLE} #{offset + 1 + i}",
                    callback_data=f"a:{hit.chunk.chunk_id}",
                )
            ]
            for i, hit in enumerate(hits)
        ]
        rows.append(
            [InlineKeyboardButton(messages.BUTTON_MORE, callback_data=f"m:{qid}:{next_offset}")]
        )
        markup = InlineKeyboardMarkup(rows)
    await send_blocks(update.effective_message, blocks, markup)


async def article(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the whole article (Điều) around a passage of an answer."""
    query = update.callback_query
    chunk_id = int(query.data.split(":")[1])
    engine = state_of(context).engine
    access = reader(update, context)
    hit = engine.passage(chunk_id, access)
    await query.answer()
    if hit is None:  # gone, or not readable here: the same reply, existence not told
        await update.effective_message.reply_text(messages.SECTION_GONE)
        return
    text = await asyncio.to_thread(engine.article_text, hit.chunk, access)
    blocks = article_blocks(hit, text, max_messages=ARTICLE_MESSAGES)
    await send_blocks(update.effective_message, blocks)


async def feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store 👍 / 👎 for an answer and mark the chosen button."""
    query = update.callback_query
    _, qid_text, value_text = query.data.split(":")
    qid, value = int(qid_text), 1 if value_text == "1" else -1
    state = state_of(context)
    user = update.effective_user
    chat = update.effective_chat  # the chat where the button was pressed
    stored = await asyncio.to_thread(
        state.journal.set_feedback, qid, user and user.id, value, chat and chat.id
    )
    if not stored:
        await query.answer(messages.QUESTION_EXPIRED, show_alert=True)
        return
    await query.answer(messages.FEEDBACK_THANKS)
    buttons = query.message.reply_markup.inline_keyboard if query.message.reply_markup else ()
    article_data = [
        b.callback_data for row in buttons for b in row if str(b.callback_data).startswith("a:")
    ]
    if not article_data:
        return
    chunk_id = int(article_data[0].split(":")[1])
    try:
        await query.edit_message_reply_markup(answer_keyboard(qid, chunk_id, chosen=value))
    except TelegramError:
        logger.debug("could not mark the feedback button", exc_info=True)
