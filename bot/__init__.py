"""Telegram front end (and console chat) of the Vietnamese education-documents assistant.

``python -m bot`` runs the bot when TELEGRAM_BOT_TOKEN is set, otherwise a console chat.
The retrieval engine lives in :mod:`index`, which knows nothing of Telegram.
"""
