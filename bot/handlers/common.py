"""Greeting, help, the chat gate, unknown commands and input the bot cannot read."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import commands, messages
from bot.formatting import pack
from bot.settings import Settings
from bot.state import SETTINGS_KEY
from index.access import Access

logger = logging.getLogger(__name__)

_SURROGATE = re.compile("[\ud800-\udfff]")
ARTICLE_MESSAGES = 3
"""Most messages one "Toàn văn" reply may take (the rest is pointed to)."""


def settings_from(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    """Settings without needing the engine (available before post_init finishes)."""
    return context.application.bot_data[SETTINGS_KEY]


def is_private(update: Update) -> bool:
    """True in a one-to-one chat with the bot."""
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


def reader(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Access:
    """What the chat of an update may read (``access:`` section): every engine call that shows
    content gets it. In a group only the group's grants count, since every member sees the
    reply; in a private chat the user's (an administrator reads everything)."""
    settings = settings_from(context)
    chat, user = update.effective_chat, update.effective_user
    user_id = user.id if user else None
    return settings.access.reader(
        chat.id if chat else None,
        user_id,
        private=is_private(update),
        admin=settings.bot.is_admin(user_id),
    )


async def send_blocks(
    message: Message,
    blocks: Sequence[str],
    markup: InlineKeyboardMarkup | None = None,
    quote: bool = False,
    max_messages: int | None = None,
) -> list[Message]:
    """Reply with HTML blocks packed into <= 4096-character messages; buttons on the last.

    ``max_messages`` keeps only the first messages (a group gets one message per answer).
    """
    texts = pack(blocks)[:max_messages]
    sent = []
    for i, text in enumerate(texts):
        last = i == len(texts) - 1
        sent.append(
            await message.reply_text(
                text, reply_markup=markup if last else None, do_quote=quote and i == 0
            )
        )
    return sent


def clean_input(text: str) -> str:
    """User text made safe to store and echo: lone UTF-16 surrogates become U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def cut(text: str, limit: int = 200) -> str:
    """A user's text shortened for an echo in a reply ("…" marks the cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def notify_admin_chat(context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Send a warning to bot.admin_chat_id if one is configured (failures only logged)."""
    chat = settings_from(context).bot.admin_chat_id
    if chat is None:
        return
    try:
        await context.bot.send_message(chat, text)
    except TelegramError:
        logger.warning("could not notify the admin chat", exc_info=True)


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop updates from chats outside bot.allowed_chats (administrators always pass)."""
    settings = settings_from(context).bot
    if not settings.allowed_chats:
        return
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and chat.id in settings.allowed_chats:
        return
    if user is not None and settings.is_manager(user.id):
        return
    logger.info("ignoring update from chat %s (not in bot.allowed_chats)", chat and chat.id)
    raise ApplicationHandlerStop


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user with examples."""
    await update.effective_message.reply_text(messages.START + messages.START_CAVEAT)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the commands with examples."""
    await update.effective_message.reply_text(
        commands.help_text("telegram", context.bot.username or "bot")
    )


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Point to /help for a command the bot does not know (quiet in groups unless addressed)."""
    message = update.effective_message
    if not is_private(update):
        command = (message.text or "").split()[0]
        if (
            "@" not in command
            or command.split("@", 1)[1].lower() != (context.bot.username or "").lower()
        ):
            return
    await message.reply_text(messages.UNKNOWN_COMMAND)


async def unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain that only text questions are understood (stickers, photos, voice...)."""
    await update.effective_message.reply_text(messages.UNSUPPORTED_MESSAGE)


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a button press no handler knows (old or hand-made data): no hanging spinner."""
    await update.callback_query.answer(messages.BUTTON_UNKNOWN)
