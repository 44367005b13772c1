"""/vanban (document card, citing documents, sections) and /danhsach (paginated list)."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot import messages
from bot.formatting import (
    article_blocks,
    document_card,
    document_label,
    document_list,
    esc,
    excerpt_card,
    sections,
)
from bot.handlers.common import ARTICLE_MESSAGES, clean_input, cut, reader, send_blocks
from bot.state import doc_key, state_of
from index.access import EVERYTHING, Access
from index.engine import Engine
from index.models import DocumentInfo, Excerpt, Hit

logger = logging.getLogger(__name__)

SECTIONS_PER_PAGE = 12
EXCERPT_BUTTONS = 60  # Telegram takes 100 buttons per message; two per row stay readable


def find_document(
    engine: Engine, key: str, access: Access = EVERYTHING
) -> DocumentInfo | None:
    """The readable document whose short key is given (see :func:`bot.state.doc_key`); None
    for an unknown key and for one the reader may not read alike."""
    for doc in engine.documents(access):
        if doc_key(doc.doc_id) == key:
            return doc
    return None


def choice_keyboard(docs: list[DocumentInfo], prefix: str) -> InlineKeyboardMarkup:
    """One button per document, labelled "số hiệu – title"."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    document_label(d, 60, markup=False),
                    callback_data=f"{prefix}:{doc_key(d.doc_id)}",
                )
            ]
            for d in docs[:20]
        ]
    )


def card_keyboard(
    engine: Engine, doc: DocumentInfo, page: int, access: Access = EVERYTHING
) -> InlineKeyboardMarkup | None:
    """Section buttons of a document card, a page at a time."""
    items = sections(engine.chunks(doc.doc_id, access))
    if not items:
        return None
    key = doc_key(doc.doc_id)
    pages = (len(items) + SECTIONS_PER_PAGE - 1) // SECTIONS_PER_PAGE
    page = min(max(page, 0), pages - 1)
    shown = items[page * SECTIONS_PER_PAGE : (page + 1) * SECTIONS_PER_PAGE]
    buttons = [InlineKeyboardButton(label[:40], callback_data=f"s:{key}:{i}") for label, i in shown]
    rows = [buttons[j : j + 3] for j in range(0, len(buttons), 3)]
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton(messages.BUTTON_PREV, callback_data=f"sp:{key}:{page - 1}"))
    if page + 1 < pages:
        nav.append(InlineKeyboardButton(messages.BUTTON_NEXT, callback_data=f"sp:{key}:{page + 1}"))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def _card(
    engine: Engine, doc: DocumentInfo, access: Access
) -> tuple[str, InlineKeyboardMarkup | None]:
    text = document_card(doc, engine.cited_by(doc.doc_id, access))
    markup = card_keyboard(engine, doc, 0, access)
    text += "\n\n" + (messages.CARD_SECTIONS if markup else messages.CARD_NO_SECTIONS)
    return text, markup


