"""Several bot processes (replicas) behind one webhook URL answer as one bot.

Every update is claimed in the shared database before any handler sees it
(:meth:`bot.journal.Journal.claim_update`): an update Telegram re-delivers, or one that the
reverse proxy hands to two replicas, is answered by whichever claimed it first and dropped
silently by the others. The claimed ids are forgotten after two days.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.state import BotState, state_of

logger = logging.getLogger(__name__)

REPLICA = f"{socket.gethostname()}:{os.getpid()}"
"""This process's name in ``processed_updates.replica`` (which replica answered what)."""

FORGET_EVERY_S = 3600.0


async def claim(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop handling an update that this or another replica has already claimed."""
    if not isinstance(update, Update):
        return
    journal = state_of(context).journal
    if not await asyncio.to_thread(journal.claim_update, update.update_id, REPLICA):
        logger.info("update %d already handled elsewhere: dropped", update.update_id)
        raise ApplicationHandlerStop


async def forget_old_updates(state: BotState) -> None:
    """Delete claimed update ids older than two days, at start and every hour."""
    while True:
        forgotten = await asyncio.to_thread(state.journal.forget_updates)
        if forgotten:
            logger.debug("%d old update ids forgotten", forgotten)
        await asyncio.sleep(FORGET_EVERY_S)
