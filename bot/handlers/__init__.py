"""Telegram handlers, one module per role: asking, documents, administration, the rest."""