def _excerpt(
    engine: Engine, excerpt: Excerpt, access: Access
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The card of a document held only inside a compilation, a button per article (each
    opens that article of the compilation, like a card's section buttons)."""
    cited = [
        d for d in engine.citing(excerpt.number, access)
        if d.doc_id != excerpt.compilation.doc_id
    ]
    text = excerpt_card(excerpt, cited)
    index = {c.chunk_id: i for i, c in enumerate(engine.chunks(excerpt.compilation.doc_id, access))}
    key = doc_key(excerpt.compilation.doc_id)
    buttons = [
        InlineKeyboardButton(label[:40], callback_data=f"s:{key}:{index[chunk.chunk_id]}")
        for chunk, label in zip(excerpt.articles, excerpt.labels, strict=True)
        if chunk.chunk_id in index
    ][:EXCERPT_BUTTONS]
    if not buttons:
        return text, None
    text += "\n\n" + messages.CARD_SECTIONS
    return text, InlineKeyboardMarkup([buttons[j : j + 2] for j in range(0, len(buttons), 2)])


async def vanban(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Find a document by its number and show its card (or a choice, or a clear miss)."""
    message = update.effective_message
    query = clean_input(" ".join(context.args or []).strip())
    if not query:
        await message.reply_text(messages.VANBAN_USAGE)
        return
    engine = state_of(context).engine
    access = reader(update, context)
    found = await asyncio.to_thread(engine.find_by_number, query, access)
    excerpts = [] if found else await asyncio.to_thread(engine.excerpts, query, access)
    if excerpts:  # held only as articles of a compilation
        for excerpt in excerpts[:5]:
            text, markup = await asyncio.to_thread(_excerpt, engine, excerpt, access)
            await send_blocks(message, [text], markup)
        return
    if not found:
        citing = await asyncio.to_thread(engine.citing, query, access)
        if citing:
            lines = "\n".join(f"• {document_label(d)}" for d in citing[:15])
            text = messages.VANBAN_ONLY_CITED.format(
                query=esc(cut(query)), count=len(citing), docs=lines
            )
            await message.reply_text(text, reply_markup=choice_keyboard(citing[:15], "d"))
            return
        await message.reply_text(messages.VANBAN_NONE.format(query=esc(cut(query))))
    elif len(found) > 1:
        await message.reply_text(
            messages.VANBAN_CHOOSE.format(count=len(found), query=esc(cut(query))),
            reply_markup=choice_keyboard(found, "d"),
        )
    else:
        text, markup = await asyncio.to_thread(_card, engine, found[0], access)
        await send_blocks(message, [text], markup)


async def show_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the card of the document chosen with a button."""
    query = update.callback_query
    engine = state_of(context).engine
    access = reader(update, context)
    doc = await asyncio.to_thread(find_document, engine, query.data.split(":")[1], access)
    await query.answer()
    if doc is None:
        await update.effective_message.reply_text(messages.DOCUMENT_GONE)
        return
    text, markup = await asyncio.to_thread(_card, engine, doc, access)
    await send_blocks(update.effective_message, [text], markup)


async def section_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Page through the section buttons of a card."""
    query = update.callback_query
    _, key, page = query.data.split(":")
    engine = state_of(context).engine
    access = reader(update, context)
    doc = await asyncio.to_thread(find_document, engine, key, access)
    await query.answer()
    if doc is None:
        await update.effective_message.reply_text(messages.DOCUMENT_GONE)
        return
    markup = await asyncio.to_thread(card_keyboard, engine, doc, int(page), access)
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest:
        logger.debug("section page unchanged", exc_info=True)


async def show_section(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text of one section of a document."""
    query = update.callback_query
    _, key, index = query.data.split(":")
    engine = state_of(context).engine
    access = reader(update, context)
    doc = await asyncio.to_thread(find_document, engine, key, access)
    await query.answer()
    chunks = await asyncio.to_thread(engine.chunks, doc.doc_id, access) if doc else []
    if doc is None or int(index) >= len(chunks):
        await update.effective_message.reply_text(messages.SECTION_GONE)
        return
    chunk = chunks[int(index)]
    text = await asyncio.to_thread(engine.article_text, chunk, access)
    hit = engine.passage(chunk.chunk_id, access) or Hit(chunk, doc, 1.0)
    blocks = article_blocks(hit, text, max_messages=ARTICLE_MESSAGES)
    await send_blocks(update.effective_message, blocks)


async def danhsach(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the documents, newest first, a page at a time."""
    state = state_of(context)
    docs = await asyncio.to_thread(state.engine.documents, reader(update, context))
    text, pages = document_list(docs, 0, state.settings.bot.list_page_size)
    await update.effective_message.reply_text(text, reply_markup=_list_keyboard(0, pages))


async def list_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Turn a page of the document list."""
    query = update.callback_query
    page = int(query.data.split(":")[1])
    state = state_of(context)
    docs = await asyncio.to_thread(state.engine.documents, reader(update, context))
    text, pages = document_list(docs, page, state.settings.bot.list_page_size)
    await query.answer()
    page = min(max(page, 0), pages - 1)
    try:
        await query.edit_message_text(text, reply_markup=_list_keyboard(page, pages))
    except BadRequest:
        logger.debug("list page unchanged", exc_info=True)


def _list_keyboard(page: int, pages: int) -> InlineKeyboardMarkup | None:
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton(messages.BUTTON_PREV, callback_data=f"l:{page - 1}"))
    if page + 1 < pages:
        nav.append(InlineKeyboardButton(messages.BUTTON_NEXT, callback_data=f"l:{page + 1}"))
    return InlineKeyboardMarkup([nav]) if nav else None
